import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ChangesService } from '../changes/changes.service';
import { bodyFormat } from '../clusters/objects.controller';
import { TextBody } from '../http/body-parsers';
import { consistentFlag, parseQuery } from '../http/query-params';
import { ClusterEventsService } from './cluster-events.service';
import { FindingsService } from './findings.service';

const consistent = consistentFlag;
// severity and state are checked by the service, as for GraphQL.
const FindingsQuery = z.strictObject({ severity: z.string().optional(), rule: z.string().optional(), state: z.string().optional() });
const DiagnoseQuery = z.strictObject({ from: z.string(), to: z.string(), port: z.string().optional(), protocol: z.string().optional(), consistent });
const WhatIfQuery = z.strictObject({ fieldValidation: z.enum(['Strict', 'Warn']).default('Strict'), format: z.string().optional() });
const DiffQuery = z.strictObject({ from: z.coerce.number().int().min(1), to: z.coerce.number().int().min(1), format: z.string().optional() });
const EventsQuery = z.strictObject({
  since: z.coerce.number().int().min(0).default(0),
  follow: z.enum(['true', 'false']).optional().transform((v) => v !== 'false'),
});

@ApiTags('audits, diagnosis and what-if')
@Controller('api/v1/clusters/:cluster')
export class AuditsController {
  constructor(
    private readonly findings: FindingsService,
    private readonly changes: ChangesService,
    private readonly events: ClusterEventsService,
  ) {}

  @Get('findings')
  @ApiOperation({ summary: 'Findings of the background audits (open and resolved, with first and last seen)' })
  @ApiQuery({ name: 'severity', required: false, enum: ['critical', 'high', 'medium', 'low', 'info'] })
  @ApiQuery({ name: 'rule', required: false })
  @ApiQuery({ name: 'state', required: false, enum: ['open', 'resolved'] })
  list(@Param('cluster') cluster: string, @Query() query: unknown) {
    return this.findings.findings(cluster, parseQuery(FindingsQuery, query));
  }

  @Get('diagnose')
  @ApiOperation({ summary: 'Why can A not reach B: DNS, Service, endpoints, policies each way, CNI — with evidence, the fix and kubectl commands' })
  @ApiQuery({ name: 'from', example: 'shop/web-0' })
  @ApiQuery({ name: 'to', example: 'svc/shop/api' })
  @ApiQuery({ name: 'port', required: false })
  @ApiQuery({ name: 'protocol', required: false, enum: ['TCP', 'UDP', 'SCTP'] })
  @ApiQuery({ name: 'consistent', required: false, enum: ['true', 'false'] })
  diagnose(@Param('cluster') cluster: string, @Query() query: unknown) {
    return this.findings.diagnose(cluster, parseQuery(DiagnoseQuery, query));
  }

  @Post('whatif')
  @HttpCode(200)
  @ApiOperation({
    summary: 'What a change would do, without storing anything',
    description:
      'The bodies of apply, or JSON {"apply": <objects>, "delete": [{kind, namespace, name}]}, validated and planned as apply plans them (a stale resourceVersion is a 409; `results` says what apply would do, implied namespaces included). Answers the connectivity diff (JSON and the peer diff format), service route, Ingress route, HTTPRoute and DNS changes, and findings opened or resolved.',
  })
  @ApiConsumes('application/yaml', 'application/json')
  @ApiBody({ schema: { type: 'string' } })
  @ApiQuery({ name: 'fieldValidation', required: false, enum: ['Strict', 'Warn'] })
  @ApiQuery({ name: 'format', required: false, enum: ['txt', 'csv', 'md', 'json'], description: 'format of connectivityText' })
  @TextBody()
  whatIf(@Param('cluster') cluster: string, @Query() rawQuery: unknown, @Body() body: string | undefined, @Headers('content-type') contentType?: string) {
    const query = parseQuery(WhatIfQuery, rawQuery);
    return this.changes.whatIf(cluster, body ?? '', bodyFormat(contentType), { fieldValidation: query.fieldValidation, ...(query.format ? { diffFormat: query.format } : {}) });
  }

  @Get('diff')
  @ApiOperation({ summary: 'What changed between two stored revisions: connectivity, service routes, Ingress and HTTPRoute routing, DNS, findings' })
  @ApiQuery({ name: 'from', example: 1 })
  @ApiQuery({ name: 'to', example: 2 })
  @ApiQuery({ name: 'format', required: false, enum: ['txt', 'csv', 'md', 'json'] })
  diff(@Param('cluster') cluster: string, @Query() query: unknown) {
    return this.changes.diff(cluster, parseQuery(DiffQuery, query));
  }

  @Get('events')
  @ApiOperation({
    summary: 'Server-Sent Events: recomputes, connectivity changes, findings opened or resolved',
    description: 'Replays events after ?since=<revision> (or after the Last-Event-ID header), then follows new ones; follow=false ends after the replay.',
  })
  @ApiQuery({ name: 'since', required: false })
  @ApiQuery({ name: 'follow', required: false, enum: ['true', 'false'] })
  async stream(@Param('cluster') cluster: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply, @Headers('last-event-id') lastEventId?: string) {
    const query = parseQuery(EventsQuery, request.query);
    const afterId = lastEventId && /^\d+$/.test(lastEventId) ? BigInt(lastEventId) : undefined;
    const first = await this.events.page(cluster, query.since, afterId); // also answers 404 for an unknown cluster
    // The stream is written on the socket's response directly; Fastify leaves it alone.
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    // A follower with nothing to replay must still see the stream open, not wait for the first event.
    response.flushHeaders();
    const send = (event: { id: string; type: string }) => response.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    first.forEach(send);
    if (!query.follow) {
      response.end();
      return;
    }
    // Follows on from the replay just sent, rather than reading it again.
    const last = first.at(-1);
    const subscription = this.events.stream(cluster, query.since, last ? BigInt(last.id) : afterId).subscribe({ next: send, error: () => response.end() });
    // The response closes when the client goes away (or the stream ends): stop following then.
    response.on('close', () => subscription.unsubscribe());
  }
}
