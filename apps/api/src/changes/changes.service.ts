import { Injectable } from '@nestjs/common';
import {
  applyInMemory,
  diffModels,
  DomainError,
  parseManifestBody,
  renderConnectionDiff,
  validateManifests,
  type ClusterObjectInput,
  type FieldValidation,
} from '@switchyard/engine';
import type { BodyFormat } from '../clusters/object.service';
import { ClusterStates, type ComputedState } from './cluster-states';

interface DeleteRef {
  kind: string;
  namespace?: string;
  name: string;
}

/**
 * The kinds of the objects a change applies, replaces or removes (a deleted Namespace removes its
 * contents too): what `updateClusterModel` needs to keep the rest of the model as it was.
 */
function changedKinds(before: readonly ClusterObjectInput[], after: readonly ClusterObjectInput[], applied: readonly ClusterObjectInput[]): Set<string> {
  const kept = new Set(after);
  return new Set([...applied.map((o) => o.kind), ...before.filter((o) => !kept.has(o)).map((o) => o.kind)]);
}

/** Splits a what-if body: the apply forms, or `{"apply": …, "delete": [{kind, namespace, name}]}`. */
function whatIfParts(body: string, format: BodyFormat): { apply?: string; applyFormat: BodyFormat; delete: DeleteRef[] } {
  if (format === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return { apply: body, applyFormat: 'json', delete: [] };
    }
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed) && ('apply' in parsed || 'delete' in parsed) && !('kind' in parsed)) {
      const { apply, delete: deletes } = parsed as { apply?: unknown; delete?: unknown };
      if (deletes !== undefined && !Array.isArray(deletes)) {
        throw new DomainError('INVALID', 'invalid delete', [{ path: 'delete', reason: 'FieldValueTypeInvalid', message: 'expected a list of {kind, namespace, name}' }]);
      }
      const refs = ((deletes as unknown[]) ?? []).map((d, i) => {
        const ref = d as Partial<DeleteRef>;
        if (!ref || typeof ref.kind !== 'string' || typeof ref.name !== 'string' || (ref.namespace !== undefined && typeof ref.namespace !== 'string')) {
          throw new DomainError('INVALID', 'invalid delete', [{ path: `delete[${i}]`, reason: 'FieldValueInvalid', message: 'expected {kind, namespace?, name}' }]);
        }
        return { kind: ref.kind, ...(ref.namespace ? { namespace: ref.namespace } : {}), name: ref.name };
      });
      const applyText = apply === undefined ? undefined : typeof apply === 'string' ? apply : JSON.stringify(apply);
      return { apply: applyText, applyFormat: typeof apply === 'string' ? 'yaml' : 'json', delete: refs };
    }
  }
  return { apply: body, applyFormat: format, delete: [] };
}

/** What a change would do (what-if), and what one did (revision diffs). Nothing is stored. */
@Injectable()
export class ChangesService {
  constructor(private readonly states: ClusterStates) {}

  async whatIf(cluster: string, body: string, format: BodyFormat, options: { fieldValidation: FieldValidation; diffFormat?: string }) {
    const parts = whatIfParts(body, format);
    const manifests = parts.apply !== undefined && parts.apply.trim() !== ''
      ? validateManifests(parseManifestBody(parts.apply, parts.applyFormat), { fieldValidation: options.fieldValidation }).objects
      : [];
    if (manifests.length === 0 && parts.delete.length === 0) {
      throw new DomainError('INVALID', 'nothing to change', [{ path: '', reason: 'FieldValueRequired', message: 'send objects to apply, or {"apply": …, "delete": [{kind, namespace, name}]}' }]);
    }
    // Apply's own planning, nothing written: the same rejections (addresses, a stale
    // resourceVersion → 409), the namespaces it would imply, the objects as it would store them.
    const preview = manifests.length > 0 ? await this.states.preview(cluster, manifests, { reallocateConflicts: options.fieldValidation === 'Warn' }) : undefined;
    const base = await this.states.objectsAt(cluster, preview?.revision, 'revision');
    const missing = parts.delete.filter((ref) => !base.objects.some((o) => o.kind === ref.kind && o.metadata.name === ref.name && (o.metadata.namespace ?? '') === (ref.namespace ?? (o.metadata.namespace ? 'default' : ''))));
    if (missing.length) {
      throw new DomainError('NOT_FOUND', 'objects to delete do not exist', missing.map((ref) => ({ path: 'delete', reason: 'NotFound' as const, message: `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name} does not exist` })));
    }
    const apply = (preview?.objects ?? []) as unknown as ClusterObjectInput[];
    const after = applyInMemory(base.objects, { apply, delete: parts.delete });
    const before = await this.states.stored(base);
    const hypothetical = this.states.compute({ revision: base.revision, settings: base.settings, objects: after }, { state: before, changedKinds: changedKinds(base.objects, after, apply) });
    return { revision: base.revision, results: preview?.results ?? [], ...this.describe(before, hypothetical, options.diffFormat) };
  }

  async diff(cluster: string, query: { from: number; to: number; format?: string }) {
    const [from, to] = await Promise.all([this.states.objectsAt(cluster, query.from, 'from'), this.states.objectsAt(cluster, query.to, 'to')]);
    const before = await this.states.stored(from);
    const after = await this.states.stored(to);
    return { from: from.revision, to: to.revision, ...this.describe(before, after, query.format) };
  }

  private describe(before: ComputedState, after: ComputedState, format: string | undefined) {
    const diffFormat = (format ?? 'txt') as 'txt' | 'csv' | 'md' | 'json';
    if (!['txt', 'csv', 'md', 'json'].includes(diffFormat)) {
      throw new DomainError('INVALID', 'unsupported format', [{ path: 'format', reason: 'FieldValueNotSupported', message: 'supported values: "txt", "csv", "md", "json"' }]);
    }
    const diff = diffModels(before, after, after.settings);
    const beforeKeys = new Set(before.findings.map((f) => f.key));
    const afterKeys = new Set(after.findings.map((f) => f.key));
    return {
      connectivity: diff.connectivity.map(({ type, source, destination, old, new: next, workloadsInfo }) => ({ type, source, destination, old, new: next, ...(workloadsInfo ? { workloadsInfo } : {}) })),
      connectivityText: renderConnectionDiff(diff.connectivity, diffFormat),
      routes: diff.routes,
      ingressRoutes: diff.ingressRoutes,
      gatewayRoutes: diff.gatewayRoutes,
      dns: diff.dns,
      findings: {
        opened: after.findings.filter((f) => !beforeKeys.has(f.key)),
        resolved: before.findings.filter((f) => !afterKeys.has(f.key)),
      },
    };
  }
}
