import { describe, expect, it } from 'vitest';
import { parseManifestBody } from '../manifests/parse-documents';
import { validateManifests, type ManifestObject } from '../manifests/validate-manifests';
import type { ClusterObjectInput } from '../workloads/cluster-objects';
import { computeClusterModel } from '../workloads/cluster-model';
import { connectionList, renderConnectionList } from '../connectivity/connection-list';
import { policyModelOf } from './cluster-policy-model';
import type { PolicyModel } from './policy-model';
import type { Protocol } from '../workloads/pods-from-workloads';

const SETTINGS = { podCidr: '10.244.0.0/16', serviceCidr: '10.96.0.0/12', clusterDomain: 'cluster.local', cni: 'calico' };

export function toInput(o: ManifestObject): ClusterObjectInput {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    metadata: { name: o.name, ...(o.namespace ? { namespace: o.namespace } : {}), labels: o.labels, annotations: o.annotations, ...(o.ownerReferences ? { ownerReferences: o.ownerReferences } : {}) },
    ...(o.spec !== undefined ? { spec: o.spec } : {}),
    ...(o.status !== undefined ? { status: o.status } : {}),
  };
}

function model(yaml: string, cni = 'calico'): PolicyModel {
  const { objects } = validateManifests(parseManifestBody(yaml, 'yaml'), { fieldValidation: 'Warn' });
  const settings = { ...SETTINGS, cni };
  return policyModelOf(computeClusterModel(objects.map(toInput), settings), settings);
}

/** A Pod with labels, an IP and container ports, as inline YAML. */
function pod(ns: string, name: string, labels: Record<string, string>, ip: string, ports: Array<{ name?: string; port: number; protocol?: string }> = []): string {
  const labelLines = Object.entries(labels).map(([k, v]) => `    ${k}: "${v}"`).join('\n');
  const portLines = ports.map((p) => `        - containerPort: ${p.port}${p.name ? `\n          name: ${p.name}` : ''}${p.protocol ? `\n          protocol: ${p.protocol}` : ''}`).join('\n');
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${ns}
${labelLines ? `  labels:\n${labelLines}` : ''}
spec:
  containers:
    - name: c
${ports.length ? `      ports:\n${portLines}` : ''}
status:
  podIP: ${ip}
---
`;
}

const POD_SET =
  pod('shop', 'web', { app: 'web', tier: 'front' }, '10.244.1.10', [{ name: 'http', port: 8080 }]) +
  pod('shop', 'db', { app: 'db' }, '10.244.1.11', [{ name: 'http', port: 9090 }, { name: 'dns', port: 53, protocol: 'UDP' }]) +
  pod('shop', 'cache', { app: 'cache', tier: 'back' }, '10.244.1.12') +
  pod('ops', 'mon', { app: 'mon' }, '10.244.2.10') +
  `apiVersion: v1
kind: Namespace
metadata:
  name: ops
  labels:
    team: ops
---
`;

function verdict(m: PolicyModel, from: string, to: string, port: number | string, protocol: Protocol = 'TCP') {
  const endpoint = (s: string) => (s.includes('/') ? { pod: m.findPod(s.split('/')[0]!, s.split('/')[1]!)! } : { ip: s });
  return m.evaluate(endpoint(from), endpoint(to), port, protocol);
}

const allow = (m: PolicyModel, from: string, to: string, port: number | string, protocol: Protocol = 'TCP') => verdict(m, from, to, port, protocol).policyAllowed;

describe('NetworkPolicy verdicts (semantics.md, NetworkPolicy)', () => {
  it('without policies every direction is open, and the reason says so', () => {
    const m = model(POD_SET);
    const v = verdict(m, 'shop/web', 'shop/db', 80);
    expect(v.allowed).toBe(true);
    expect(v.egress.isolated).toBe(false);
    expect(v.ingress.reason).toBe('not isolated: no policy in ns shop selects shop/db for ingress');
  });

  it('isolates only pods of the policy’s own namespace', () => {
    const m = model(POD_SET + `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny, namespace: shop }
