import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPolicyModel } from '../policy/policy-model';
import type { ModelPod } from '../workloads/pods-from-workloads';
import { connectionList, type ConnectionRow } from './connection-list';
import { clusterArb, NAMESPACES } from './policy-cluster.arbitrary';
import { workloadConnectionRows } from './workload-connections';

/** workloadConnectionRows must give exactly the workload rows of connectionList (the reference, pair by pair). */
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

  it('with a set of focused workloads, gives the rows of connectionList that name one of them', () => {
    const WORKLOADS = NAMESPACES.flatMap((ns) => ['w1', 'w2', 'w3', 'w4'].flatMap((w) => [`${ns}/${w}[Deployment]`, `${ns}/${w}[StatefulSet]`]));
    fc.assert(
      fc.property(clusterArb, fc.subarray(WORKLOADS), (input, names) => {
        const model = buildPolicyModel(input);
        const focusWorkloads = new Set(names);
        const expected = connectionList(model).filter((r) => focusWorkloads.has(r.src) || focusWorkloads.has(r.dst));
        expect(plain(workloadConnectionRows(model, { focusWorkloads }))).toEqual(plain(expected));
      }),
      { numRuns: 300 },
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
