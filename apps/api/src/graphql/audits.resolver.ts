import { Args, Int, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { ClusterView } from '@switchyard/persistence';
import { GraphQLJSONObject } from 'graphql-scalars';
import { FindingsService } from '../audits/findings.service';
import { ChangesService } from '../changes/changes.service';
import { ClusterType, FieldValidationMode, ManifestFormat } from './graphql-types';

/** Findings, diagnosis, what-if and revision diffs, over the same services as REST. */
@Resolver(() => ClusterType)
export class AuditsResolver {
  constructor(
    private readonly findingsService: FindingsService,
    private readonly changes: ChangesService,
  ) {}

  @ResolveField(() => [GraphQLJSONObject], { description: 'Audit findings (filter by severity, rule, state open | resolved)' })
  async findings(
    @Parent() cluster: ClusterView,
    @Args('severity', { nullable: true }) severity?: string,
    @Args('rule', { nullable: true }) rule?: string,
    @Args('state', { nullable: true }) state?: string,
  ): Promise<object[]> {
    // The service rejects an unknown severity or state naming the field (a coded GraphQL error, as REST answers 422).
    return (await this.findingsService.findings(cluster.name, { severity: severity ?? undefined, rule: rule ?? undefined, state: state ?? undefined })).items;
  }

  @ResolveField(() => GraphQLJSONObject, { description: 'Why can A not reach B: each triage step with evidence, fix and kubectl commands' })
  diagnose(
    @Parent() cluster: ClusterView,
    @Args('from') from: string,
    @Args('to') to: string,
    @Args('port', { nullable: true }) port?: string,
    @Args('protocol', { nullable: true }) protocol?: string,
  ): Promise<object> {
    return this.findingsService.diagnose(cluster.name, { from, to, port: port ?? undefined, protocol: protocol ?? undefined });
  }

  @ResolveField(() => GraphQLJSONObject, { description: 'What changed between two stored revisions' })
  diff(@Parent() cluster: ClusterView, @Args('from', { type: () => Int }) from: number, @Args('to', { type: () => Int }) to: number): Promise<object> {
    return this.changes.diff(cluster.name, { from, to });
  }

  @Mutation(() => GraphQLJSONObject, { description: 'What a change would do; nothing is stored' })
  whatIf(
    @Args('cluster') cluster: string,
    @Args('manifests', { description: 'As for apply; JSON may be {"apply": …, "delete": [{kind, namespace, name}]}' }) manifests: string,
    @Args('format', { type: () => ManifestFormat, nullable: true }) format?: ManifestFormat,
    @Args('fieldValidation', { type: () => FieldValidationMode, nullable: true }) fieldValidation?: FieldValidationMode,
  ): Promise<object> {
    return this.changes.whatIf(cluster, manifests, format ?? ManifestFormat.YAML, { fieldValidation: fieldValidation ?? FieldValidationMode.Strict });
  }
}
