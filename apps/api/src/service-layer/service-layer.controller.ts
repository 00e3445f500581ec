import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { consistentFlag, parseQuery } from '../http/query-params';
import { ServiceLayerService } from './service-layer.service';

const consistent = consistentFlag;
const RoutesQuery = z.strictObject({ node: z.string().min(1).optional(), format: z.string().optional(), consistent });
const EndpointsQuery = z.strictObject({ namespace: z.string().optional(), service: z.string().optional(), consistent });
const RecordsQuery = z.strictObject({ name: z.string().optional(), type: z.string().optional(), consistent });
const ResolveQuery = z.strictObject({ name: z.string(), from: z.string(), type: z.string().optional(), consistent });

@ApiTags('services and DNS')
@Controller('api/v1/clusters/:cluster')
export class ServiceLayerController {
  constructor(private readonly serviceLayer: ServiceLayerService) {}

  @Get('routes')
  @ApiOperation({
    summary: "A node's kube-proxy routing table",
    description: 'json, or as kube-proxy programs it: iptables-save (nat table), ipvsadm -Ln, or nftables. The default follows the cluster\'s kubeProxyMode. The revision is in X-Switchyard-Revision.',
  })
  @ApiQuery({ name: 'node', required: false, description: 'required when the cluster has more than one node' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'iptables', 'ipvs', 'nftables'] })
  @ApiQuery({ name: 'consistent', required: false, enum: ['true', 'false'] })
  async routes(@Param('cluster') cluster: string, @Query() query: unknown, @Res({ passthrough: true }) response: FastifyReply) {
    const result = await this.serviceLayer.routes(cluster, parseQuery(RoutesQuery, query));
    response.header('X-Switchyard-Revision', String(result.revision));
    if (result.text === undefined) {
      const { text: _text, ...json } = result;
      return json;
    }
    response.type('text/plain; charset=utf-8');
    return result.text;
  }

  @Get('endpoints')
  @ApiOperation({
    summary: 'Endpoints of Services, and their EndpointSlices (at most 100 endpoints each)',
    description: 'Computed for every Service with a selector (ready or not, target ports resolved per pod); Services without a selector take the EndpointSlices applied by the user.',
  })
  @ApiQuery({ name: 'namespace', required: false })
  @ApiQuery({ name: 'service', required: false })
  @ApiQuery({ name: 'consistent', required: false, enum: ['true', 'false'] })
  endpoints(@Param('cluster') cluster: string, @Query() query: unknown) {
    return this.serviceLayer.endpoints(cluster, parseQuery(EndpointsQuery, query));
  }

  @Get('dns/records')
  @ApiOperation({ summary: 'Cluster DNS records (A/AAAA, SRV, CNAME, PTR, pod records), by name and type' })
  @ApiQuery({ name: 'name', required: false, example: 'api.shop.svc.cluster.local' })
  @ApiQuery({ name: 'type', required: false, enum: ['A', 'AAAA', 'SRV', 'CNAME', 'PTR'] })
  @ApiQuery({ name: 'consistent', required: false, enum: ['true', 'false'] })
  records(@Param('cluster') cluster: string, @Query() query: unknown) {
    return this.serviceLayer.dnsRecords(cluster, parseQuery(RecordsQuery, query));
  }

  @Get('dns/resolve')
  @ApiOperation({
    summary: 'Resolve a name as a pod does: the search path tried under ndots:5, each query and the answer',
  })
  @ApiQuery({ name: 'name', example: 'db' })
  @ApiQuery({ name: 'from', example: 'shop/web-0' })
  @ApiQuery({ name: 'type', required: false, enum: ['A', 'AAAA', 'SRV', 'CNAME', 'PTR'] })
  @ApiQuery({ name: 'consistent', required: false, enum: ['true', 'false'] })
  resolve(@Param('cluster') cluster: string, @Query() query: unknown) {
    return this.serviceLayer.resolve(cluster, parseQuery(ResolveQuery, query));
  }
}
