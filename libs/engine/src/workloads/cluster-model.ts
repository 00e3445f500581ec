import type { NetworkPolicyInput } from '../policy/compiled-policies';
import type { ClusterObjectInput, ComputeSettings } from './cluster-objects';
import type { ModelPod } from './pods-from-workloads';
import type { NodeModel, ServiceEndpointsModel, ServiceModel } from '../services/service-model';
import type { IngressBackendModel, IngressClassModel } from '../exposure/ingress-backends';
import { updateClusterModel } from './cluster-model-update';

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

export function computeClusterModel(objects: readonly ClusterObjectInput[], settings: ComputeSettings): ClusterModel {
  return updateClusterModel(undefined, objects, undefined, settings);
}

