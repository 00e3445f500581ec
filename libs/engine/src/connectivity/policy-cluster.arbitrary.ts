import fc from 'fast-check';
import type { LabelSelector } from '../labels/label-selector';
import type { NetworkPolicyInput, NetworkPolicyPeerInput, NetworkPolicyPortInput } from '../policy/compiled-policies';
import type { ModelPod } from '../workloads/pods-from-workloads';

/**
 * Random small clusters for property tests of connection rows (fast-check): pods of a few
 * workloads in two namespaces, policies using every peer and port form, IPv4 and IPv6 ipBlocks.
 * Few distinct labels and names, so that selectors, named ports and workloads collide often.
 */
export const NAMESPACES = ['a', 'b'];
export const selector: fc.Arbitrary<LabelSelector> = fc.oneof(
  fc.constant({}),
  fc.record({ matchLabels: fc.record({ app: fc.constantFrom('x', 'y', 'z') }) }),
  fc.constant<LabelSelector>({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }),
);
export const peer: fc.Arbitrary<NetworkPolicyPeerInput> = fc.oneof(
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
export const port: fc.Arbitrary<NetworkPolicyPortInput> = fc.oneof(
  fc.constant({}),
  fc.record({ port: fc.constantFrom(80, 443), protocol: fc.constantFrom('TCP', 'UDP', 'SCTP') }),
  fc.record({ port: fc.constant(80), endPort: fc.constantFrom(70, 90) }),
  fc.record({ port: fc.constantFrom('http', 'dns'), protocol: fc.constantFrom('TCP', 'UDP') }),
  fc.record({ protocol: fc.constantFrom('UDP', 'SCTP') }),
);
export const rule = fc.record({ peers: fc.option(fc.array(peer, { maxLength: 2 }), { nil: undefined }), ports: fc.option(fc.array(port, { maxLength: 2 }), { nil: undefined }) });
export const policy = (i: number): fc.Arbitrary<NetworkPolicyInput> =>
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
export const podArb = (i: number): fc.Arbitrary<ModelPod> =>
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
export const clusterArb = fc
  .record({ podCount: fc.integer({ min: 1, max: 9 }), policyCount: fc.integer({ min: 0, max: 5 }), env: fc.constantFrom('prod', 'dev') })
  .chain(({ podCount, policyCount, env }) =>
    fc.record({
      pods: fc.tuple(...Array.from({ length: podCount }, (_, i) => podArb(i))),
      policies: policyCount ? fc.tuple(...Array.from({ length: policyCount }, (_, i) => policy(i))) : fc.constant([] as NetworkPolicyInput[]),
      namespaces: fc.constant([{ name: 'a', labels: { env } }]),
      settings: fc.constant({ cni: 'calico' }),
    }),
  );