spec: { podSelector: {}, policyTypes: [Ingress, Egress] }
`);
    expect(allow(m, 'ops/mon', 'shop/db', 80)).toBe(false);
    expect(allow(m, 'shop/web', 'ops/mon', 80)).toBe(false);
    expect(verdict(m, 'ops/mon', 'ops/mon', 80).allowed).toBe(true);
    const v = verdict(m, 'ops/mon', 'shop/db', 80);
    expect(v.egress.isolated).toBe(false);
    expect(v.ingress.isolated).toBe(true);
    expect(v.ingress.selectingPolicies).toEqual(['shop/deny']);
    expect(v.ingress.reason).toBe('no ingress rule of policies [shop/deny] allows TCP 80 from ops/mon');
  });

  it('policyTypes omitted: Ingress always, Egress only with egress rules', () => {
    const m = model(POD_SET + `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: a, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: b, namespace: shop }
spec:
  podSelector: { matchLabels: { app: db } }
  ingress: [ {} ]
  egress: [ { to: [ { podSelector: { matchLabels: { app: web } } } ] } ]
`);
    const v = verdict(m, 'shop/web', 'shop/cache', 80);
    expect(v.egress.isolated).toBe(false);
    expect(allow(m, 'shop/cache', 'shop/web', 80)).toBe(false);
    expect(allow(m, 'shop/db', 'shop/cache', 80)).toBe(false);
    expect(allow(m, 'shop/cache', 'shop/db', 80)).toBe(true);
  });

  it('policyTypes [Egress] leaves ingress open; a policy type with no rules allows nothing', () => {
    const m = model(POD_SET + `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: e, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Egress]
  ingress: []
`);
    expect(allow(m, 'shop/cache', 'shop/web', 80)).toBe(true);
    expect(allow(m, 'shop/web', 'shop/cache', 80)).toBe(false);
  });

  it('a policy selecting no pod changes nothing', () => {
    const m = model(POD_SET + `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: none, namespace: shop }
spec: { podSelector: { matchLabels: { app: nothing } }, policyTypes: [Ingress, Egress] }
`);
    expect(allow(m, 'shop/web', 'shop/db', 80)).toBe(true);
  });

  it('selector operators: NotIn and DoesNotExist match pods lacking the key, In does not', () => {
    const policy = (expr: string) =>
      model(POD_SET + `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: p, namespace: shop }
spec:
  podSelector: { matchLabels: { app: db } }
  ingress: [ { from: [ { podSelector: { matchExpressions: [ ${expr} ] } } ] } ]
`);
    const inOp = policy('{ key: tier, operator: In, values: [front] }');
    expect([allow(inOp, 'shop/web', 'shop/db', 1), allow(inOp, 'shop/cache', 'shop/db', 1)]).toEqual([true, false]);
    const notIn = policy('{ key: tier, operator: NotIn, values: [front] }');
    expect([allow(notIn, 'shop/web', 'shop/db', 1), allow(notIn, 'shop/cache', 'shop/db', 1), allow(notIn, 'shop/db', 'shop/db', 1)]).toEqual([false, true, true]);
    const exists = policy('{ key: tier, operator: Exists }');
    expect([allow(exists, 'shop/web', 'shop/db', 1), allow(exists, 'shop/cache', 'shop/db', 1)]).toEqual([true, true]);
    const missing = policy('{ key: tier, operator: DoesNotExist }');
    expect([allow(missing, 'shop/web', 'shop/db', 1), allow(missing, 'shop/cache', 'shop/db', 1)]).toEqual([false, false]);
  });

  it('peers: podSelector alone = own namespace; namespaceSelector alone; both = AND; separate = OR', () => {
    const m = (from: string) =>
      model(POD_SET + pod('ops', 'web', { app: 'web' }, '10.244.2.11') + `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: p, namespace: shop }
