import type { ModelPod, Protocol } from '../../workloads/pods-from-workloads';
import { clusterDnsCheck, dnsEgressFix, DNS_PROTOCOLS } from '../cluster-dns';
import { findingOf, type AuditRule, type Finding } from '../finding';

/**
 * A pod isolated for egress may only open what its policies allow; without UDP and TCP 53 to
 * the cluster DNS it cannot resolve any name. Which pods count as the cluster DNS, and how the
 * egress toward them is judged, is cluster-dns.ts's (the diagnosis's dns step judges alike).
 * Findings are per workload: its pods share their policies.
 */
export const egressWithoutDns: AuditRule = {
  id: 'egress-without-dns',
  severity: 'high',
  title: 'Egress-isolated pods cannot reach cluster DNS',
  description: 'Pods isolated for egress have no egress rule allowing UDP and TCP port 53 to the cluster DNS (kube-system/kube-dns), so name resolution fails.',
  check({ model, policy, settings }) {
    const dns = clusterDnsCheck({ model, policy, podCidr: settings.podCidr });
    const byClass = new Map<number, Protocol[]>();
    const byOwner = new Map<string, { pod: ModelPod; blocked: Set<Protocol>; policies: Set<string> }>();
    for (const pod of policy.allPods()) {
      const cls = policy.classOfPod(pod);
      if (cls.egressPolicies.length === 0) continue;
      let blocked = byClass.get(cls.index);
      if (!blocked) byClass.set(cls.index, (blocked = DNS_PROTOCOLS.filter((p) => !dns.allows(pod, cls, p))));
      if (blocked.length === 0) continue;
      const key = `${pod.namespace}/${pod.owner.kind}/${pod.owner.name}`;
      const entry = byOwner.get(key) ?? { pod, blocked: new Set<Protocol>(), policies: new Set<string>() };
      for (const p of blocked) entry.blocked.add(p);
      for (const p of cls.egressPolicies) entry.policies.add(p.key);
      byOwner.set(key, entry);
    }
    const out: Finding[] = [];
    for (const { pod, blocked, policies } of byOwner.values()) {
      const owner = { kind: pod.owner.kind, namespace: pod.namespace, name: pod.owner.name };
      const protocols = DNS_PROTOCOLS.filter((p) => blocked.has(p));
      const selecting = [...policies].sort();
      out.push(
        findingOf(this, {
          objects: [owner],
          message: `${owner.kind} ${owner.namespace}/${owner.name} is isolated for egress by ${selecting.join(', ')}, and no egress rule allows ${protocols.map((p) => `${p} 53`).join(' or ')} to ${dns.describe}: name resolution fails${protocols.length === 1 ? ` over ${protocols[0]}` : ''}.`,
          fix: dnsEgressFix(selecting[0]!),
        }),
      );
    }
    return out;
  },
};
