import type { CompiledPort, CompiledRule } from '../../policy/compiled-policies';
import type { PolicyModel } from '../../policy/policy-model';
import type { Protocol } from '../../workloads/pods-from-workloads';
import { findingOf, type AuditRule, type Finding } from '../finding';
import { podsSelectedBy } from '../pod-index';

/**
 * A port entry that can never match makes its rule allow less than it reads, silently.
 * A NAMED port resolves on the DESTINATION pod, with the rule's protocol (semantics.md, Ports):
 * for an ingress rule the destinations are the pods the policy selects; for an egress rule they
 * are the pods the rule's `to` peers select (every pod of the cluster when `to` is omitted; the
 * pods whose IPs an ipBlock covers, by the convention that ipBlocks match pod IPs too), since a
 * named port matches nothing at an address outside the cluster. A numeric range whose endPort
 * is below its port is empty. A policy selecting no pod is left to policy-selects-no-pod.
 */
export const policyPortNeverMatches: AuditRule = {
  id: 'policy-port-never-matches',
  severity: 'medium',
  title: 'NetworkPolicy port that can never match',
  description: 'A NetworkPolicy rule names a port no destination pod declares with that protocol, or a port range whose endPort is below its port, so that entry never allows anything.',
  check({ policy }) {
    const out: Finding[] = [];
    for (const p of policy.policies) {
      const selected = podsSelectedBy(policy, p);
      if (selected.length === 0) continue;
      const declaredBySelected = (name: string) => selected.flatMap((pod) => pod.containerPorts.filter((c) => c.name === name)).map((c) => c.protocol);
      for (const direction of ['ingress', 'egress'] as const) {
        for (const rule of p[direction] ?? []) {
          const declared = direction === 'ingress' ? declaredBySelected : declaredByDestinations(policy, p, rule);
          (rule.ports ?? []).forEach((port, i) => {
            const where = direction === 'ingress' ? 'none of the pods the policy selects' : rule.peers === undefined ? 'no pod of the cluster' : 'none of the pods the rule\'s `to` peers select';
            const problem = deadPortReason(port, declared, where);
            if (!problem) return;
            const path = `spec.${direction}[${rule.index}].ports[${i}]`;
            out.push(
              findingOf(this, {
                objects: [{ kind: 'NetworkPolicy', namespace: p.namespace, name: p.name }],
                detail: `${path}=${port.text}`,
                message: `${p.key} ${path} (${port.text}) can never match: ${problem}.`,
                fix:
                  port.kind === 'named'
                    ? `Use a port number, or a name the ${direction === 'ingress' ? 'selected pods' : `pods of spec.${direction}[${rule.index}].to`} declare with protocol ${port.protocol} (containers[].ports[].name), or fix the protocol of the entry${direction === 'egress' && rule.peers !== undefined ? ', or the peers' : ''}.`
                    : `Set endPort of ${path} to at least its port, or remove endPort.`,
              }),
            );
          });
        }
      }
    }
    return out;
  },
};

/**
 * The protocols the destination pods of an egress rule declare a port name with, through the pod
 * classes (pods a peer cannot tell apart share their referenced named ports). Built on first use.
 */
function declaredByDestinations(policy: PolicyModel, owner: PolicyModel['policies'][number], rule: CompiledRule): (name: string) => Protocol[] {
  let destinations: PolicyModel['classes'] | undefined;
  return (name) => {
    destinations ??= policy.classes.filter((cls) => rule.peers === undefined || rule.peers.some((peer) => policy.peerMatches(owner, peer, { cls })));
    return destinations.flatMap((cls) => {
      const port = cls.namedPorts.get(name);
      return port ? [port.protocol] : [];
    });
  };
}

function deadPortReason(port: CompiledPort, declaredProtocols: (name: string) => Protocol[], where: string): string | undefined {
  if (port.kind === 'range') return port.to < port.from ? `endPort ${port.to} is below port ${port.from}` : undefined;
  if (port.kind !== 'named') return undefined;
  const declared = declaredProtocols(port.name);
  if (declared.includes(port.protocol)) return undefined;
  const other = declared[0];
  return `${where} declares a container port named "${port.name}" with protocol ${port.protocol}${other ? ` (it is declared as ${other})` : ''}`;
}
