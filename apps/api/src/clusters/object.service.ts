import { Injectable } from '@nestjs/common';
import {
  DomainError,
  parseLabelSelectorString,
  parseManifestBody,
  resolveKindName,
  validateManifests,
  type FieldValidation,
  type StringRequirement,
} from '@switchyard/engine';
import { ObjectStore, RevisionHistory, type ApplyOutcome, type ObjectPage } from '@switchyard/persistence';
import { ClusterService } from './cluster.service';

export type BodyFormat = 'yaml' | 'json';

export interface ListQuery {
  kind?: string;
  namespace?: string;
  labelSelector?: string;
  limit?: number;
  continue?: string;
  revision?: number;
}

/** Objects of a cluster: apply (like kubectl), read, list, delete, history. */
@Injectable()
export class ObjectService {
  constructor(
    private readonly objects: ObjectStore,
    private readonly history: RevisionHistory,
    private readonly clusters: ClusterService,
  ) {}

  async apply(
    cluster: string,
    body: string,
    format: BodyFormat,
    options: { dryRun: boolean; fieldValidation: FieldValidation },
  ): Promise<Omit<ApplyOutcome, 'changed'>> {
    if (body.trim() === '') {
      throw new DomainError('MALFORMED', 'the request body is empty', [
        { path: '', reason: 'FieldValueRequired', message: 'send one or more objects as YAML or JSON' },
      ]);
    }
    const manifests = validateManifests(parseManifestBody(body, format), { fieldValidation: options.fieldValidation });
    const { changed, ...outcome } = await this.objects.apply(cluster, manifests.objects, {
      dryRun: options.dryRun,
      reallocateConflicts: options.fieldValidation === 'Warn',
    });
    if (changed) await this.clusters.recompute(cluster);
    return outcome;
  }

  async list(cluster: string, query: ListQuery): Promise<ObjectPage> {
    let labelSelector: StringRequirement[] | undefined;
    if (query.labelSelector !== undefined) labelSelector = parseLabelSelectorString(query.labelSelector);
    return this.objects.list(
      cluster,
      { kind: query.kind ? this.kind(query.kind, 'kind') : undefined, namespace: query.namespace, labelSelector },
      { limit: query.limit, continue: query.continue, revision: query.revision },
    );
  }

  get(cluster: string, kind: string, namespace: string, name: string) {
    return this.objects.get(cluster, this.kind(kind, 'kind'), namespace, name);
  }

  async delete(cluster: string, kind: string, namespace: string, name: string) {
    const outcome = await this.objects.delete(cluster, this.kind(kind, 'kind'), namespace, name);
    await this.clusters.recompute(cluster);
    return outcome;
  }

  revisions(cluster: string, page: { limit?: number; before?: number }) {
    return this.history.list(cluster, page);
  }

  private kind(name: string, path: string): string {
    const kind = resolveKindName(name);
    if (!kind) {
      throw new DomainError('INVALID', `unknown kind "${name}"`, [
        { path, reason: 'KindNotSupported', message: `"${name}" is not a supported kind` },
      ]);
    }
    return kind;
  }
}
