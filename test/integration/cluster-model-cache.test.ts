import { computeClusterModel, validateClusterSettings } from '@switchyard/engine';
import { settingsOf, type ClusterStore, type ObjectStore } from '@switchyard/persistence';
import { manifests, startPersistence } from '../support/persistence-under-test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterModelCache } from '../../apps/worker/src/recompute/cluster-model-cache';

const deployment = (name: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: shop }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec: { containers: [{ name: c, image: x, ports: [{ name: http, containerPort: 80 }] }] }
---
`;
const policy = (name: string, port: number) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: ${name}, namespace: shop }
spec: { podSelector: { matchLabels: { app: web } }, ingress: [{ ports: [{ port: ${port} }] }] }
---
`;

describe('the worker derives each revision from the one it kept', () => {
  let clusters: ClusterStore;
  let objects: ObjectStore;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ clusters, objects, close } = await startPersistence());
  });
  afterAll(async () => {
    await close();
  });

  it('reads only the changes, and gives what a computation from scratch gives', async () => {
    const cache = new ClusterModelCache(objects);
    const created = await clusters.create(validateClusterSettings({ name: 'derived' }, { partial: false }));
    const { id } = await clusters.find(created.name);
    const settings = settingsOf(await clusters.find(created.name));
    const steps = [
      () => objects.apply(created.name, manifests(deployment('web', 2) + deployment('api', 1) + policy('allow', 80)), { dryRun: false }),
      () => objects.apply(created.name, manifests(policy('allow', 8080)), { dryRun: false }),
      () => objects.apply(created.name, manifests(policy('other', 443)), { dryRun: false }),
      () => objects.delete(created.name, 'NetworkPolicy', 'shop', 'allow'),
      () => objects.apply(created.name, manifests(deployment('web', 3)), { dryRun: false }),
    ];
    let kept = await cache.computeAt(id, 1, settings);
    cache.keep(id, kept);
    const revisions: number[] = [];
    for (const step of steps) {
      const { revision } = await step();
      revisions.push(revision);
      const derived = await cache.computeAt(id, revision, settings);
      const fresh = computeClusterModel(await objects.snapshotAt(id, revision), settings);
      expect(derived.previous).toBeDefined();
      expect(JSON.parse(JSON.stringify(derived.model))).toEqual(JSON.parse(JSON.stringify(fresh)));
      // A policy change keeps the pods (and does not have them written again).
      if ([...derived.changedKinds!].every((kind) => kind === 'NetworkPolicy')) {
        expect(derived.model.pods).toBe(kept.model.pods);
        expect(derived.podsRevision).toBe(kept.podsRevision);
      } else {
        expect(derived.podsRevision).toBe(revision);
      }
      cache.keep(id, derived);
      kept = derived;
    }
    const changed = (await objects.changesBetween(id, 1, revisions[1]!)).map((c) => `${c.kind}/${c.name}`);
    expect(changed).toEqual(expect.arrayContaining(['Deployment/api', 'Deployment/web', 'NetworkPolicy/allow']));
    expect(await objects.changesBetween(id, revisions[2]!, revisions[3]!)).toEqual([{ kind: 'NetworkPolicy', namespace: 'shop', name: 'allow', object: null }]);
  });
});
