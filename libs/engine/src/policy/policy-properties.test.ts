import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cidrContainsAddress, parseCidr, parseIpAddress } from '../addresses/cidr-blocks';
import { compileLabelSelector } from '../labels/label-selector';
import type { ModelPod, Protocol } from '../workloads/pods-from-workloads';
import type { NetworkPolicyInput, NetworkPolicyPeerInput, NetworkPolicyPortInput } from './compiled-policies';
import { connectionsInclude } from '../connectivity/connection-set';
import { buildPolicyModel, buildPolicyModelInSteps, PolicyModel, type PolicyModelInput } from './policy-model';

/** A deliberately naive pod-by-pod evaluator, written straight from semantics.md, as the reference. */
function naiveAllowed(input: PolicyModelInput, src: ModelPod, dst: ModelPod, port: number, protocol: Protocol): boolean {
  if (src.namespace === dst.namespace && src.name === dst.name) return true;
  const nsLabels = (name: string) => ({ ...(input.namespaces.find((n) => n.name === name)?.labels ?? {}), 'kubernetes.io/metadata.name': name });
  const peerMatches = (policy: NetworkPolicyInput, peer: NetworkPolicyPeerInput, other: ModelPod): boolean => {
    if (peer.ipBlock) {
      const cidr = parseCidr(peer.ipBlock.cidr)!;
      return other.ips.some((ip) => {
        const a = parseIpAddress(ip)!;
        return cidrContainsAddress(cidr, a) && !(peer.ipBlock!.except ?? []).some((e) => cidrContainsAddress(parseCidr(e)!, a));
      });
    }
    const nsOk = peer.namespaceSelector ? compileLabelSelector(peer.namespaceSelector)(nsLabels(other.namespace)) : other.namespace === policy.namespace;
    return nsOk && (peer.podSelector ? compileLabelSelector(peer.podSelector)(other.labels) : true);
  };
  const portMatches = (p: NetworkPolicyPortInput): boolean => {
    const proto = (p.protocol ?? 'TCP') as Protocol;
    if (proto !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'string') {
      const c = dst.containerPorts.find((cp) => cp.name === p.port);
      return !!c && c.protocol === proto && c.containerPort === port;
    }
    return port >= p.port && port <= (p.endPort ?? p.port);
  };
  const direction = (pod: ModelPod, other: ModelPod, dir: 'ingress' | 'egress'): boolean => {
    const selecting = input.policies.filter((p) => {
      if (p.namespace !== pod.namespace || !compileLabelSelector(p.spec.podSelector ?? {})(pod.labels)) return false;
      const types = p.spec.policyTypes?.length ? p.spec.policyTypes : ['Ingress', ...((p.spec.egress?.length ?? 0) > 0 ? ['Egress'] : [])];
      return types.includes(dir === 'ingress' ? 'Ingress' : 'Egress');
    });
    if (selecting.length === 0) return true;
    return selecting.some((p) =>
      (dir === 'ingress' ? (p.spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports })) : (p.spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports }))).some(
        (r) => (!r.peers?.length || r.peers.some((peer) => peerMatches(p, peer, other))) && (!r.ports?.length || r.ports.some(portMatches)),
      ),
    );
  };
  return direction(src, dst, 'egress') && direction(dst, src, 'ingress');
}

