import type { ManifestObject } from './validate-manifests';
import { deepEqualJson } from './stable-json';

/**
 * Pure planning of a kubectl-apply-like write: what each incoming object does to the stored
 * state. The caller owns storage, resourceVersion allocation and the transaction.
 */
export interface StoredObjectLike {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Absent when the stored object has none. */
  ownerReferences?: unknown;
  spec: unknown;
  status: unknown;
  data: unknown;
  resourceVersion: number;
  generation: number;
}

export type ApplyAction = 'created' | 'configured' | 'unchanged';

export interface ApplyPlanEntry {
  key: string;
  action: ApplyAction;
  object: ManifestObject;
  /** Generation after the write: 1 on create, +1 when spec or data changed. */
  generation: number;
  /** The stored object's uid, kept across updates. */
  uid?: string;
  warnings: string[];
}

export interface ApplyConflict {
  key: string;
  object: ManifestObject;
  /** Field at fault, for the 409 body. */
  path: 'metadata.resourceVersion';
  message: string;
  expected: string;
  actual: string;
}

export interface ApplyPlan {
  entries: ApplyPlanEntry[];
  conflicts: ApplyConflict[];
}

export function objectKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

/** Absent optional parts compare equal to their empty stored form (null or `{}`). */
function orEmpty(value: unknown): unknown {
  return value === undefined || value === null ? null : value;
}

/**
 * A resourceVersion is a precondition only when this cluster could have issued it (a number no
 * higher than its current revision). Anything else came with state exported from another
 * cluster (`kubectl get -o yaml`) and is ignored with a warning rather than failing the import.
 */
function issuedHere(version: string, clusterRevision: number | undefined): boolean {
  if (clusterRevision === undefined) return true;
  return /^\d+$/.test(version) && Number(version) <= clusterRevision;
}

export function planApply(
  incoming: readonly ManifestObject[],
  existing: ReadonlyMap<string, StoredObjectLike>,
  options: { clusterRevision?: number } = {},
): ApplyPlan {
  const entries: ApplyPlanEntry[] = [];
  const conflicts: ApplyConflict[] = [];
  for (const object of incoming) {
    const key = objectKey(object.kind, object.namespace, object.name);
    const stored = existing.get(key);
    const givenVersion = object.resourceVersion ?? '';
    if (!stored) {
      const warnings =
        givenVersion !== ''
          ? [`metadata.resourceVersion "${givenVersion}" ignored: ${key} does not exist yet, so it is created (imported from another cluster?)`]
          : [];
      entries.push({ key, action: 'created', object, generation: 1, warnings });
      continue;
    }
    const foreignVersion = givenVersion !== '' && !issuedHere(givenVersion, options.clusterRevision);
    // Optimistic concurrency, as the API server does on update: a stated version must be current.
    if (givenVersion !== '' && !foreignVersion && givenVersion !== String(stored.resourceVersion)) {
      conflicts.push({
        key,
        object,
        path: 'metadata.resourceVersion',
        expected: givenVersion,
        actual: String(stored.resourceVersion),
        message: `Operation cannot be fulfilled on ${object.kind} "${object.name}": the object has been modified (resourceVersion is ${stored.resourceVersion}, not ${givenVersion}); re-read it and apply again`,
      });
      continue;
    }
    const specChanged = !deepEqualJson(orEmpty(object.spec), orEmpty(stored.spec)) || !deepEqualJson(orEmpty(object.data), orEmpty(stored.data));
    const otherChanged =
      object.apiVersion !== stored.apiVersion ||
      !deepEqualJson(object.labels, stored.labels ?? {}) ||
      !deepEqualJson(object.annotations, stored.annotations ?? {}) ||
      !deepEqualJson(orEmpty(object.ownerReferences), orEmpty(stored.ownerReferences)) ||
      !deepEqualJson(orEmpty(object.status), orEmpty(stored.status));
    // metadata.generation counts spec changes only; metadata and status updates keep it.
    const generation = specChanged ? stored.generation + 1 : stored.generation;
    entries.push({
      key,
      action: specChanged || otherChanged ? 'configured' : 'unchanged',
      object,
      generation,
      uid: stored.uid,
      warnings: foreignVersion
        ? [`metadata.resourceVersion "${givenVersion}" ignored: this cluster never issued it (imported from another cluster?)`]
        : [],
    });
  }
  return { entries, conflicts };
}
