import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LabelSelector } from '../labels/label-selector';
import type { NetworkPolicyInput, NetworkPolicyPeerInput, NetworkPolicyPortInput } from '../policy/compiled-policies';
import { buildPolicyModel } from '../policy/policy-model';
import type { ModelPod } from '../workloads/pods-from-workloads';
import { connectionList, type ConnectionRow } from './connection-list';
import { workloadConnectionRows } from './workload-connections';

/** workloadConnectionRows must give exactly the workload rows of connectionList (the reference, pair by pair). */
const NAMESPACES = ['a', 'b'];
const selector: fc.Arbitrary<LabelSelector> = fc.oneof(
  fc.constant({}),
  fc.record({ matchLabels: fc.record({ app: fc.constantFrom('x', 'y', 'z') }) }),
  fc.constant<LabelSelector>({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }),
);
const peer: fc.Arbitrary<NetworkPolicyPeerInput> = fc.oneof(
  fc.record({ podSelector: selector }),
  fc.record({ namespaceSelector: fc.oneof(fc.constant({}), fc.record({ matchLabels: fc.record({ env: fc.constantFrom('prod', 'dev') }) })) }),
  fc.record({ podSelector: selector, namespaceSelector: fc.constant({}) }),
  fc.record({
    ipBlock: fc.constantFrom<{ cidr: string; except?: string[] }>(
      { cidr: '10.0.0.0/24' },
      { cidr: '10.0.0.0/16', except: ['10.0.0.0/28'] },
      { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] },
      { cidr: '2001:db8::/32' },
    ),
  }),
);
const port: fc.Arbitrary<NetworkPolicyPortInput> = fc.oneof(
  fc.constant({}),
  fc.record({ port: fc.constantFrom(80, 443), protocol: fc.constantFrom('TCP', 'UDP', 'SCTP') }),
  fc.record({ port: fc.constant(80), endPort: fc.constantFrom(70, 90) }),
  fc.record({ port: fc.constantFrom('http', 'dns'), protocol: fc.constantFrom('TCP', 'UDP') }),
  fc.record({ protocol: fc.constantFrom('UDP', 'SCTP') }),
);
const rule = fc.record({ peers: fc.option(fc.array(peer, { maxLength: 2 }), { nil: undefined }), ports: fc.option(fc.array(port, { maxLength: 2 }), { nil: undefined }) });
const policy = (i: number): fc.Arbitrary<NetworkPolicyInput> =>
  fc.record({
    namespace: fc.constantFrom(...NAMESPACES),
    name: fc.constant(`p${i}`),
    spec: fc.record({
      podSelector: selector,
      policyTypes: fc.option(fc.subarray(['Ingress', 'Egress'], { minLength: 1 }), { nil: undefined }),
      ingress: fc.option(fc.array(rule.map((r) => ({ from: r.peers, ports: r.ports })), { maxLength: 3 }), { nil: undefined }),
      egress: fc.option(fc.array(rule.map((r) => ({ to: r.peers, ports: r.ports })), { maxLength: 3 }), { nil: undefined }),
    }),
  });
// Several pods per workload, with labels and ports that may differ: workloads of more than one class.
const podArb = (i: number): fc.Arbitrary<ModelPod> =>
  fc
    .record({
      ns: fc.constantFrom(...NAMESPACES),
      owner: fc.constantFrom('w1', 'w2', 'w3', 'w4'),
      kind: fc.constantFrom('Deployment', 'StatefulSet'),
      app: fc.constantFrom('x', 'y', 'z'),
      tier: fc.boolean(),
      httpPort: fc.constantFrom(80, 443, 8080),
      httpProto: fc.constantFrom('TCP' as const, 'UDP' as const),
      ip: fc.constantFrom('10.0.0.', '10.0.1.', '192.168.0.'),
    })
    .map(({ ns, owner, kind, app, tier, httpPort, httpProto, ip }) => ({
      namespace: ns,
      name: `pod${i}`,
      labels: { app, ...(tier ? { tier: '1' } : {}) },
      ips: [`${ip}${i + 1}`],
      containerPorts: [{ name: 'http', containerPort: httpPort, protocol: httpProto }],
      owner: { kind, name: owner },
      ready: true,
      fromTemplate: false,
    }));
const clusterArb = fc
  .record({ podCount: fc.integer({ min: 1, max: 9 }), policyCount: fc.integer({ min: 0, max: 5 }), env: fc.constantFrom('prod', 'dev') })
  .chain(({ podCount, policyCount, env }) =>
    fc.record({
      pods: fc.tuple(...Array.from({ length: podCount }, (_, i) => podArb(i))),
      policies: policyCount ? fc.tuple(...Array.from({ length: policyCount }, (_, i) => policy(i))) : fc.constant([] as NetworkPolicyInput[]),
      namespaces: fc.constant([{ name: 'a', labels: { env } }]),
      settings: fc.constant({ cni: 'calico' }),
    }),
  );

const plain = (rows: readonly ConnectionRow[]) => rows.map((r) => ({ src: r.src, dst: r.dst, conn: r.conn, connections: r.connections }));

describe('workloadConnectionRows', () => {
  it('gives the rows of connectionList: same rows, order and connection sets', () => {
    fc.assert(
      fc.property(clusterArb, (input) => {
        const model = buildPolicyModel(input);
        expect(plain(workloadConnectionRows(model))).toEqual(plain(connectionList(model)));
      }),
      { numRuns: 300 },
    );
  });

  it('with a focus, gives the focused rows of connectionList', () => {
    fc.assert(
      fc.property(clusterArb, fc.constantFrom('w1', 'w2', 'nobody'), fc.option(fc.constantFrom(...NAMESPACES), { nil: undefined }), (input, name, namespace) => {
        const model = buildPolicyModel(input);
        const focusWorkload = namespace === undefined ? { name } : { namespace, name };
        expect(plain(workloadConnectionRows(model, { focusWorkload }))).toEqual(plain(connectionList(model, { focusWorkload })));
      }),
      { numRuns: 150 },
    );
  });

  it('on a non-enforcing or policy-free cluster every pair is All Connections', () => {
    const pods: ModelPod[] = ['a', 'b', 'c'].map((n, i) => ({
      namespace: 'ns',
      name: `${n}-0`,
      labels: { app: n },
      ips: [`10.0.0.${i + 2}`],
      containerPorts: [],
      owner: { kind: 'Deployment', name: n },
      ready: true,
      fromTemplate: true,
    }));
    const rows = workloadConnectionRows(buildPolicyModel({ pods, namespaces: [], policies: [], settings: { cni: 'calico' } }));
    expect(rows.map((r) => `${r.src} => ${r.dst} : ${r.conn}`)).toEqual([
      '0.0.0.0-255.255.255.255[External] => ns/a[Deployment] : All Connections',
      '0.0.0.0-255.255.255.255[External] => ns/b[Deployment] : All Connections',
      '0.0.0.0-255.255.255.255[External] => ns/c[Deployment] : All Connections',
      'ns/a[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
      'ns/a[Deployment] => ns/b[Deployment] : All Connections',
      'ns/a[Deployment] => ns/c[Deployment] : All Connections',
      'ns/b[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
      'ns/b[Deployment] => ns/a[Deployment] : All Connections',
      'ns/b[Deployment] => ns/c[Deployment] : All Connections',
      'ns/c[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
      'ns/c[Deployment] => ns/a[Deployment] : All Connections',
      'ns/c[Deployment] => ns/b[Deployment] : All Connections',
    ]);
  });
});