spec:
  podSelector: { matchLabels: { app: db } }
  ingress: [ { from: ${from} } ]
`);
    const podOnly = m('[ { podSelector: { matchLabels: { app: web } } } ]');
    expect([allow(podOnly, 'shop/web', 'shop/db', 1), allow(podOnly, 'ops/web', 'shop/db', 1)]).toEqual([true, false]);
    const nsOnly = m('[ { namespaceSelector: { matchLabels: { team: ops } } } ]');
    expect([allow(nsOnly, 'shop/web', 'shop/db', 1), allow(nsOnly, 'ops/web', 'shop/db', 1), allow(nsOnly, 'ops/mon', 'shop/db', 1)]).toEqual([false, true, true]);
    const and = m('[ { namespaceSelector: { matchLabels: { team: ops } }, podSelector: { matchLabels: { app: web } } } ]');
    expect([allow(and, 'shop/web', 'shop/db', 1), allow(and, 'ops/web', 'shop/db', 1), allow(and, 'ops/mon', 'shop/db', 1)]).toEqual([false, true, false]);
    const or = m('[ { namespaceSelector: { matchLabels: { team: ops } } }, { podSelector: { matchLabels: { app: web } } } ]');
    expect([allow(or, 'shop/web', 'shop/db', 1), allow(or, 'ops/web', 'shop/db', 1), allow(or, 'shop/cache', 'shop/db', 1)]).toEqual([true, true, false]);
    const v = verdict(or, 'ops/mon', 'shop/db', 1);
    expect(v.ingress.allowedBy).toEqual([{ policy: 'shop/p', ruleIndex: 0, peerIndex: 0, peer: 'all pods in namespaces matching team=ops', port: 'all ports (ports omitted)' }]);
  });

  it('every namespace carries kubernetes.io/metadata.name, declared or not', () => {
    const m = model(POD_SET + pod('undeclared', 'x', {}, '10.244.3.1') + `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: p, namespace: shop }
spec:
  podSelector: { matchLabels: { app: db } }
  ingress: [ { from: [ { namespaceSelector: { matchExpressions: [ { key: kubernetes.io/metadata.name, operator: In, values: [undeclared, ops] } ] } } ] } ]
`);
    expect([allow(m, 'undeclared/x', 'shop/db', 1), allow(m, 'ops/mon', 'shop/db', 1), allow(m, 'shop/web', 'shop/db', 1)]).toEqual([true, true, false]);
  });

  it('rules: from omitted = all peers, ports omitted = all ports, peers and ports of different rules never combine', () => {
    const m = model(POD_SET + `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: p, namespace: shop }
spec:
  podSelector: { matchLabels: { app: db } }
  ingress:
    - from: [ { podSelector: { matchLabels: { app: web } } } ]
      ports: [ { port: 80 } ]
    - from: [ { podSelector: { matchLabels: { app: cache } } } ]
      ports: [ { port: 443 } ]
    - ports: [ { port: 5000, protocol: UDP } ]
`);
    expect(allow(m, 'shop/web', 'shop/db', 80)).toBe(true);
    expect(allow(m, 'shop/web', 'shop/db', 443)).toBe(false);
    expect(allow(m, 'shop/cache', 'shop/db', 443)).toBe(true);
    expect(allow(m, 'shop/cache', 'shop/db', 80)).toBe(false);
    expect(allow(m, 'ops/mon', 'shop/db', 5000, 'UDP')).toBe(true);
    expect(allow(m, 'ops/mon', 'shop/db', 5000, 'TCP')).toBe(false);
  });

  it('ipBlock with except matches external addresses and pod IPs', () => {
    const m = model(POD_SET + `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: p, namespace: shop }
