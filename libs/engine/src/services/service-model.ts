import type { Protocol } from '../workloads/pods-from-workloads';

/**
 * The Service layer as the engine reads it: Services normalized from their manifests (with the
 * addresses IPAM gave them at apply time), and the endpoints computed for them. Plain JSON: the
 * worker stores it in the snapshot; routing, DNS and service reachability all read it.
 */
export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';

export interface ServicePortModel {
  /** '' when the Service has a single unnamed port. */
  name: string;
  port: number;
  protocol: Protocol;
  /** A number, or a container port NAME resolved per endpoint pod. Defaults to `port`. */
  targetPort: number | string;
  nodePort?: number;
}

export interface ServiceModel {
  namespace: string;
  name: string;
  type: ServiceType;
  /** Empty for headless (`clusterIP: None`) and ExternalName services. */
  clusterIPs: string[];
  headless: boolean;
  /** Undefined: no selector (endpoints come from user EndpointSlices). */
  selector?: Record<string, string>;
  ports: ServicePortModel[];
  externalName?: string;
  externalIPs: string[];
  /** status.loadBalancer.ingress IPs of a LoadBalancer. */
  loadBalancerIPs: string[];
  loadBalancerSourceRanges: string[];
  sessionAffinity: 'None' | 'ClientIP';
  /** Seconds; Kubernetes' default is 10800. */
  sessionAffinityTimeout: number;
  externalTrafficPolicy: 'Cluster' | 'Local';
  internalTrafficPolicy: 'Cluster' | 'Local';
  publishNotReadyAddresses: boolean;
  /**
   * spec.ipFamilies, else the families of clusterIPs; undefined when neither says (a headless
   * service described without them: each pod then contributes its first address).
   */
  ipFamilies?: Array<'IPv4' | 'IPv6'>;
}

/** One endpoint of a service port: a pod (or a user-supplied address) and the port it receives on. */
export interface EndpointModel {
  /** `ns/name` of the pod; undefined for addresses supplied without a pod (selector-less services). */
  pod?: string;
  ip: string;
  nodeName?: string;
  /** A StatefulSet pod's hostname when its subdomain is the service (headless DNS). */
  hostname?: string;
  ready: boolean;
  /** Resolved target port per service port name ('' for the single unnamed port). */
  ports: Record<string, { port: number; protocol: Protocol }>;
}

export interface ServiceEndpointsModel {
  namespace: string;
  service: string;
  endpoints: EndpointModel[];
  /** EndpointSlices as Kubernetes would publish them (at most 100 endpoints each). */
  slices: EndpointSliceModel[];
}

export interface EndpointSliceModel {
  name: string;
  addressType: 'IPv4' | 'IPv6';
  ports: { name: string; port: number; protocol: Protocol }[];
  endpoints: { addresses: string[]; conditions: { ready: boolean }; nodeName?: string; hostname?: string; targetRef?: { kind: 'Pod'; namespace: string; name: string } }[];
}

export interface NodeModel {
  name: string;
  /** InternalIP (and ExternalIP when present) from status.addresses. */
  addresses: string[];
  /** The node's pod range (spec.podCIDR, allocated at apply time when absent). */
  podCidr?: string;
  labels: Record<string, string>;
}
