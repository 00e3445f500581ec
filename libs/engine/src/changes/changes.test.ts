import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConnectionRow } from '../connectivity/connection-list';
import { allConnections, connectionsOf, formatConnections, type ConnectionSet } from '../connectivity/connection-set';
import { policyModelOf } from '../policy/cluster-policy-model';
import { objectsFromYaml, pod } from '../services/small-cluster.fixture';
import { computeClusterModel } from '../workloads/cluster-model';
import type { ClusterObjectInput } from '../workloads/cluster-objects';
import { applyInMemory } from './apply-in-memory';
import { diffConnections, renderConnectionDiff } from './connectivity-diff';
import { diffModels } from './model-diff';

const row = (src: string, dst: string, connections: ConnectionSet): ConnectionRow => ({ src, dst, conn: formatConnections(connections), connections });
const A = 'default/a[Deployment]';
const B = 'default/b[Deployment]';
const C = 'default/c[Deployment]';

describe('diffConnections / renderConnectionDiff (the peer diff format)', () => {
  const before = [row(A, B, connectionsOf('TCP', 8080, 8080)), row(B, A, allConnections()), row('0.0.0.0-255.255.255.255[External]', A, allConnections())];
  const after = [row(A, B, connectionsOf('TCP', 9090, 9090)), row(A, C, allConnections()), row('0.0.0.0-127.255.255.255[External]', A, allConnections())];
  const rows = diffConnections(before, after, { beforeWorkloads: [A, B], afterWorkloads: [A, B, C] });

  it('changed, added, removed, with workload info and common external ranges', () => {
    expect(rows.map((r) => [r.type, r.source, r.destination, r.old, r.new, r.workloadsInfo])).toEqual([
      ['changed', A, B, 'TCP 8080', 'TCP 9090', undefined],
      ['added', A, C, 'No Connections', 'All Connections', `workload ${C} added`],
      ['removed', '128.0.0.0-255.255.255.255[External]', A, 'All Connections', 'No Connections', undefined],
      ['removed', B, A, 'All Connections', 'No Connections', undefined],
    ]);
  });

  it('renders txt, csv and md exactly as the peer', () => {
    expect(renderConnectionDiff(rows, 'txt').split('\n').slice(0, 3)).toEqual([
      'Connectivity diff:',
      `diff-type: changed, source: ${A}, destination: ${B}, ref1: TCP 8080, ref2: TCP 9090`,
      `diff-type: added, source: ${A}, destination: ${C}, ref1: No Connections, ref2: All Connections, workloads-diff-info: workload ${C} added`,
    ]);
    expect(renderConnectionDiff(rows, 'csv').split('\n').slice(0, 2)).toEqual(['diff-type,source,destination,ref1,ref2,workloads-diff-info', `changed,${A},${B},TCP 8080,TCP 9090,`]);
    expect(renderConnectionDiff([{ ...rows[0]!, new: 'TCP 80,90' }], 'csv')).toContain('"TCP 80,90"');
    expect(renderConnectionDiff(rows, 'md', { labels: ['old', 'new'] }).split('\n').slice(0, 3)).toEqual([
      '| diff-type | source | destination | old | new | workloads-diff-info |',
      '|-----------|--------|-------------|------|------|---------------------|',
      `| changed | ${A} | ${B} | TCP 8080 | TCP 9090 |  |`,
    ]);
    expect(JSON.parse(renderConnectionDiff(rows, 'json'))[0]).toMatchObject({ 'diff-type': 'changed', ref1: 'TCP 8080', ref2: 'TCP 9090' });
    expect(renderConnectionDiff([], 'txt')).toBe('');
  });

  it('both workloads new: "workload X and Y added"', () => {
    const [d] = diffConnections([], [row(B, C, allConnections())], { beforeWorkloads: [A], afterWorkloads: [A, B, C] });
    expect(d!.workloadsInfo).toBe(`workload ${B} and ${C} added`);
  });
});

const obj = (kind: string, name: string, namespace?: string, spec: unknown = {}): ClusterObjectInput => ({ apiVersion: 'v1', kind, metadata: { name, ...(namespace ? { namespace } : {}) }, spec });

describe('diffConnections walks both sides in order', () => {
  // Workload rows only (no external ranges): the reference keys rows by (source, destination).
  const names = ['a/x[Deployment]', 'a/y[Deployment]', 'b/z[StatefulSet]', 'c/w[DaemonSet]'];
  const conns = [allConnections(), connectionsOf('TCP', 80, 80), connectionsOf('UDP', 53, 53)];
  const rowArb = fc.record({ src: fc.constantFrom(...names), dst: fc.constantFrom(...names), c: fc.integer({ min: 0, max: conns.length - 1 }) }).map(({ src, dst, c }) => row(src, dst, conns[c]!));

  function reference(before: ConnectionRow[], after: ConnectionRow[]) {
    const key = (r: ConnectionRow) => `${r.src}\u0000${r.dst}`;
    const b = new Map(before.map((r) => [key(r), r]));
    const a = new Map(after.map((r) => [key(r), r]));
    const out: Array<[string, string, string, string]> = [];
    for (const [k, x] of b) {
      const y = a.get(k);
      if (!y) out.push(['removed', x.src, x.dst, x.conn]);
      else if (y.conn !== x.conn) out.push(['changed', x.src, x.dst, `${x.conn}>${y.conn}`]);
    }
    for (const [k, y] of a) if (!b.has(k)) out.push(['added', y.src, y.dst, y.conn]);
    return out.sort();
  }

  it('finds what a keyed comparison finds, duplicates included (the last row of a pair counts)', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 20 }), fc.array(rowArb, { maxLength: 20 }), (before, after) => {
        const got = diffConnections(before, after).map((d): [string, string, string, string] => [
          d.type,
          d.source,
          d.destination,
          d.type === 'changed' ? `${d.old}>${d.new}` : d.type === 'added' ? d.new : d.old,
        ]);
        expect(got.sort()).toEqual(reference(before, after));
      }),
      { numRuns: 300 },
    );
  });
});

