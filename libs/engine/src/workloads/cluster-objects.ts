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
