import { describe, expect, it } from 'vitest';
import { deployment, findingsOf } from '../audit-cluster.fixture';

const RULE = 'egress-without-dns';
const API = deployment('shop', 'api', { app: 'api' }) + deployment('shop', 'db', { app: 'db' }, [{ port: 5432 }]);
const egress = (rules: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api-egress, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  policyTypes: [Egress]
  egress:
    - to: [{ podSelector: { matchLabels: { app: db } } }]
      ports: [{ port: 5432 }]
${rules}
---
`;
const DNS_RULE = `    - to:
        - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: kube-system } }
          podSelector: { matchLabels: { k8s-app: kube-dns } }
      ports: [{ protocol: UDP, port: 53 }, { protocol: TCP, port: 53 }]`;
const COREDNS = `apiVersion: v1
kind: Pod
metadata: { name: coredns-1, namespace: kube-system, labels: { k8s-app: kube-dns } }
spec:
  containers:
    - name: coredns
      image: coredns
      ports: [{ name: dns, containerPort: 5353, protocol: UDP }, { name: dns-tcp, containerPort: 5353, protocol: TCP }]
status: { podIP: 10.244.9.10 }
---
`;

describe(RULE, () => {
  it('flags the workload of egress-isolated pods that cannot reach DNS (no CoreDNS pods: hypothetical DNS pod)', () => {
    const findings = findingsOf(RULE, API + egress(''));
    expect(findings).toMatchObject([{ severity: 'high', objects: [{ kind: 'Deployment', namespace: 'shop', name: 'api' }], key: `${RULE}|Deployment/shop/api` }]);
    expect(findings[0]!.message).toContain('UDP 53 or TCP 53');
    expect(findings[0]!.message).toContain('shop/api-egress');
  });

  it('is resolved by an egress rule to kube-dns on UDP and TCP 53', () => {
    expect(findingsOf(RULE, API + egress(DNS_RULE))).toEqual([]);
  });

  it('reports TCP alone when only UDP 53 is allowed', () => {
    const udpOnly = DNS_RULE.replace(', { protocol: TCP, port: 53 }', '');
    expect(findingsOf(RULE, API + egress(udpOnly))[0]!.message).toMatch(/allows TCP 53 to .* fails over TCP/);
  });

  it('counts named DNS ports and a rule with no peers toward the hypothetical CoreDNS pod', () => {
    expect(findingsOf(RULE, API + egress('    - ports: [{ protocol: UDP, port: dns }, { protocol: TCP, port: dns-tcp }]'))).toEqual([]);
  });

  it('does not count an ipBlock that covers only part of the pod CIDR', () => {
    expect(findingsOf(RULE, API + egress('    - to: [{ ipBlock: { cidr: 10.244.1.0/24 } }]'))).toHaveLength(1);
    expect(findingsOf(RULE, API + egress('    - to: [{ ipBlock: { cidr: 0.0.0.0/0 } }]'))).toEqual([]);
  });

  it('judges the kube-dns endpoint pods on the target port the Service resolves to', () => {
    const toCoreDns = (port: number) => `    - to: [{ ipBlock: { cidr: 10.244.9.10/32 } }]
      ports: [{ protocol: UDP, port: ${port} }, { protocol: TCP, port: ${port} }]`;
    // The built-in kube-dns Service targets port 53 of the CoreDNS pod.
    expect(findingsOf(RULE, COREDNS + API + egress(''))).toHaveLength(1);
    expect(findingsOf(RULE, COREDNS + API + egress(toCoreDns(53)))).toEqual([]);
    // A kube-dns Service targeting the pods' named port 5353: allowing 53 is not enough.
    const namedTarget = `apiVersion: v1
kind: Service
metadata: { name: kube-dns, namespace: kube-system }
spec:
  selector: { k8s-app: kube-dns }
  ports: [{ name: dns, port: 53, protocol: UDP, targetPort: dns }, { name: dns-tcp, port: 53, protocol: TCP, targetPort: dns-tcp }]
---
`;
    expect(findingsOf(RULE, namedTarget + COREDNS + API + egress(toCoreDns(53)), { defaults: false })).toHaveLength(1);
    expect(findingsOf(RULE, namedTarget + COREDNS + API + egress(toCoreDns(5353)), { defaults: false })).toEqual([]);
  });

  it('falls back to kube-system pods labelled k8s-app=kube-dns when there is no kube-dns Service', () => {
    // An ipBlock holding only the real DNS pod's address counts (the hypothetical pod would not match it).
    const toPod = (cidr: string) => `    - to: [{ ipBlock: { cidr: ${cidr} } }]
      ports: [{ protocol: UDP, port: 53 }, { protocol: TCP, port: 53 }]`;
    expect(findingsOf(RULE, COREDNS + API + egress(toPod('10.244.9.10/32')), { defaults: false })).toEqual([]);
    expect(findingsOf(RULE, COREDNS + API + egress(toPod('10.244.9.11/32')), { defaults: false })).toHaveLength(1);
  });

  it('leaves pods that are not isolated for egress alone', () => {
    expect(findingsOf(RULE, API)).toEqual([]);
  });
});
