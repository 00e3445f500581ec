import type { CompiledPeer, CompiledPolicy, CompiledRule, Direction } from '../../policy/compiled-policies';
import { findingOf, SYSTEM_NAMESPACES, type AuditRule } from '../finding';

/**
 * Without a policy isolating every pod of a namespace, a pod no policy selects accepts traffic
 * from anywhere in the cluster (a non-isolated direction allows everything: semantics.md,
 * NetworkPolicy). A namespace-wide `podSelector: {}` policy listing Ingress makes "deny unless
 * allowed" the baseline, unless a namespace-wide policy also admits everyone: policies only add
 * allowances, so one rule allowing every source on every port (`ingress: [{}]`, or a peer
 * `namespaceSelector: {}` / ipBlock `0.0.0.0/0` without ports) undoes the isolation for every pod.
 *
 * Choices: the system namespaces (kube-system, kube-public, kube-node-lease) are skipped: the
 * platform runs them and a default-deny there breaks cluster DNS and controllers unless done with
 * care. Namespaces without pods are skipped too: nothing to protect yet (and every fresh cluster's
 * `default` would otherwise carry a finding). A rule restricted to some ports still counts as a
 * baseline: it is not "everything".
 */
export const namespaceWithoutDefaultDeny: AuditRule = {
  id: 'namespace-without-default-deny',
  severity: 'medium',
  title: 'Namespace without a default-deny ingress policy',
  description:
    'A namespace with pods has no NetworkPolicy selecting all its pods (podSelector: {}) for Ingress that leaves anything denied, so pods that no other policy selects accept connections from every pod of the cluster.',
  check({ model, policy }) {
    const populated = new Set(model.pods.map((p) => p.namespace));
    return model.namespaces
      .filter((ns) => populated.has(ns.name) && !SYSTEM_NAMESPACES.has(ns.name))
      .flatMap((ns) => {
        const namespaceWide = policy.policies.filter((p) => p.namespace === ns.name && p.podSelector.text === '{}');
        const ingress = baseline(namespaceWide, 'ingress');
        if (ingress.denies) return [];
        const egress = baseline(namespaceWide, 'egress');
        const types = egress.denies ? '[Ingress]' : '[Ingress, Egress]';
        const why = ingress.allowAll
          ? `Namespace ${ns.name} has no default-deny ingress policy: ${ingress.allowAll} admits every source on every port, so every pod accepts traffic from every pod`
          : `Namespace ${ns.name} has no default-deny ingress policy: pods no policy selects accept traffic from every pod`;
        const egressNote = egress.denies
          ? ''
          : egress.allowAll
            ? `; egress is not isolated namespace-wide either (${egress.allowAll} allows every destination), so its pods may connect anywhere`
            : '; egress is not isolated namespace-wide either, so its pods may connect anywhere';
        const remove = [ingress.allowAll, egress.denies ? undefined : egress.allowAll].filter((r): r is string => r !== undefined);
        return [
          findingOf(this, {
            objects: [{ kind: 'Namespace', name: ns.name }],
            message: `${why}${egressNote}.`,
            fix: `${remove.length > 0 ? `Narrow or remove ${[...new Set(remove)].join(' and ')}, then apply` : 'Apply'} a default-deny policy, then allow what is needed:\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: ${ns.name}\nspec:\n  podSelector: {}\n  policyTypes: ${types}${
              egress.denies ? '' : '\n(with Egress isolated, allow UDP and TCP 53 to kube-system/kube-dns, or name resolution stops)'
            }`,
          }),
        ];
      });
  },
};

/**
 * Whether the namespace-wide policies make "deny" the baseline of one direction: some policy
 * isolates it, and no rule of any of them allows every peer on every port. `allowAll` names
 * the first rule that does (`ns/policy ingress[0]`).
 */
function baseline(namespaceWide: readonly CompiledPolicy[], direction: Direction): { denies: boolean; allowAll?: string } {
  const isolating = namespaceWide.filter((p) => p[direction] !== undefined);
  for (const p of isolating) {
    const rule = p[direction]!.find(allowsEverything);
    if (rule) return { denies: false, allowAll: `${p.key} ${direction}[${rule.index}]` };
  }
  return { denies: isolating.length > 0 };
}

/** Every port (ports omitted or empty) to or from every peer. */
function allowsEverything(rule: CompiledRule): boolean {
  if (rule.ports !== undefined) return false;
  return rule.peers === undefined || rule.peers.some(everyPeer);
}

/** A peer matching every pod of every namespace, or every address. */
function everyPeer(peer: CompiledPeer): boolean {
  if (peer.kind === 'ipBlock') return peer.block.cidr.prefix === 0 && peer.block.except.length === 0;
  return peer.namespaceSelector?.text === '{}' && (peer.podSelector === undefined || peer.podSelector.text === '{}');
}
