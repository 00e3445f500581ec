import type { NetworkPolicyInput, NetworkPolicySpecInput } from '../policy/compiled-policies';
import type { ClusterObjectInput, ComputeSettings } from './cluster-objects';
import { podsOfCluster, type ModelPod } from './pods-from-workloads';
import { computeEndpoints } from '../services/endpoint-slices';
import { nodesOf, normalizeServices } from '../services/normalize-services';
import type { NodeModel, ServiceEndpointsModel, ServiceModel } from '../services/service-model';
import { ingressBackendsOf, ingressClassesOf, type IngressBackendModel, type IngressClassModel } from '../exposure/ingress-backends';

/**
 * What the worker stores for a cluster (plain JSON): the pods the network is made of, the
 * namespaces with their labels, and the NetworkPolicies in normalized form. The API rebuilds
 * the policy model from it with `policyModelOf` (building is cheap; see policy-model.ts).
 */
export interface ClusterModel {
  pods: ModelPod[];
  /** Problems met while modelling that do not stop it (e.g. pods left without an address). */
  warnings?: string[];
  /** The Service layer: services with their IPAM addresses, their endpoints, and the nodes. */
  services: ServiceModel[];
  endpoints: ServiceEndpointsModel[];
  nodes: NodeModel[];
  /** Declared namespaces plus those used but not declared; labels include kubernetes.io/metadata.name. */
  namespaces: { name: string; labels: Record<string, string> }[];
  policies: NetworkPolicyInput[];
  /**
   * Service backends of Ingress and OpenShift Route objects (what the ingress controller sends
   * traffic to). Optional: models stored before it existed have none.
   */
  ingressBackends?: IngressBackendModel[];
  /** IngressClass objects (class name → controller), to tell which controller serves an Ingress. */
  ingressClasses?: IngressClassModel[];
}

const NAME_LABEL = 'kubernetes.io/metadata.name';

export function computeClusterModel(objects: readonly ClusterObjectInput[], settings: ComputeSettings): ClusterModel {
  const pods = podsOfCluster(objects, settings);
  const policies: NetworkPolicyInput[] = objects
    .filter((o) => o.kind === 'NetworkPolicy')
    .map((o) => ({ namespace: o.metadata.namespace || 'default', name: o.metadata.name, spec: (o.spec ?? {}) as NetworkPolicySpecInput }))
    .sort((a, b) => cmp(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`));
  const namespaces = new Map<string, Record<string, string>>();
  for (const o of objects) {
    // The API server sets kubernetes.io/metadata.name on every Namespace, overwriting any other value.
    if (o.kind === 'Namespace') namespaces.set(o.metadata.name, { ...(o.metadata.labels ?? {}), [NAME_LABEL]: o.metadata.name });
  }
  for (const name of [...pods.map((p) => p.namespace), ...policies.map((p) => p.namespace)]) {
    if (!namespaces.has(name)) namespaces.set(name, { [NAME_LABEL]: name });
  }
  const services = normalizeServices(objects);
  const unaddressed = pods.filter((p) => p.ips.length === 0);
  return {
    pods,
    ...(unaddressed.length
      ? { warnings: [`${unaddressed.length} pod(s) have no address: the pod CIDR ${settings.podCidr} is exhausted (first: ${unaddressed[0]!.namespace}/${unaddressed[0]!.name})`] }
      : {}),
    services,
    endpoints: computeEndpoints(services, pods, objects),
    nodes: nodesOf(objects),
    namespaces: [...namespaces].sort(([a], [b]) => cmp(a, b)).map(([name, labels]) => ({ name, labels })),
    policies,
    ingressBackends: ingressBackendsOf(objects),
    ingressClasses: ingressClassesOf(objects),
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