describe('applyInMemory', () => {
  const objects = [obj('Namespace', 'shop'), obj('Pod', 'web', 'shop', { v: 1 }), obj('Pod', 'web', 'default'), obj('Service', 'api', 'shop'), obj('Pod', 'x')];

  it('replaces by kind/namespace/name and appends new objects', () => {
    const out = applyInMemory(objects, { apply: [obj('Pod', 'web', 'shop', { v: 2 }), obj('Pod', 'db', 'shop')], delete: [] });
    expect(out).toHaveLength(6);
    expect(out[1]!.spec).toEqual({ v: 2 });
    expect(out[5]!.metadata.name).toBe('db');
  });

  it('deletes; a missing namespace means default', () => {
    const out = applyInMemory(objects, { apply: [], delete: [{ kind: 'Pod', name: 'x' }, { kind: 'Service', namespace: 'shop', name: 'api' }] });
    expect(out.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual(['Namespace//shop', 'Pod/shop/web', 'Pod/default/web']);
  });

  it('deleting a Namespace deletes its contents, not other namespaces; the input is not modified', () => {
    const out = applyInMemory(objects, { apply: [], delete: [{ kind: 'Namespace', name: 'shop' }] });
    expect(out.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Pod/web', 'Pod/x']);
    expect(objects).toHaveLength(5);
  });
});

describe('diffModels', () => {
  const SETTINGS = { podCidr: '10.244.0.0/16', serviceCidr: '10.96.0.0/12', clusterDomain: 'cluster.local', cni: 'calico' };
  const base =
    `apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec:
  clusterIP: 10.96.0.20
  selector: { app: api }
  ports: [{ name: http, port: 80, targetPort: 8080 }]
---
` + pod('shop', 'api-1', { app: 'api' }, '10.244.1.11', 'node-a', [{ port: 8080 }]) + pod('shop', 'web', { app: 'web' }, '10.244.1.10', 'node-a', [{ port: 80 }]);
  const side = (objects: ClusterObjectInput[]) => {
    const clusterModel = computeClusterModel(objects, SETTINGS);
    return { clusterModel, policy: policyModelOf(clusterModel, SETTINGS) };
  };

  it('reports connectivity, route and DNS changes of a what-if', () => {
    const objects = objectsFromYaml(base);
    const change = applyInMemory(objects, {
      apply: objectsFromYaml(
        pod('shop', 'api-2', { app: 'api' }, '10.244.1.12', 'node-a', [{ port: 8080 }]) +
          `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  policyTypes: [Ingress]
`,
      ),
      delete: [],
    });
    const d = diffModels(side(objects), side(change), SETTINGS);
    expect(d.routes).toEqual([
      { service: 'shop/api', port: 'http/TCP', change: 'changed', old: '10.96.0.20:80/TCP -> 10.244.1.11:8080', new: '10.96.0.20:80/TCP -> 10.244.1.11:8080, 10.244.1.12:8080' },
    ]);
    expect(d.dns).toContainEqual({ name: '10-244-1-12.shop.pod.cluster.local', type: 'A', change: 'added', new: ['10.244.1.12'] });
    expect(d.connectivity.find((c) => c.source === 'shop/web[Pod]' && c.destination === 'shop/api-1[Pod]')).toMatchObject({ type: 'removed', old: 'All Connections' });
    expect(d.connectivity.find((c) => c.destination === 'shop/api-2[Pod]' && c.source === 'shop/web[Pod]')).toBeUndefined();
    expect(d.connectivity.find((c) => c.source === 'shop/api-2[Pod]' && c.destination === 'shop/web[Pod]')).toMatchObject({ type: 'added', workloadsInfo: 'workload shop/api-2[Pod] added' });
  });

  it('a service deleted: its route and its records go', () => {
    const objects = objectsFromYaml(base);
    const d = diffModels(side(objects), side(applyInMemory(objects, { apply: [], delete: [{ kind: 'Service', namespace: 'shop', name: 'api' }] })), SETTINGS);
    expect(d.routes).toEqual([{ service: 'shop/api', port: 'http/TCP', change: 'removed', old: '10.96.0.20:80/TCP -> 10.244.1.11:8080' }]);
    expect(d.dns.filter((r) => r.name === 'api.shop.svc.cluster.local')).toEqual([{ name: 'api.shop.svc.cluster.local', type: 'A', change: 'removed', old: ['10.96.0.20'] }]);
    expect(d.connectivity).toEqual([]);
  });
});