const NAMESPACES = ['a', 'b'];
const label = fc.record({ app: fc.constantFrom('x', 'y', 'z'), tier: fc.option(fc.constantFrom('1', '2'), { nil: undefined }) });
const selector = fc.oneof(
  fc.constant({}),
  fc.record({ matchLabels: fc.record({ app: fc.constantFrom('x', 'y', 'z') }) }),
  fc.record({
    matchExpressions: fc.array(
      fc.oneof(
        fc.record({ key: fc.constant('tier'), operator: fc.constantFrom('In', 'NotIn'), values: fc.subarray(['1', '2'], { minLength: 1 }) }),
        fc.record({ key: fc.constantFrom('tier', 'app'), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
      ),
      { minLength: 1, maxLength: 2 },
    ),
  }),
);
const nsSelector = fc.oneof(fc.constant({}), fc.record({ matchLabels: fc.record({ env: fc.constantFrom('prod', 'dev') }) }), fc.record({ matchLabels: fc.record({ 'kubernetes.io/metadata.name': fc.constantFrom(...NAMESPACES) }) }));
const peer: fc.Arbitrary<NetworkPolicyPeerInput> = fc.oneof(
  fc.record({ podSelector: selector }),
  fc.record({ namespaceSelector: nsSelector }),
  fc.record({ podSelector: selector, namespaceSelector: nsSelector }),
  fc.record({ ipBlock: fc.constantFrom<{ cidr: string; except?: string[] }>({ cidr: '10.0.0.0/24' }, { cidr: '10.0.0.0/16', except: ['10.0.0.0/28'] }, { cidr: '0.0.0.0/0' }) }),
);
const port: fc.Arbitrary<NetworkPolicyPortInput> = fc.oneof(
  fc.constant({}),
  fc.record({ port: fc.constantFrom(80, 443), protocol: fc.constantFrom('TCP', 'UDP') }),
  fc.record({ port: fc.constant(80), endPort: fc.constantFrom(70, 90) }),
  fc.record({ port: fc.constantFrom('http', 'dns'), protocol: fc.constantFrom('TCP', 'UDP') }),
);
const rule = fc.record({ peers: fc.option(fc.array(peer, { maxLength: 2 }), { nil: undefined }), ports: fc.option(fc.array(port, { maxLength: 2 }), { nil: undefined }) });
const policy = (i: number): fc.Arbitrary<NetworkPolicyInput> =>
  fc.record({
    namespace: fc.constantFrom(...NAMESPACES),
    name: fc.constant(`p${i}`),
    spec: fc.record({
      podSelector: selector,
      policyTypes: fc.option(fc.subarray(['Ingress', 'Egress'], { minLength: 1 }), { nil: undefined }),
      ingress: fc.option(fc.array(rule.map((r) => ({ from: r.peers, ports: r.ports })), { maxLength: 2 }), { nil: undefined }),
      egress: fc.option(fc.array(rule.map((r) => ({ to: r.peers, ports: r.ports })), { maxLength: 2 }), { nil: undefined }),
    }),
  });
const podArb = (i: number): fc.Arbitrary<ModelPod> =>
  fc.record({ ns: fc.constantFrom(...NAMESPACES), labels: label, httpPort: fc.constantFrom(80, 443, 8080), httpProto: fc.constantFrom('TCP' as const, 'UDP' as const) }).map(({ ns, labels, httpPort, httpProto }) => ({
    namespace: ns,
    name: `pod${i}`,
    labels: Object.fromEntries(Object.entries(labels).filter(([, v]) => v !== undefined)) as Record<string, string>,
    ips: [`10.0.0.${i * 7}`],
    containerPorts: [{ name: 'http', containerPort: httpPort, protocol: httpProto }],
    owner: { kind: 'Pod', name: `pod${i}` },
    ready: true,
    fromTemplate: false,
  }));
const clusterArb = fc
  .record({ podCount: fc.integer({ min: 1, max: 6 }), policyCount: fc.integer({ min: 0, max: 4 }), envA: fc.constantFrom('prod', 'dev') })
  .chain(({ podCount, policyCount, envA }) =>
    fc.record({
      pods: fc.tuple(...Array.from({ length: podCount }, (_, i) => podArb(i))),
      policies: policyCount ? fc.tuple(...Array.from({ length: policyCount }, (_, i) => policy(i))) : fc.constant([] as NetworkPolicyInput[]),
      namespaces: fc.constant([{ name: 'a', labels: { env: envA } }]),
      settings: fc.constant({ cni: 'calico' }),
    }),
  );
const query = fc.record({ port: fc.constantFrom(53, 80, 85, 443, 8080), protocol: fc.constantFrom<Protocol>('TCP', 'UDP') });

function allVerdicts(input: PolicyModelInput, port: number, protocol: Protocol): boolean[][] {
  return buildPolicyModel(input).matrix({ port, protocol }).allowed;
}

describe('policy verdict properties', () => {
  it('class-based evaluate and matrix agree with a naive pod-by-pod evaluator', () => {
    fc.assert(
      fc.property(clusterArb, query, (input, { port, protocol }) => {
        const model = buildPolicyModel(input);
        const m = model.matrix({ port, protocol });
        const pods = m.pods.map((k) => model.pods.get(k)!);
        pods.forEach((s, i) =>
          pods.forEach((d, j) => {
            const expected = naiveAllowed(input, s, d, port, protocol);
            expect(m.allowed[i]![j]).toBe(expected);
            expect(model.evaluate({ pod: s }, { pod: d }, port, protocol).policyAllowed).toBe(expected);
          }),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('adding an allowing policy never removes a connection', () => {
    fc.assert(
      fc.property(clusterArb, query, (input, { port, protocol }) => {
        const before = allVerdicts(input, port, protocol);
        // Policies that select exactly the pods an existing one selects (so isolation is unchanged) and only allow.
        const opened = input.policies.map((p) => ({
          ...p,
          name: `${p.name}-open`,
          spec: { ...p.spec, ingress: [{ from: [{ namespaceSelector: { matchLabels: { env: 'prod' } } }] }], egress: p.spec.egress?.length || p.spec.policyTypes?.includes('Egress') ? [{ ports: [{ port: 80 }] }] : p.spec.egress },
        }));
        const widened = allVerdicts({ ...input, policies: [...input.policies, ...opened] }, port, protocol);
        before.forEach((row, i) => row.forEach((v, j) => v && expect(widened[i]![j]).toBe(true)));
      }),
      { numRuns: 150 },
    );
  });

  it('a policy selecting no pod changes nothing', () => {
    fc.assert(
      fc.property(clusterArb, query, policy(98), (input, { port, protocol }, extra) => {
        const none = { ...extra, spec: { ...extra.spec, podSelector: { matchLabels: { app: 'nobody' } } } };
        expect(allVerdicts({ ...input, policies: [...input.policies, none] }, port, protocol)).toEqual(allVerdicts(input, port, protocol));
      }),
      { numRuns: 150 },
    );
  });

  it('the order of objects never changes verdicts', () => {
    fc.assert(
      fc.property(clusterArb, query, fc.integer(), (input, { port, protocol }, seed) => {
        const shuffle = <T>(list: readonly T[]): T[] => [...list].map((v, i) => ({ v, k: Math.sin(seed + i) })).sort((a, b) => a.k - b.k).map((x) => x.v);
        expect(allVerdicts({ ...input, pods: shuffle(input.pods), policies: shuffle(input.policies) }, port, protocol)).toEqual(allVerdicts(input, port, protocol));
      }),
      { numRuns: 150 },
    );
  });

  it('a model built on pods an earlier model indexed agrees with one built on a fresh copy of them', () => {
    const otherPolicies = fc.tuple(policy(10), policy(11), policy(12)).chain((list) => fc.subarray(list));
    fc.assert(
      fc.property(clusterArb, otherPolicies, query, (input, policies, { port, protocol }) => {
        buildPolicyModel(input); // indexes the pods and caches the selectors and kinds of the first policies
        const reused = buildPolicyModel({ ...input, policies });
        const fresh = buildPolicyModel({ ...input, pods: structuredClone(input.pods), policies });
        expect(reused.classes.map((c) => [c.namespace, c.pods, c.namedPortsKey, [...c.selectorIds]])).toEqual(fresh.classes.map((c) => [c.namespace, c.pods, c.namedPortsKey, [...c.selectorIds]]));
        expect(reused.matrix({ port, protocol }).allowed).toEqual(fresh.matrix({ port, protocol }).allowed);
      }),
      { numRuns: 200 },
    );
  });

  it('a rule entry admits a port exactly when its connection set includes it', () => {
    const entry = fc.oneof(
      fc.record({ kind: fc.constant('protocol' as const), protocol: fc.constantFrom<Protocol>('TCP', 'UDP', 'SCTP'), text: fc.constant('') }),
      fc.record({ kind: fc.constant('range' as const), protocol: fc.constantFrom<Protocol>('TCP', 'UDP', 'SCTP'), from: fc.integer({ min: 0, max: 70000 }), to: fc.integer({ min: 0, max: 70000 }), text: fc.constant('') }),
      fc.record({ kind: fc.constant('named' as const), protocol: fc.constantFrom<Protocol>('TCP', 'UDP', 'SCTP'), name: fc.constantFrom('http', 'dns'), text: fc.constant('') }),
    );
    const declared = fc.option(fc.dictionary(fc.constantFrom('http', 'dns'), fc.record({ protocol: fc.constantFrom<Protocol>('TCP', 'UDP', 'SCTP'), port: fc.integer({ min: 1, max: 65535 }) })), { nil: undefined });
    fc.assert(
      fc.property(entry, declared, fc.constantFrom<Protocol>('TCP', 'UDP', 'SCTP'), fc.integer({ min: 0, max: 70000 }), (e, names, protocol, port) => {
        const destination = names ? new Map(Object.entries(names)) : undefined;
        expect(PolicyModel.portAdmits(e, destination, protocol, port)).toBe(connectionsInclude(PolicyModel.portConnections(e, destination), protocol, port));
      }),
      { numRuns: 1000 },
    );
  });

  it('a model built in steps is the model built at once, and pauses between its stages', async () => {
    await fc.assert(
      fc.asyncProperty(clusterArb, query, async (input, { port, protocol }) => {
        let pauses = 0;
        const stepped = await buildPolicyModelInSteps({ ...input, pods: structuredClone(input.pods) }, async () => {
          pauses++;
        });
        const whole = buildPolicyModel(input);
        expect(pauses).toBeGreaterThanOrEqual(3);
        expect(stepped.classes.map((c) => [c.pods, c.ingressPolicies.map((p) => p.key), c.egressPolicies.map((p) => p.key)])).toEqual(
          whole.classes.map((c) => [c.pods, c.ingressPolicies.map((p) => p.key), c.egressPolicies.map((p) => p.key)]),
        );
        expect(stepped.matrix({ port, protocol })).toEqual(whole.matrix({ port, protocol }));
      }),
      { numRuns: 100 },
    );
  });
});
