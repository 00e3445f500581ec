import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@switchyard/engine';
import { z } from 'zod';
import { TextBody } from '../http/body-parsers';
import { parseQuery } from '../http/query-params';
import { ObjectService, type BodyFormat } from './object.service';

const ApplyQuery = z.strictObject({
  dryRun: z.enum(['true', 'false']).optional(),
  fieldValidation: z.enum(['Strict', 'Warn']).default('Strict'),
});
const ListQuery = z.strictObject({
  kind: z.string().min(1).optional(),
  namespace: z.string().optional(),
  labelSelector: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  continue: z.string().min(1).optional(),
  revision: z.coerce.number().int().min(1).optional(),
});
const RevisionsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  before: z.coerce.number().int().min(1).optional(),
});

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/** Media type of an apply body: YAML, JSON, or (for plain text or none) YAML, which also reads JSON. */
export function bodyFormat(contentType: string | undefined): BodyFormat {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  if (type === '' || type === 'text/plain' || YAML_TYPES.includes(type)) return 'yaml';
  throw new DomainError('UNSUPPORTED_MEDIA_TYPE', `media type "${type}" is not supported`, [
    { path: 'Content-Type', reason: 'FieldValueNotSupported', message: 'send application/yaml or application/json' },
  ]);
}

@ApiTags('objects')
@Controller('api/v1/clusters/:cluster')
export class ObjectsController {
  constructor(private readonly objects: ObjectService) {}

  @Post('apply')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Create or update objects like kubectl apply (all or nothing)',
    description: 'Multi-document YAML, or JSON: one object, a v1 List, or an array. Answers {revision, results}.',
  })
  @ApiConsumes('application/yaml', 'application/json')
  @ApiBody({ schema: { type: 'string', example: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n' } })
  @ApiQuery({ name: 'dryRun', required: false, enum: ['true', 'false'] })
  @ApiQuery({
    name: 'fieldValidation',
    required: false,
    enum: ['Strict', 'Warn'],
    description: 'Strict (default) rejects every invalid field. Warn accepts problems Kubernetes would reject but the network model can read (unknown fields, names with underscores, unnamed ports, ...) and reports them as warnings, as imported state often has them.',
  })
  @TextBody()
  apply(@Param('cluster') cluster: string, @Query() rawQuery: unknown, @Body() body: string | undefined, @Headers('content-type') contentType?: string) {
    const query = parseQuery(ApplyQuery, rawQuery);
    const format = bodyFormat(contentType);
    return this.objects.apply(cluster, body ?? '', format, { dryRun: query.dryRun === 'true', fieldValidation: query.fieldValidation });
  }

  @Get('objects')
  @ApiOperation({ summary: 'List objects (kind, namespace, labelSelector; paginated with limit/continue)' })
  @ApiQuery({ name: 'kind', required: false })
  @ApiQuery({ name: 'namespace', required: false })
  @ApiQuery({ name: 'labelSelector', required: false, example: 'app=web,tier in (front,back),!legacy' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'continue', required: false })
  @ApiQuery({ name: 'revision', required: false, description: 'read the cluster as it stood at this revision' })
  async list(@Param('cluster') cluster: string, @Query() rawQuery: unknown) {
    const page = await this.objects.list(cluster, parseQuery(ListQuery, rawQuery));
    return {
      apiVersion: 'v1',
      kind: 'List',
      metadata: { resourceVersion: String(page.revision), ...(page.continue ? { continue: page.continue } : {}) },
      items: page.items,
    };
  }

  @Get('objects/:kind/:name')
  @ApiOperation({ summary: 'Read a cluster-scoped object (Namespace, Node, IngressClass, ...)' })
  getClusterScoped(@Param('cluster') cluster: string, @Param('kind') kind: string, @Param('name') name: string) {
    return this.objects.get(cluster, kind, '', name);
  }

  @Get('objects/:kind/:namespace/:name')
  @ApiOperation({ summary: 'Read a namespaced object' })
  getNamespaced(
    @Param('cluster') cluster: string,
    @Param('kind') kind: string,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
  ) {
    return this.objects.get(cluster, kind, namespace, name);
  }

  @Delete('objects/:kind/:name')
  @ApiOperation({ summary: 'Delete a cluster-scoped object; a Namespace goes with its contents' })
  deleteClusterScoped(@Param('cluster') cluster: string, @Param('kind') kind: string, @Param('name') name: string) {
    return this.objects.delete(cluster, kind, '', name);
  }

  @Delete('objects/:kind/:namespace/:name')
  @ApiOperation({ summary: 'Delete a namespaced object' })
  deleteNamespaced(
    @Param('cluster') cluster: string,
    @Param('kind') kind: string,
    @Param('namespace') namespace: string,
    @Param('name') name: string,
  ) {
    return this.objects.delete(cluster, kind, namespace, name);
  }

  @Get('revisions')
  @ApiOperation({ summary: 'History: every revision, newest first, with what it changed' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'before', required: false })
  revisions(@Param('cluster') cluster: string, @Query() rawQuery: unknown) {
    return this.objects.revisions(cluster, parseQuery(RevisionsQuery, rawQuery));
  }
}
