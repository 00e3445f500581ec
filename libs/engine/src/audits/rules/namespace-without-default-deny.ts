import { findingOf, SYSTEM_NAMESPACES, type AuditRule } from '../finding';

/**
 * Without a policy isolating every pod of a namespace, a pod no policy selects accepts traffic
 * from anywhere in the cluster (a non-isolated direction allows everything: semantics.md,
 * NetworkPolicy). A namespace-wide `podSelector: {}` policy listing Ingress makes "deny unless
 * allowed" the baseline, whatever its rules allow.
 *
 * Choices: the system namespaces (kube-system, kube-public, kube-node-lease) are skipped: the
 * platform runs them and a default-deny there breaks cluster DNS and controllers unless done with
 * care. Namespaces without pods are skipped too: nothing to protect yet (and every fresh cluster's
 * `default` would otherwise carry a finding).
 */
export const namespaceWithoutDefaultDeny: AuditRule = {
  id: 'namespace-without-default-deny',
  severity: 'medium',
  title: 'Namespace without a default-deny ingress policy',
  description:
    'A namespace with pods has no NetworkPolicy selecting all its pods (podSelector: {}) for Ingress, so pods that no other policy selects accept connections from every pod of the cluster.',
  check({ model, policy }) {
    const populated = new Set(model.pods.map((p) => p.namespace));
    return model.namespaces
      .filter((ns) => populated.has(ns.name) && !SYSTEM_NAMESPACES.has(ns.name))
      .flatMap((ns) => {
        const namespaceWide = policy.policies.filter((p) => p.namespace === ns.name && p.podSelector.text === '{}');
        if (namespaceWide.some((p) => p.ingress)) return [];
        const egressIsolated = namespaceWide.some((p) => p.egress);
        const types = egressIsolated ? '[Ingress]' : '[Ingress, Egress]';
        return [
          findingOf(this, {
            objects: [{ kind: 'Namespace', name: ns.name }],
            message: `Namespace ${ns.name} has no default-deny ingress policy: pods no policy selects accept traffic from every pod${
              egressIsolated ? '' : '; egress is not isolated namespace-wide either, so its pods may connect anywhere'
            }.`,
            fix: `Apply a default-deny policy, then allow what is needed:\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: ${ns.name}\nspec:\n  podSelector: {}\n  policyTypes: ${types}${
              egressIsolated ? '' : '\n(with Egress isolated, allow UDP and TCP 53 to kube-system/kube-dns, or name resolution stops)'
            }`,
          }),
        ];
      });
  },
};