spec:
  podSelector: { matchLabels: { app: db } }
  policyTypes: [Ingress, Egress]
  ingress: [ { from: [ { ipBlock: { cidr: 10.244.0.0/16, except: [10.244.2.0/24] } } ] } ]
  egress: [ { to: [ { ipBlock: { cidr: 192.168.0.0/16 } } ] } ]
`);
    expect(allow(m, 'shop/web', 'shop/db', 80)).toBe(true);
    expect(allow(m, 'ops/mon', 'shop/db', 80)).toBe(false);
    expect(allow(m, '10.244.9.9', 'shop/db', 80)).toBe(true);
    expect(allow(m, '10.244.2.99', 'shop/db', 80)).toBe(false);
    expect(allow(m, 'shop/db', '192.168.3.4', 80)).toBe(true);
    expect(allow(m, 'shop/db', '8.8.8.8', 80)).toBe(false);
    const v = verdict(m, '10.244.9.9', 'shop/db', 80);
    expect(v.egress.reason).toBe('external peer: egress of an IP is not governed by policies');
    expect(v.ingress.allowedBy[0]!.peer).toBe('ipBlock 10.244.0.0/16 except 10.244.2.0/24');
  });

  it('named ports resolve on the destination pod, with protocol, in both directions; never for IPs', () => {
    const m = model(POD_SET + `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: in, namespace: shop }
spec:
  podSelector: {}
  ingress: [ { ports: [ { port: http } ] } ]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: out, namespace: shop }
spec:
  podSelector: { matchLabels: { app: cache } }
  policyTypes: [Egress]
  egress: [ { ports: [ { port: http }, { port: dns, protocol: TCP } ] } ]
`);
    // web declares http=8080, db http=9090: one name, two numbers.
    expect(allow(m, 'ops/mon', 'shop/web', 8080)).toBe(true);
    expect(allow(m, 'ops/mon', 'shop/web', 9090)).toBe(false);
    expect(allow(m, 'ops/mon', 'shop/db', 9090)).toBe(true);
    expect(allow(m, 'ops/mon', 'shop/db', 'http')).toBe(true);
    expect(verdict(m, 'ops/mon', 'shop/db', 'http').port).toBe(9090);
    expect(allow(m, 'ops/mon', 'shop/cache', 8080)).toBe(false);
    // egress: resolved on the destination; dns is UDP on db, the rule asks TCP.
    expect(allow(m, 'shop/cache', 'ops/mon', 8080)).toBe(false);
    expect(allow(m, 'shop/cache', 'shop/db', 53, 'UDP')).toBe(false);
    expect(allow(m, 'shop/cache', '1.2.3.4', 8080)).toBe(false);
  });

  it('endPort ranges (empty when below port), SCTP/UDP, and ports: [{}] = all TCP', () => {
    const m = (ports: string) =>
      model(POD_SET + `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: p, namespace: shop }
spec:
  podSelector: { matchLabels: { app: db } }
  ingress: [ { ports: ${ports} } ]
`);
    const range = m('[ { port: 8000, endPort: 8100 } ]');
    expect([allow(range, 'shop/web', 'shop/db', 7999), allow(range, 'shop/web', 'shop/db', 8000), allow(range, 'shop/web', 'shop/db', 8100), allow(range, 'shop/web', 'shop/db', 8101)]).toEqual([false, true, true, false]);
    const empty = m('[ { port: 8100, endPort: 8000 } ]');
    expect([allow(empty, 'shop/web', 'shop/db', 8000), allow(empty, 'shop/web', 'shop/db', 8100)]).toEqual([false, false]);
    const sctp = m('[ { port: 9000, protocol: SCTP } ]');
    expect([allow(sctp, 'shop/web', 'shop/db', 9000, 'SCTP'), allow(sctp, 'shop/web', 'shop/db', 9000, 'TCP')]).toEqual([true, false]);
    const allTcp = m('[ {} ]');
    expect([allow(allTcp, 'shop/web', 'shop/db', 1, 'TCP'), allow(allTcp, 'shop/web', 'shop/db', 65535, 'TCP'), allow(allTcp, 'shop/web', 'shop/db', 53, 'UDP')]).toEqual([true, true, false]);
  });

  it('loopback is always allowed', () => {
    const m = model(POD_SET + `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny, namespace: shop }
