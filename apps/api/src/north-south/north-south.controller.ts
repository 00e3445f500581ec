import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { consistentFlag, parseQuery } from '../http/query-params';
import { NorthSouthService } from './north-south.service';

const consistent = consistentFlag;
const IngressRoutesQuery = z.strictObject({ class: z.string().optional(), consistent });
const IngressMatchQuery = z.strictObject({ url: z.string(), class: z.string().optional(), consistent });
const ExposureQuery = z.strictObject({ format: z.string().optional(), consistent });
const GatewayRoutesQuery = z.strictObject({ consistent });
const GatewayMatchQuery = z.strictObject({
  url: z.string(),
  method: z.string().optional(),
  gateway: z.string().optional(),
  header: z.union([z.string(), z.array(z.string())]).optional().transform((h) => (h === undefined ? undefined : Array.isArray(h) ? h : [h])),
  consistent,
});

@ApiTags('ingress and gateways')
@Controller('api/v1/clusters/:cluster')
export class NorthSouthController {
  constructor(private readonly northSouth: NorthSouthService) {}

  @Get('ingress/routes')
  @ApiOperation({ summary: 'Ingress routing tables per class: host → ordered paths → backend Service:port → endpoints, with conflicts' })
  @ApiQuery({ name: 'class', required: false })
  @ApiQuery({ name: 'consistent', required: false, enum: ['true', 'false'] })
  ingressRoutes(@Param('cluster') cluster: string, @Query() query: unknown) {
    return this.northSouth.ingressRoutes(cluster, parseQuery(IngressRoutesQuery, query));
  }

  @Get('ingress/match')
  @ApiOperation({ summary: 'Which Ingress rule and backend serve a URL, the endpoints it reaches, and every candidate that lost, with why' })
  @ApiQuery({ name: 'url', example: 'https://shop.example.com/cart' })
  @ApiQuery({ name: 'class', required: false })
  @ApiQuery({ name: 'consistent', required: false, enum: ['true', 'false'] })
  ingressMatch(@Param('cluster') cluster: string, @Query() query: unknown) {
    return this.northSouth.ingressMatch(cluster, parseQuery(IngressMatchQuery, query));
  }

  @Get('exposure')
  @ApiOperation({
    summary: 'What the outside world can reach: every exposed workload, by which path (Ingress, Gateway/HTTPRoute, NodePort, LoadBalancer, externalIP, open ipBlock), ports and source ranges',
    description:
      'Ingress and HTTPRoute rows count only routes that serve traffic, with the clients the proxy\'s own Service admits; under externalTrafficPolicy Cluster policies are judged on node addresses (SNAT). format=txt renders the peer analyzer\'s exposure format.',
  })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'txt'] })
  @ApiQuery({ name: 'consistent', required: false, enum: ['true', 'false'] })
  async exposure(@Param('cluster') cluster: string, @Query() query: unknown, @Res({ passthrough: true }) response: FastifyReply) {
    const result = await this.northSouth.exposure(cluster, parseQuery(ExposureQuery, query));
    response.header('X-Switchyard-Revision', String(result.revision));
    if (result.text === undefined) return result;
    response.type('text/plain; charset=utf-8');
    return result.text;
  }

  @Get('gateway/routes')
  @ApiOperation({ summary: 'Gateways (listeners, attached routes) and HTTPRoutes with the status conditions a controller sets' })
  @ApiQuery({ name: 'consistent', required: false, enum: ['true', 'false'] })
  gatewayRoutes(@Param('cluster') cluster: string, @Query() query: unknown) {
    return this.northSouth.gatewayRoutes(cluster, parseQuery(GatewayRoutesQuery, query));
  }

  @Get('gateway/match')
  @ApiOperation({ summary: 'Which HTTPRoute rule serves a request through a Gateway, with the weighted backend split' })
  @ApiQuery({ name: 'url', example: 'http://shop.example.com/api' })
  @ApiQuery({ name: 'method', required: false })
  @ApiQuery({ name: 'gateway', required: false, description: '<ns>/<name> when several gateways listen' })
  @ApiQuery({ name: 'header', required: false, isArray: true, description: '"Name: value", repeatable' })
  @ApiQuery({ name: 'consistent', required: false, enum: ['true', 'false'] })
  gatewayMatch(@Param('cluster') cluster: string, @Query() query: unknown) {
    return this.northSouth.gatewayMatch(cluster, parseQuery(GatewayMatchQuery, query));
  }
}
