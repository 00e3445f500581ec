import type { ClusterModel } from '../workloads/cluster-model';
import { buildPolicyModel, type PolicyModel } from './policy-model';

/** The policy model of a stored ClusterModel (what the API calls per revision). */
export function policyModelOf(clusterModel: ClusterModel, settings: { cni: string }): PolicyModel {
  return buildPolicyModel({
    pods: clusterModel.pods,
    namespaces: clusterModel.namespaces ?? [],
    policies: clusterModel.policies ?? [],
    settings: { cni: settings.cni },
  });
}
