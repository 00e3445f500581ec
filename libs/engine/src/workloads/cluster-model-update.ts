import { compareText } from '../cluster/text-order';
import type { NetworkPolicyInput, NetworkPolicySpecInput } from '../policy/compiled-policies';
import { NAMESPACE_NAME_LABEL_KEY as NAME_LABEL } from '../policy/policy-model';
import type { ClusterObjectInput, ComputeSettings } from './cluster-objects';
import type { ClusterModel } from './cluster-model';
import { podsOfCluster, WORKLOAD_KINDS, type ModelPod } from './pods-from-workloads';
import { computeEndpoints } from '../services/endpoint-slices';
import { nodesOf, normalizeServices } from '../services/normalize-services';
import { ingressBackendsOf, ingressClassesOf } from '../exposure/ingress-backends';

/**
 * The kinds each part of the model is read from. A change to other kinds cannot alter that part,
 * which is what lets `updateClusterModel` keep it. Keep in step with the readers named here.
 */
const PART_INPUTS = {
  /** podsOfCluster: workloads, imported Pods, and the Nodes (DaemonSets, per-node address ranges). */
  pods: new Set<string>([...WORKLOAD_KINDS, 'Pod', 'Node']),
  /** normalizeServices and nodesOf. */
  services: new Set(['Service', 'Node']),
  /** computeEndpoints: Services, pods (above) and imported EndpointSlices. */
  endpoints: new Set(['EndpointSlice']),
  policies: new Set(['NetworkPolicy']),
  namespaces: new Set(['Namespace']),
  ingress: new Set(['Ingress', 'Route', 'IngressClass']),
} as const;

/**
 * The model of `objects`, as `computeClusterModel` makes it, reusing the parts of `previous` (the
 * model of the same cluster before the objects of `changedKinds` changed, with the same settings)
 * that those kinds cannot affect. Reused parts are the very same arrays (`===`), so a caller can
 * tell what changed without comparing them. Without `previous`, everything is computed.
 *
 * Why: one changed NetworkPolicy must not re-derive ten thousand pods.
 */
export function updateClusterModel(
  previous: ClusterModel | undefined,
  objects: readonly ClusterObjectInput[],
  changedKinds: ReadonlySet<string> | undefined,
  settings: ComputeSettings,
): ClusterModel {
  const affects = (inputs: ReadonlySet<string>) => !previous || !changedKinds || [...changedKinds].some((kind) => inputs.has(kind));
  const podsChanged = affects(PART_INPUTS.pods);
  const pods = podsChanged ? podsOfCluster(objects, settings) : previous!.pods;
  const policiesChanged = affects(PART_INPUTS.policies);
  const policies = policiesChanged ? policiesOf(objects) : previous!.policies;
  const servicesChanged = affects(PART_INPUTS.services);
  const services = servicesChanged ? normalizeServices(objects) : previous!.services;
  const endpoints = servicesChanged || podsChanged || affects(PART_INPUTS.endpoints) ? computeEndpoints(services, pods, objects) : previous!.endpoints;
  const namespaces = podsChanged || policiesChanged || affects(PART_INPUTS.namespaces) ? namespacesOf(objects, pods, policies) : previous!.namespaces;
  const ingressChanged = affects(PART_INPUTS.ingress);
  const unaddressed = podsChanged ? pods.filter((p) => p.ips.length === 0) : [];
  const warnings = !podsChanged
    ? previous!.warnings
    : unaddressed.length
      ? [`${unaddressed.length} pod(s) have no address: the pod CIDR ${settings.podCidr} is exhausted (first: ${unaddressed[0]!.namespace}/${unaddressed[0]!.name})`]
      : undefined;
  return {
    pods,
    ...(warnings ? { warnings } : {}),
    services,
    endpoints,
    nodes: servicesChanged ? nodesOf(objects) : previous!.nodes,
    namespaces,
    policies,
    ingressBackends: ingressChanged ? ingressBackendsOf(objects) : (previous!.ingressBackends ?? ingressBackendsOf(objects)),
    ingressClasses: ingressChanged ? ingressClassesOf(objects) : (previous!.ingressClasses ?? ingressClassesOf(objects)),
  };
}

function policiesOf(objects: readonly ClusterObjectInput[]): NetworkPolicyInput[] {
  return objects
    .filter((o) => o.kind === 'NetworkPolicy')
    .map((o) => ({ namespace: o.metadata.namespace || 'default', name: o.metadata.name, spec: (o.spec ?? {}) as NetworkPolicySpecInput }))
    .sort((a, b) => compareText(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`));
}

function namespacesOf(objects: readonly ClusterObjectInput[], pods: readonly ModelPod[], policies: readonly NetworkPolicyInput[]): ClusterModel['namespaces'] {
  const namespaces = new Map<string, Record<string, string>>();
  for (const o of objects) {
    // The API server sets kubernetes.io/metadata.name on every Namespace, overwriting any other value.
    if (o.kind === 'Namespace') namespaces.set(o.metadata.name, { ...(o.metadata.labels ?? {}), [NAME_LABEL]: o.metadata.name });
  }
  for (const p of pods) if (!namespaces.has(p.namespace)) namespaces.set(p.namespace, { [NAME_LABEL]: p.namespace });
  for (const p of policies) if (!namespaces.has(p.namespace)) namespaces.set(p.namespace, { [NAME_LABEL]: p.namespace });
  return [...namespaces].sort(([a], [b]) => compareText(a, b)).map(([name, labels]) => ({ name, labels }));
}
