import { matchesLabelMap } from '../labels/label-selector';
import type { CompiledPolicy } from '../policy/compiled-policies';
import type { PolicyModel } from '../policy/policy-model';
import type { ServiceModel } from '../services/service-model';
import type { ClusterModel } from '../workloads/cluster-model';
import type { ModelPod } from '../workloads/pods-from-workloads';

/**
 * Lookups several rules share, built once per model (memoised on the model object): rules
 * then stay linear in services and policies rather than services × pods.
 */
const byNamespace = new WeakMap<ClusterModel, Map<string, ModelPod[]>>();
const bySelector = new WeakMap<PolicyModel, Map<string, ModelPod[]>>();
const byService = new WeakMap<ClusterModel, Map<string, ModelPod[]>>();

export function podsOfNamespace(model: ClusterModel, namespace: string): readonly ModelPod[] {
  let index = byNamespace.get(model);
  if (!index) {
    index = new Map();
    for (const pod of model.pods) append(index, pod.namespace, [pod]);
    byNamespace.set(model, index);
  }
  return index.get(namespace) ?? [];
}

/** The pods a Service's selector picks (its own namespace only); none without a selector. */
export function podsOfService(model: ClusterModel, service: ServiceModel): readonly ModelPod[] {
  const selector = service.selector;
  if (!selector) return [];
  let index = byService.get(model);
  if (!index) byService.set(model, (index = new Map()));
  const key = `${service.namespace}/${service.name}`;
  let pods = index.get(key);
  if (!pods) index.set(key, (pods = podsOfNamespace(model, service.namespace).filter((p) => matchesLabelMap(selector, p.labels))));
  return pods;
}

/** The pods a policy selects (its own namespace only), through the pod classes the model built. */
export function podsSelectedBy(policy: PolicyModel, compiled: CompiledPolicy): readonly ModelPod[] {
  let index = bySelector.get(policy);
  if (!index) {
    index = new Map();
    const pods = policy.allPods();
    for (const cls of policy.classes) {
      for (const id of cls.selectorIds) {
        append(index, `${cls.namespace}\u0000${id}`, cls.pods.map((i) => pods[i]!));
      }
    }
    bySelector.set(policy, index);
  }
  return index.get(`${compiled.namespace}\u0000${compiled.podSelector.id}`) ?? [];
}

function append<V>(map: Map<string, V[]>, key: string, values: readonly V[]): void {
  const list = map.get(key);
  if (list) list.push(...values);
  else map.set(key, [...values]);
}
