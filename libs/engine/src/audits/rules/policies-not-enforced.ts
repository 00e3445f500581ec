import { enforcementOf } from '../../policy/policy-model';
import { findingOf, type AuditRule } from '../finding';

/**
 * Flannel alone does not enforce NetworkPolicy (semantics.md, enforcement): every policy is
 * ignored and every connection is allowed in fact. One finding per namespace holding policies,
 * so it resolves namespace by namespace and does not churn as policies come and go.
 */
export const policiesNotEnforced: AuditRule = {
  id: 'policies-not-enforced',
  severity: 'high',
  title: 'NetworkPolicies ignored by the CNI plugin',
  description: 'The cluster\'s CNI plugin (flannel) does not enforce NetworkPolicy, so the policies of a namespace are ignored and every connection is allowed.',
  check({ model, settings }) {
    if (enforcementOf(settings.cni).enforced) return [];
    return byNamespace(model.policies).map(([ns, names]) =>
      findingOf(this, {
        objects: [{ kind: 'Namespace', name: ns }],
        message: `CNI plugin ${settings.cni} does not enforce NetworkPolicy: the policies of namespace ${ns} (${names.join(', ')}) are ignored and every connection is allowed.`,
        fix: `Use a CNI plugin that enforces NetworkPolicy (Calico, Cilium, Antrea, or Canal = flannel + Calico policy) and set the cluster's cni setting accordingly.`,
      }),
    );
  },
};

export function byNamespace(policies: ReadonlyArray<{ namespace: string; name: string }>): Array<[string, string[]]> {
  const out = new Map<string, string[]>();
  for (const p of policies) out.set(p.namespace, [...(out.get(p.namespace) ?? []), p.name]);
  return [...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([ns, names]) => [ns, names.sort()]);
}
