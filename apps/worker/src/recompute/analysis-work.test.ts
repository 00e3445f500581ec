import { computeClusterModel, connectionList, decodeConnectionList, diffConnections, encodeConnectionList, parseManifestBody, policyModelOf, toClusterObjectInput, validateManifests } from '@switchyard/engine';
import { describe, expect, it } from 'vitest';
import { AnalysisThread } from './analysis-thread-client';
import { AnalysisWork } from './analysis-work';

const SETTINGS = { podCidr: '10.244.0.0/16', serviceCidr: '10.96.0.0/12', clusterDomain: 'cluster.local', cni: 'calico' as const, ingressControllers: [] };
const PODS = `
apiVersion: v1
kind: Pod
metadata: { name: web, namespace: shop, labels: { app: web } }
spec: { containers: [{ name: c, image: x, ports: [{ containerPort: 80 }] }] }
status: { podIP: 10.244.1.10 }
---
apiVersion: v1
kind: Pod
metadata: { name: api, namespace: shop, labels: { app: api } }
spec: { containers: [{ name: c, image: x, ports: [{ containerPort: 8080 }] }] }
status: { podIP: 10.244.1.11 }
`;
const DENY = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny, namespace: shop }
spec: { podSelector: { matchLabels: { app: api } }, policyTypes: [Ingress] }
`;

const modelOf = (yaml: string) => computeClusterModel(validateManifests(parseManifestBody(yaml, 'yaml'), { fieldValidation: 'Warn' }).objects.map(toClusterObjectInput), SETTINGS);
const rowsOf = (yaml: string) => connectionList(policyModelOf(modelOf(yaml), SETTINGS), { clusterModel: modelOf(yaml), ingressControllers: [] });

describe('AnalysisWork', () => {
  it('diffs each list against the one before, as diffConnections does', () => {
    const work = new AnalysisWork();
    const first = work.run({ kind: 'connectivity' as const, clusterId: 'c', revision: 1, model: modelOf(PODS), settings: SETTINGS });
    expect(first).toMatchObject({ count: 0, total: rowsOf(PODS).length });
    const second = work.run({ kind: 'connectivity' as const, clusterId: 'c', revision: 2, model: modelOf(PODS + DENY), settings: SETTINGS, baseRevision: 1 });
    const expected = diffConnections(rowsOf(PODS), rowsOf(PODS + DENY));
    expect(expected.length).toBeGreaterThan(0);
    expect(second).toMatchObject({ count: expected.length, changes: JSON.parse(JSON.stringify(expected)) });
    expect(decodeConnectionList(JSON.parse((second as { json: string }).json))).toEqual(JSON.parse(JSON.stringify(rowsOf(PODS + DENY))));
  });

  it('asks for the stored list when it does not hold that revision, then uses it', () => {
    const work = new AnalysisWork();
    const request = { kind: 'connectivity' as const, clusterId: 'c', revision: 2, model: modelOf(PODS + DENY), settings: SETTINGS, baseRevision: 1 };
    expect(work.run(request)).toEqual({ needBase: true });
    const answered = work.run({ ...request, baseJson: JSON.stringify(encodeConnectionList(rowsOf(PODS))) });
    expect(answered).toMatchObject({ count: diffConnections(rowsOf(PODS), rowsOf(PODS + DENY)).length });
  });
});

describe('AnalysisWork with an omitted list', () => {
  it('diffs nothing against a list stored only by its size', () => {
    const work = new AnalysisWork();
    const result = work.run({ kind: 'connectivity', clusterId: 'c', revision: 2, model: modelOf(PODS + DENY), settings: SETTINGS, baseRevision: 1, baseJson: JSON.stringify({ format: 'omitted', rows: 9_000_000 }) });
    expect(result).toMatchObject({ count: 0, total: rowsOf(PODS + DENY).length });
  });
});

describe('AnalysisWork with too many workloads for a whole list', () => {
  it('does not make the list, and stores only the number of pairs', () => {
    const pods = Array.from({ length: 5001 }, (_, i) => ({
      namespace: 'many',
      name: `p-${i}`,
      labels: { app: `a-${i}` },
      ips: [`10.${Math.floor(i / 65536) + 1}.${Math.floor(i / 256) % 256}.${i % 256}`],
      owner: { kind: 'Deployment', name: `d-${i}` },
      containerPorts: [],
    }));
    const model = { ...modelOf(''), pods: pods as unknown as ReturnType<typeof modelOf>['pods'] };
    const result = new AnalysisWork().run({ kind: 'connectivity', clusterId: 'c', revision: 1, model, settings: SETTINGS });
    expect(result).toMatchObject({ total: 0, count: 0 });
    expect(JSON.parse((result as { json: string }).json)).toEqual({ format: 'omitted', workloadPairs: 5001 * 5001 });
  });
});

describe('AnalysisThread', () => {
  it('runs the work in a worker thread and reports its errors', async () => {
    const thread = new AnalysisThread();
    try {
      await expect(thread.run({ kind: 'connectivity' as const, clusterId: 'c', revision: 1, model: modelOf(PODS), settings: SETTINGS })).resolves.toMatchObject({ total: rowsOf(PODS).length });
      await expect(thread.run({ kind: 'connectivity' as const, clusterId: 'c', revision: 2, model: { pods: null } as never, settings: SETTINGS })).rejects.toThrow();
      const objects = validateManifests(parseManifestBody(PODS, 'yaml'), { fieldValidation: 'Warn' }).objects.map(toClusterObjectInput);
      const findings = await thread.run({ kind: 'audit', clusterId: 'c', revision: 1, model: modelOf(PODS), objects, settings: { ...SETTINGS, nodePortRange: '30000-32767' } });
      expect(findings.map((f) => f.rule)).toContain('namespace-without-default-deny');
    } finally {
      await thread.onModuleDestroy();
    }
  });
});
