import { findingOf, type AuditRule } from '../finding';
import { podsSelectedBy } from '../pod-index';

/**
 * A policy selecting no pod has no effect (semantics.md, NetworkPolicy): the pods it was meant
 * to protect stay open. Usually a label typo or a policy in the wrong namespace (a policy
 * selects only pods of its own namespace).
 */
export const policySelectsNoPod: AuditRule = {
  id: 'policy-selects-no-pod',
  severity: 'medium',
  title: 'NetworkPolicy selects no pod',
  description: 'A NetworkPolicy whose podSelector matches no pod of its namespace has no effect.',
  check({ policy }) {
    return policy.policies
      .filter((p) => podsSelectedBy(policy, p).length === 0)
      .map((p) =>
        findingOf(this, {
          objects: [{ kind: 'NetworkPolicy', namespace: p.namespace, name: p.name }],
          message: `NetworkPolicy ${p.key} selects ${p.podSelector.text === '{}' ? 'every pod' : `pods matching ${p.podSelector.text}`} in namespace ${p.namespace}, and there is none: it has no effect.`,
          fix: `Make spec.podSelector of ${p.key} match the labels of the pods to protect (kubectl get pods -n ${p.namespace} --show-labels), or move the policy to the namespace of those pods, or delete it.`,
        }),
      );
  },
};
