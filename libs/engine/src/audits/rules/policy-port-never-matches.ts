import type { CompiledPort } from '../../policy/compiled-policies';
import type { ModelPod } from '../../workloads/pods-from-workloads';
import { findingOf, type AuditRule, type Finding } from '../finding';
import { podsSelectedBy } from '../pod-index';

/**
 * A port entry that can never match makes its rule allow less than it reads, silently.
 * A NAMED port resolves on the DESTINATION pod, with the rule's protocol (semantics.md, Ports):
 * for an ingress rule the destinations are the pods the policy selects; for an egress rule any
 * pod of the cluster may be one, so it is dead only when no pod declares that name with that
 * protocol. A numeric range whose endPort is below its port is empty. A policy selecting no pod
 * is left to policy-selects-no-pod.
 */
export const policyPortNeverMatches: AuditRule = {
  id: 'policy-port-never-matches',
  severity: 'medium',
  title: 'NetworkPolicy port that can never match',
  description: 'A NetworkPolicy rule names a port no destination pod declares with that protocol, or a port range whose endPort is below its port, so that entry never allows anything.',
  check({ model, policy }) {
    const out: Finding[] = [];
    // Every container port of the cluster by name, for egress rules (any pod may be the destination).
    const declaredAnywhere = new Map<string, ModelPod['containerPorts']>();
    for (const pod of model.pods) {
      for (const c of pod.containerPorts) {
        if (!c.name) continue;
        const list = declaredAnywhere.get(c.name);
        if (list) list.push(c);
        else declaredAnywhere.set(c.name, [c]);
      }
    }
    for (const p of policy.policies) {
      const selected = podsSelectedBy(policy, p);
      if (selected.length === 0) continue;
      const declaredBySelected = (name: string) => selected.flatMap((pod) => pod.containerPorts.filter((c) => c.name === name));
      for (const direction of ['ingress', 'egress'] as const) {
        const declared = direction === 'ingress' ? declaredBySelected : (name: string) => declaredAnywhere.get(name) ?? [];
        for (const rule of p[direction] ?? []) {
          (rule.ports ?? []).forEach((port, i) => {
            const problem = deadPortReason(port, declared, direction);
            if (!problem) return;
            const path = `spec.${direction}[${rule.index}].ports[${i}]`;
            out.push(
              findingOf(this, {
                objects: [{ kind: 'NetworkPolicy', namespace: p.namespace, name: p.name }],
                detail: `${path}=${port.text}`,
                message: `${p.key} ${path} (${port.text}) can never match: ${problem}.`,
                fix:
                  port.kind === 'named'
                    ? `Use a port number, or a name the ${direction === 'ingress' ? 'selected pods' : 'destination pods'} declare with protocol ${port.protocol} (containers[].ports[].name), or fix the protocol of the entry.`
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

function deadPortReason(port: CompiledPort, declaredPorts: (name: string) => ModelPod['containerPorts'], direction: 'ingress' | 'egress'): string | undefined {
  if (port.kind === 'range') return port.to < port.from ? `endPort ${port.to} is below port ${port.from}` : undefined;
  if (port.kind !== 'named') return undefined;
  const declared = declaredPorts(port.name);
  if (declared.some((c) => c.protocol === port.protocol)) return undefined;
  const where = direction === 'ingress' ? 'none of the pods the policy selects' : 'no pod of the cluster';
  const other = declared[0];
  return `${where} declares a container port named "${port.name}" with protocol ${port.protocol}${other ? ` (it is declared as ${other.protocol})` : ''}`;
}
