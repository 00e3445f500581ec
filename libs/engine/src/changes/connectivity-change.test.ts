import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { connectionList } from '../connectivity/connection-list';
import { workloadName } from '../workloads/pods-from-workloads';
import { clusterArb, NAMESPACES, podArb, policy as policyArb } from '../connectivity/policy-cluster.arbitrary';
import { policyModelOf } from '../policy/cluster-policy-model';
import type { NetworkPolicyInput } from '../policy/compiled-policies';
import type { ClusterModel } from '../workloads/cluster-model';
import type { ModelPod } from '../workloads/pods-from-workloads';
import { deepEqualJson } from '../manifests/stable-json';
import { changedWorkloads, connectivityChange, sameJson, type ConnectivitySide } from './connectivity-change';
import { diffConnections } from './connectivity-diff';

const SETTINGS = { cni: 'calico' };

function side(pods: ModelPod[], namespaces: readonly { name: string; labels: Record<string, string> }[], policies: NetworkPolicyInput[]): ConnectivitySide {
  const clusterModel: ClusterModel = { pods, namespaces: [...namespaces], policies, services: [], endpoints: [], nodes: [] };
  return { clusterModel, policy: policyModelOf(clusterModel, SETTINGS) };
}

/** The reference: both full connection lists, diffed. */
function fullDiff(before: ConnectivitySide, after: ConnectivitySide) {
  return diffConnections(connectionList(before.policy, { clusterModel: before.clusterModel }), connectionList(after.policy, { clusterModel: after.clusterModel }), {
    beforeWorkloads: before.clusterModel.pods.map(workloadName),
    afterWorkloads: after.clusterModel.pods.map(workloadName),
  });
}

/**
 * A change to a random cluster: policies kept, deleted, rewritten or added; namespace labels
 * kept or changed; pods kept as the very same list (what a policy-only what-if gives) or edited.
 */
const changeArb = clusterArb.chain((input) =>
  fc.record({
    input: fc.constant(input),
    policyEdits: fc.array(fc.constantFrom('keep', 'keep', 'delete', 'rewrite'), { minLength: input.policies.length, maxLength: input.policies.length }),
    rewrites: fc.array(policyArb(0), { minLength: input.policies.length, maxLength: input.policies.length }),
    added: fc.array(policyArb(0), { maxLength: 2 }),
    namespaces: fc.oneof(
      fc.constant(undefined),
      fc.constant([{ name: 'a', labels: { env: 'qa' } }]),
      fc.constant([{ name: 'a', labels: { env: input.namespaces[0]!.labels.env! } }, { name: 'b', labels: { env: 'prod' } }]),
    ),
    pods: fc.oneof(
      { weight: 3, arbitrary: fc.constant(undefined) },
      {
        weight: 2,
        arbitrary: fc.record({
          drop: fc.subarray(input.pods.map((_, i) => i)),
          relabel: fc.subarray(input.pods.map((_, i) => i), { maxLength: Math.min(2, input.pods.length) }),
          reown: fc.subarray(input.pods.map((_, i) => i), { maxLength: Math.min(1, input.pods.length) }),
          add: fc.array(podArb(20), { maxLength: 1 }),
        }),
      },
    ),
  }),
);

type Change = typeof changeArb extends fc.Arbitrary<infer T> ? T : never;

function applyChange(change: Change) {
  const { input } = change;
  const beforePods = [...input.pods];
  const before = side(beforePods, input.namespaces, input.policies);
  const policies: NetworkPolicyInput[] = [];
  input.policies.forEach((p, i) => {
    const edit = change.policyEdits[i];
    if (edit === 'keep') policies.push(p);
    else if (edit === 'rewrite') policies.push({ namespace: p.namespace, name: p.name, spec: change.rewrites[i]!.spec });
  });
  change.added.forEach((p, i) => policies.push({ namespace: p.namespace, name: `added-${i}`, spec: p.spec }));
  let pods = beforePods;
  if (change.pods) {
    const edit = change.pods;
    pods = beforePods
      .filter((_, i) => !edit.drop.includes(i))
      .map((p) => (edit.relabel.includes(beforePods.indexOf(p)) ? { ...p, labels: { ...p.labels, app: p.labels.app === 'x' ? 'y' : 'x' } } : p))
      .map((p, i) => (edit.reown.includes(i) ? { ...p, owner: { ...p.owner, name: 'w5' } } : p));
    pods.push(...edit.add.filter((p) => !pods.some((q) => q.namespace === p.namespace && q.name === p.name)));
  }
  const after = side(pods, change.namespaces ?? input.namespaces, policies);
  return { before, after };
}

describe('connectivityChange', () => {
  it('gives exactly the diff of the two full connection lists', () => {
    let incremental = 0;
    fc.assert(
      fc.property(changeArb, (change) => {
        const { before, after } = applyChange(change);
        if (changedWorkloads(before, after)) incremental++;
        expect(connectivityChange(before, after)).toEqual(fullDiff(before, after));
      }),
      { numRuns: 600 },
    );
    // Most changes take the incremental way (only an IPv6 family appearing or vanishing does not).
    expect(incremental).toBeGreaterThan(300);
  });

  it('a changed policy names only the workloads it selects', () => {
    const pod = (ns: string, owner: string, app: string, i: number): ModelPod => ({
      namespace: ns,
      name: `${owner}-${i}`,
      labels: { app },
      ips: [`10.0.0.${i + 1}`],
      containerPorts: [],
      owner: { kind: 'Deployment', name: owner },
      ready: true,
      fromTemplate: true,
    });
    const pods = [pod('a', 'web', 'web', 0), pod('a', 'api', 'api', 1), pod('b', 'db', 'db', 2)];
    const deny = (name: string, app: string): NetworkPolicyInput => ({ namespace: 'a', name, spec: { podSelector: { matchLabels: { app } }, policyTypes: ['Ingress'] } });
    const namespaces = NAMESPACES.map((name) => ({ name, labels: {} }));
    const before = side(pods, namespaces, [deny('deny-web', 'web')]);
    const after = side(pods, namespaces, [deny('deny-web', 'web'), deny('deny-api', 'api')]);
    expect(changedWorkloads(before, after)).toEqual(new Set(['a/api[Deployment]']));
    expect(connectivityChange(before, after).map((d) => `${d.type} ${d.source} -> ${d.destination}`)).toEqual([
      'removed 0.0.0.0-255.255.255.255[External] -> a/api[Deployment]',
      'removed a/web[Deployment] -> a/api[Deployment]',
      'removed b/db[Deployment] -> a/api[Deployment]',
    ]);
    // Nothing changed: no row is built.
    expect(changedWorkloads(after, side(pods, namespaces, after.clusterModel.policies))).toEqual(new Set());
  });
});

describe('sameJson', () => {
  it('judges as deepEqualJson does', () => {
    const value = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom(0, 1, 'a', 'b', true, null, undefined),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('k', 'l', 'm'), tie('value'), { maxKeys: 3 }),
      ),
    })).value;
    fc.assert(
      fc.property(value, value, (a, b) => {
        expect(sameJson(a, b)).toBe(deepEqualJson(a, b));
        expect(sameJson(a, structuredClone(a))).toBe(true);
      }),
      { numRuns: 2000 },
    );
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
  });
});
