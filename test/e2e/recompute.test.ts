import type { INestApplicationContext } from '@nestjs/common';
import { JobQueue, QueueName } from '@switchyard/jobs';
import { PrismaService } from '@switchyard/persistence';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyYaml, createCluster, startApi, uniqueClusterName, type ApiUnderTest } from './support/api-under-test';
import { eventually, startWorker } from './support/worker-under-test';
import { ClusterHeads } from '../../apps/api/src/reachability/cluster-heads';
import { PolicySnapshots } from '../../apps/api/src/reachability/policy-snapshots';

const DEPLOYMENT = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: nginx, ports: [{ name: http, containerPort: 80 }] }] }
`;

describe('every change is recomputed by the worker', () => {
  let api: ApiUnderTest;
  let worker: INestApplicationContext;
  beforeAll(async () => {
    api = await startApi();
    worker = await startWorker();
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  const clusterState = async (name: string) => (await api.http.get(`/api/v1/clusters/${name}`).expect(200)).body;

  it('computes the snapshot of the latest revision and marks the cluster ready', async () => {
    const name = uniqueClusterName('compute');
    await api.http.post('/api/v1/clusters').send({ name }).expect(201);
    const applied = await api.http.post(`/api/v1/clusters/${name}/apply`).set('Content-Type', 'application/yaml').send(DEPLOYMENT(3)).expect(200);
    const ready = await eventually(() => clusterState(name), (c) => c.computeState === 'ready' && c.computedRevision === applied.body.revision);
    expect(ready.computeError).toBeNull();
    const prisma = api.app.get(PrismaService);
    const cluster = await prisma.cluster.findUniqueOrThrow({ where: { name }, include: { snapshot: true } });
    const pods = cluster.snapshot!.pods as Array<{ owner: { kind: string; name: string }; ips: string[] }>;
    expect(pods).toHaveLength(3);
    expect(pods.every((p) => p.owner.kind === 'Deployment' && p.owner.name === 'web' && p.ips[0]!.startsWith('10.244.'))).toBe(true);
  });

  it('a burst of changes gives few computations, ending at the latest revision', async () => {
    const name = uniqueClusterName('burst');
    await api.http.post('/api/v1/clusters').send({ name }).expect(201);
    const responses = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        api.http.post(`/api/v1/clusters/${name}/apply`).set('Content-Type', 'application/yaml').send(DEPLOYMENT(i + 1)).expect(200),
      ),
    );
    const last = Math.max(...responses.map((r) => r.body.revision));
    const stored = await api.http.get(`/api/v1/clusters/${name}/objects/deploy/shop/web`).expect(200);
    const state = await eventually(() => clusterState(name), (c) => c.computeState === 'ready' && c.computedRevision === last);
    expect(state.revision).toBe(last);
    const prisma = api.app.get(PrismaService);
    const snapshot = await prisma.clusterSnapshot.findFirstOrThrow({ where: { cluster: { name } } });
    // The snapshot reflects the last write that landed, whichever of the concurrent ones it was.
    expect(snapshot.pods as unknown[]).toHaveLength(stored.body.spec.replicas);
    const { id } = await prisma.cluster.findUniqueOrThrow({ where: { name } });
    const completed = await api.app.get(JobQueue).queue(QueueName.ClusterCompute).getCompleted(0, 500);
    const computations = completed.filter((job) => job.data.clusterId === id && 'revision' in (job.returnvalue ?? {}));
    // 26 changes (create + 25 applies); deduplication keeps at most one waiting job per cluster.
    expect(computations.length).toBeGreaterThan(0);
    expect(computations.length).toBeLessThanOrEqual(13);
  });

  it('answers know the current snapshot from the database notices, and follow each change and deletion', async () => {
    const name = await createCluster(api, 'heads');
    const heads = api.app.get(ClusterHeads);
    const applied = await applyYaml(api, name, DEPLOYMENT(1)).expect(200);
    // The head arrives by notice (no query needed), up to the computed revision.
    const head = await eventually(async () => heads.get(name), (h) => h?.computedRevision === applied.body.revision);
    expect(head).toMatchObject({ name, revision: applied.body.revision, computeState: 'ready' });
    const answer = (await api.http.get(`/api/v1/clusters/${name}/reachability`).query({ from: 'deploy/shop/web', to: 'deploy/shop/web', port: '80' }).expect(200)).body;
    expect(answer.revision).toBe(applied.body.revision);

    const scaled = await applyYaml(api, name, DEPLOYMENT(2)).expect(200);
    await eventually(async () => heads.get(name), (h) => h?.computedRevision === scaled.body.revision);
    const next = (await api.http.get(`/api/v1/clusters/${name}/reachability`).query({ from: 'deploy/shop/web', to: 'deploy/shop/web', port: '80' }).expect(200)).body;
    expect(next.revision).toBe(scaled.body.revision);

    await api.http.delete(`/api/v1/clusters/${name}`).expect(204);
    await eventually(async () => heads.get(name), (h) => h === undefined);
    await api.http.get(`/api/v1/clusters/${name}/reachability`).query({ from: 'deploy/shop/web', to: 'deploy/shop/web', port: '80' }).expect(404);
  });
});

describe('a head older than its maximum age', () => {
  const MAX_AGE_MS = 200;
  let api: ApiUnderTest;
  let worker: INestApplicationContext;
  beforeAll(async () => {
    api = await startApi({ clusterHeadMaxAgeMs: MAX_AGE_MS });
    worker = await startWorker();
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  it('keeps answering from it while one shared read refreshes it', async () => {
    const name = await createCluster(api, 'stale-head');
    const applied = await applyYaml(api, name, DEPLOYMENT(1)).expect(200);
    await eventually(async () => api.app.get(ClusterHeads).get(name), (h) => h?.computedRevision === applied.body.revision);
    const ask = () => api.http.get(`/api/v1/clusters/${name}/reachability`).query({ from: 'deploy/shop/web', to: 'deploy/shop/web', port: '80' });
    await ask().expect(200);
    const reads = async () => {
      const metrics = (await api.http.get('/metrics').expect(200)).text;
      return Number(/^switchyard_cluster_head_reads_total (\d+)$/m.exec(metrics)?.[1]);
    };

    await new Promise((resolve) => setTimeout(resolve, MAX_AGE_MS * 2)); // no change meanwhile: no notice
    expect(api.app.get(ClusterHeads).get(name)).toBeUndefined(); // too old to trust as current
    const before = await reads();
    // Thirty answers at once, as the controllers ask for them: one read between them.
    const loaded = await Promise.all(Array.from({ length: 30 }, () => api.app.get(PolicySnapshots).load(name)));
    expect(loaded.map((snapshot) => snapshot.revision)).toEqual(loaded.map(() => applied.body.revision));
    expect((await reads()) - before).toBe(1);
    await ask().expect(200);
    expect(api.app.get(ClusterHeads).lastKnown(name)).toMatchObject({ revision: applied.body.revision, computedRevision: applied.body.revision });
  });
});
