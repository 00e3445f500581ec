import type { ClusterObjectInput } from '../workloads/cluster-objects';

/**
 * A change applied to a set of objects without storing it (what-if, revision diffs): `apply`
 * creates or replaces by kind/namespace/name, `delete` removes; deleting a Namespace removes
 * every namespaced object in it too (as the namespace controller does), unless the same change
 * applies that object again. Deletes run first, then applies, whatever the input order.
 */
export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
}

export interface InMemoryChange {
  apply: readonly ClusterObjectInput[];
  delete: readonly ObjectRef[];
}

/** Kinds that live outside namespaces: their namespace, if given, is ignored. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'IngressClass',
  'GatewayClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'AdminNetworkPolicy',
  'BaselineAdminNetworkPolicy',
  'ClusterUserDefinedNetwork',
  'PersistentVolume',
  'StorageClass',
]);

export const isClusterScoped = (kind: string): boolean => CLUSTER_SCOPED.has(kind);

/** `kind/namespace/name` with the namespace defaulted to `default` for namespaced kinds. */
export function changeObjectKey(ref: ObjectRef): string {
  const namespace = isClusterScoped(ref.kind) ? '' : ref.namespace || 'default';
  return `${ref.kind}/${namespace}/${ref.name}`;
}

const refOf = (o: ClusterObjectInput): ObjectRef => ({ kind: o.kind, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}), name: o.metadata.name });

export function applyInMemory(objects: readonly ClusterObjectInput[], change: InMemoryChange): ClusterObjectInput[] {
  const deleted = new Set(change.delete.map(changeObjectKey));
  const deletedNamespaces = new Set(change.delete.filter((d) => d.kind === 'Namespace').map((d) => d.name));
  const namespaceOf = (o: ClusterObjectInput) => (isClusterScoped(o.kind) ? undefined : o.metadata.namespace || 'default');
  const gone = (o: ClusterObjectInput) => {
    if (deleted.has(changeObjectKey(refOf(o)))) return true;
    const ns = namespaceOf(o);
    return ns !== undefined && deletedNamespaces.has(ns);
  };

  const out: ClusterObjectInput[] = objects.filter((o) => !gone(o));
  const index = new Map(out.map((o, i) => [changeObjectKey(refOf(o)), i]));
  for (const o of change.apply) {
    const key = changeObjectKey(refOf(o));
    const at = index.get(key);
    if (at !== undefined) out[at] = o;
    else {
      index.set(key, out.length);
      out.push(o);
    }
  }
  return out;
}