spec: { podSelector: {}, policyTypes: [Ingress, Egress] }
`);
    expect(verdict(m, 'shop/db', 'shop/db', 80).allowed).toBe(true);
    expect(m.matrix({ port: 80, protocol: 'TCP', namespace: 'shop' }).allowed).toEqual([
      [true, false, false],
      [false, true, false],
      [false, false, true],
    ]);
  });

  it('CNI enforcement: flannel answers with both verdicts and a warning; unknown plugins are assumed to enforce', () => {
    const deny = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny, namespace: shop }
spec: { podSelector: {} }
`;
    const flannel = verdict(model(POD_SET + deny, 'flannel'), 'shop/web', 'shop/db', 80);
    expect(flannel).toMatchObject({ allowed: true, policyAllowed: false, enforced: false });
    expect(flannel.warnings.join(' ')).toMatch(/flannel does not enforce/);
    const other = verdict(model(POD_SET + deny, 'other'), 'shop/web', 'shop/db', 80);
    expect(other).toMatchObject({ allowed: false, policyAllowed: false, enforced: true });
    expect(other.warnings.join(' ')).toMatch(/assumed to be enforced/);
    expect(verdict(model(POD_SET + deny, 'cilium'), 'shop/web', 'shop/db', 80).warnings).toEqual([]);
    const matrix = model(POD_SET + deny, 'flannel').matrix({ port: 80, protocol: 'TCP', namespace: 'shop' });
    expect(matrix.allowed.flat().every(Boolean)).toBe(true);
    expect(matrix.policyAllowed!.flat().filter(Boolean).length).toBe(3);
  });

  it('pods of workloads: named after the owner, found by workload', () => {
    const m = model(`apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec:
  replicas: 2
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec: { containers: [ { name: c, ports: [ { containerPort: 8080, name: http } ] } ] }
---
` + pod('shop', 'lonely', { app: 'x' }, '10.244.7.7'));
    expect(m.podsOfWorkload('Deployment', 'shop', 'api')).toHaveLength(2);
    // No policy tells the pods apart: one class.
    expect(m.classes.length).toBe(1);
    const rows = connectionList(m);
    expect(renderConnectionList(rows, 'txt')).toBe(
      [
        '0.0.0.0-255.255.255.255[External] => shop/api[Deployment] : All Connections',
        '0.0.0.0-255.255.255.255[External] => shop/lonely[Pod] : All Connections',
        'shop/api[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
        'shop/api[Deployment] => shop/lonely[Pod] : All Connections',
        'shop/lonely[Pod] => 0.0.0.0-255.255.255.255[External] : All Connections',
        'shop/lonely[Pod] => shop/api[Deployment] : All Connections',
      ].join('\n'),
    );
    expect(renderConnectionList(rows.slice(0, 1), 'csv')).toBe('src,dst,conn\n0.0.0.0-255.255.255.255[External],shop/api[Deployment],All Connections');
    expect(renderConnectionList(rows.slice(0, 1), 'md')).toBe('| src | dst | conn |\n|-----|-----|------|\n| 0.0.0.0-255.255.255.255[External] | shop/api[Deployment] | All Connections |');
    expect(JSON.parse(renderConnectionList(rows.slice(0, 1), 'json'))).toEqual([{ src: '0.0.0.0-255.255.255.255[External]', dst: 'shop/api[Deployment]', conn: 'All Connections' }]);
    expect(renderConnectionList(rows, 'dot')).toMatch(/^digraph \{/);
    expect(connectionList(m, { focusWorkload: { namespace: 'shop', name: 'lonely' } })).toHaveLength(4);
  });
});
