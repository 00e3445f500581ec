import type { ManifestObject } from '../manifests/validate-manifests';

/** A stored object as the engine reads it: Kubernetes' shape, plain data. */
export interface ClusterObjectInput {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    /** RFC 3339, as the API server sets it; orders Ingress conflicts and Gateway route ties. */
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: ReadonlyArray<{ kind?: string; name?: string; controller?: boolean }>;
  };
  spec?: unknown;
  status?: unknown;
}

/** The part of a cluster's settings computations depend on. */
export interface ComputeSettings {
  podCidr: string;
  serviceCidr: string;
  clusterDomain: string;
  cni: string;
}

/** A field of plain data read as an object: itself when it is one (not an array), else `{}`. */
export const asRecord = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** A validated manifest in the stored shape the engine reads (as the API stores and returns it). */
export function toClusterObjectInput(o: ManifestObject): ClusterObjectInput {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    metadata: {
      name: o.name,
      ...(o.namespace ? { namespace: o.namespace } : {}),
      ...(o.uid ? { uid: o.uid } : {}),
      labels: o.labels,
      annotations: o.annotations,
      ...(o.ownerReferences ? { ownerReferences: o.ownerReferences as ClusterObjectInput['metadata']['ownerReferences'] } : {}),
    },
    // Top-level fields other than spec and status (EndpointSlice endpoints, ports, ...).
    ...(o.data ?? {}),
    ...(o.spec !== undefined ? { spec: o.spec } : {}),
    ...(o.status !== undefined ? { status: o.status } : {}),
  } as ClusterObjectInput;
}
