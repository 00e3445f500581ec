import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { consistentFlag, parseQuery } from '../http/query-params';
import { ReachabilityService } from './reachability.service';

const consistent = consistentFlag;

const ReachabilityQuery = z.strictObject({
  from: z.string(),
  to: z.string(),
  port: z.string().optional(),
  protocol: z.string().optional(),
  via: z.string().optional(),
  class: z.string().optional(),
  gateway: z.string().optional(),
  consistent,
});
const MatrixQuery = z.strictObject({ port: z.string(), protocol: z.string().optional(), namespace: z.string().optional(), consistent });
const ConnectionsQuery = z.strictObject({ format: z.string().optional(), focus: z.string().optional(), consistent });

const MEDIA_TYPES: Record<string, string> = {
  txt: 'text/plain; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  dot: 'text/vnd.graphviz; charset=utf-8',
};

@ApiTags('reachability')
@Controller('api/v1/clusters/:cluster')
export class ReachabilityController {
  constructor(private readonly reachability: ReachabilityService) {}

  @Get('reachability')
  @ApiOperation({
    summary: 'Can A reach B on a port, and why',
    description:
      'from/to: <ns>/<pod>, <kind>/<ns>/<name> (deploy/shop/api, sts/shop/db) or an IP address; to also takes a Service: svc/<ns>/<name>, a DNS name, a ClusterIP or <nodeIP>:<nodePort>, answered with the path (DNS, virtual IP, endpoints) and allowed all | some | none. ' +
      'to may be an http(s) URL, asked from a client address: the answer follows the client to the ingress controller or Gateway data plane (through the Service in front of it: loadBalancerSourceRanges, externalTrafficPolicy and the proxy pods\' policies apply), the Ingress rule or Gateway listener + HTTPRoute rule, the weighted backend split, and the policy verdict from the proxy pods to each endpoint (steps, endpoints, allowed all | some | none, allowedShare). ' +
      'When both an Ingress and a Gateway serve the URL, the answer is the Ingress\'s and alternatives holds the Gateway\'s; via picks one. ' +
      'Answers from the latest snapshot, with the revision it reflects; consistent=true waits (bounded) for the latest revision.',
  })
  @ApiQuery({ name: 'from', example: 'shop/web-0' })
  @ApiQuery({ name: 'to', example: 'deploy/shop/api', description: 'a pod, workload, IP, Service reference, DNS name, ClusterIP, <nodeIP>:<nodePort>, or an http(s) URL' })
  @ApiQuery({ name: 'port', required: false, example: '8080', description: 'number or name; optional for a Service with one port' })
  @ApiQuery({ name: 'protocol', required: false, enum: ['TCP', 'UDP', 'SCTP'] })
  @ApiQuery({
    name: 'via',
    required: false,
    enum: ['ingress', 'gateway'],
    description: 'URL destinations only: follow only the Ingress or only the Gateway route (default: both; the Ingress answer first, the other in alternatives)',
  })
  @ApiQuery({ name: 'class', required: false, description: 'URL destinations only: the IngressClass, when several exist and none is the default' })
  @ApiQuery({ name: 'gateway', required: false, description: 'URL destinations only: <ns>/<name> of the Gateway, when several listen for the URL' })
  @ApiQuery({ name: 'consistent', required: false, enum: ['true', 'false'] })
  ask(@Param('cluster') cluster: string, @Query() query: unknown) {
    return this.reachability.reachability(cluster, parseQuery(ReachabilityQuery, query));
  }

  @Get('reachability/matrix')
  @ApiOperation({ summary: 'Pod-to-pod verdicts on one port: rows are sources, columns destinations' })
  @ApiQuery({ name: 'port', example: '80' })
  @ApiQuery({ name: 'protocol', required: false, enum: ['TCP', 'UDP', 'SCTP'] })
  @ApiQuery({ name: 'namespace', required: false })
  @ApiQuery({ name: 'consistent', required: false, enum: ['true', 'false'] })
  matrix(@Param('cluster') cluster: string, @Query() query: unknown) {
    return this.reachability.matrix(cluster, parseQuery(MatrixQuery, query));
  }

  @Get('connections')
  @ApiOperation({
    summary: 'Allowed connections at workload level, in the peer analyzer formats',
    description: 'The revision is in the X-Switchyard-Revision header (and in the body for json).',
  })
  @ApiQuery({ name: 'format', required: false, enum: ['txt', 'csv', 'json', 'md', 'dot'] })
  @ApiQuery({ name: 'focus', required: false, description: '<namespace>/<workload>' })
  @ApiQuery({ name: 'consistent', required: false, enum: ['true', 'false'] })
  async connections(@Param('cluster') cluster: string, @Query() query: unknown, @Res({ passthrough: true }) response: FastifyReply) {
    const result = await this.reachability.connections(cluster, parseQuery(ConnectionsQuery, query));
    response.header('X-Switchyard-Revision', String(result.revision));
    if (result.format === 'json') {
      // The rows are what the json rendering holds: no need to parse it back.
      const { format: _format, rows, text: _text, ...revision } = result;
      return { ...revision, connections: rows };
    }
    response.type(MEDIA_TYPES[result.format]!);
    return result.text;
  }
}
