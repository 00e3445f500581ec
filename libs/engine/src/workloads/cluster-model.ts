import type { ClusterObjectInput, ComputeSettings } from './cluster-objects';
import { podsOfCluster, type ModelPod } from './pods-from-workloads';

/** What the worker stores for a cluster: the pods the network is made of (more to come). */
export interface ClusterModel {
  pods: ModelPod[];
}

export function computeClusterModel(objects: readonly ClusterObjectInput[], settings: ComputeSettings): ClusterModel {
  return { pods: podsOfCluster(objects, settings) };
}
