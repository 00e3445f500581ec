import type { ClusterObject } from './generated/prisma/client';

/** An object as the API shows it: Kubernetes' shape, with our revision as its resourceVersion. */
export interface ObjectView {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid: string;
    resourceVersion: string;
    generation: number;
    creationTimestamp: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    ownerReferences?: Array<{ apiVersion?: string; kind?: string; name?: string; uid?: string; controller?: boolean }>;
  };
  spec?: unknown;
  status?: unknown;
  [field: string]: unknown;
}

export type ObjectRow = Pick<
  ClusterObject,
  | 'apiVersion'
  | 'kind'
  | 'namespace'
  | 'name'
  | 'uid'
  | 'labels'
  | 'annotations'
  | 'ownerReferences'
  | 'spec'
  | 'status'
  | 'data'
  | 'resourceVersion'
  | 'generation'
  | 'creationTimestamp'
>;

export function toObjectView(row: ObjectRow): ObjectView {
  const view: ObjectView = {
    apiVersion: row.apiVersion,
    kind: row.kind,
    metadata: {
      name: row.name,
      ...(row.namespace ? { namespace: row.namespace } : {}),
      uid: row.uid,
      resourceVersion: String(row.resourceVersion),
      generation: row.generation,
      creationTimestamp: new Date(row.creationTimestamp).toISOString(),
      labels: (row.labels ?? {}) as Record<string, string>,
      annotations: (row.annotations ?? {}) as Record<string, string>,
      ...(Array.isArray(row.ownerReferences) ? { ownerReferences: row.ownerReferences as NonNullable<ObjectView['metadata']['ownerReferences']> } : {}),
    },
  };
  if (row.data && typeof row.data === 'object') Object.assign(view, row.data);
  if (row.spec !== null && row.spec !== undefined) view.spec = row.spec;
  if (row.status !== null && row.status !== undefined) view.status = row.status;
  return view;
}

export const objectKey = (kind: string, namespace: string, name: string): string => `${kind}/${namespace}/${name}`;
