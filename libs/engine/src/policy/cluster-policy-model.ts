import type { ClusterModel } from '../workloads/cluster-model';
import { buildPolicyModel, buildPolicyModelInSteps, type PolicyModel, type PolicyModelInput } from './policy-model';

function policyInputOf(clusterModel: ClusterModel, settings: { cni: string }): PolicyModelInput {
  return {
    pods: clusterModel.pods,
    namespaces: clusterModel.namespaces ?? [],
    policies: clusterModel.policies ?? [],
    settings: { cni: settings.cni },
  };
}

/** The policy model of a stored ClusterModel (what the API calls per revision). */
export function policyModelOf(clusterModel: ClusterModel, settings: { cni: string }): PolicyModel {
  return buildPolicyModel(policyInputOf(clusterModel, settings));
}

/** `policyModelOf`, awaiting `pause()` between the build's stages (see `buildPolicyModelInSteps`). */
export function policyModelInSteps(clusterModel: ClusterModel, settings: { cni: string }, pause: () => Promise<void>): Promise<PolicyModel> {
  return buildPolicyModelInSteps(policyInputOf(clusterModel, settings), pause);
}
