import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { computeClusterModel } from '@switchyard/engine';
import { JobName, JobQueue } from '@switchyard/jobs';
import { clusterModelOf, ObjectStore, PrismaService, settingsOf } from '@switchyard/persistence';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyYaml, createCluster, startApi, type ApiUnderTest } from './support/api-under-test';
import { eventually } from './support/worker-under-test';

const WORKER_MAIN = path.resolve(__dirname, '../../dist/apps/worker/apps/worker/src/main.js');
/** A queue of its own: jobs other test files left behind must not reach the paused worker first. */
const queuePrefix = () => `${inject('queuePrefix')}:crash`;

/** The built worker as its own process, so the test can kill it like a crash would. */
function spawnWorker(extraEnv: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [WORKER_MAIN], {
    env: {
      ...process.env,
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      QUEUE_PREFIX: queuePrefix(),
      JOB_LOCK_DURATION_MS: '1000',
      LOG_LEVEL: 'warn',
      ...extraEnv,
    },
    stdio: 'ignore',
  });
}

describe.runIf(existsSync(WORKER_MAIN))('a worker killed mid-job', () => {
  let api: ApiUnderTest;
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    api = await startApi({ queuePrefix: queuePrefix() });
  });
  afterAll(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    await api.close();
  });

  it('leaves no half-written snapshot, and another worker converges to the same result', async () => {
    const name = await createCluster(api, 'crash');
    const applied = await applyYaml(api, name, 'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: { name: db, namespace: data }\nspec:\n  replicas: 3\n  serviceName: db\n  selector: { matchLabels: { app: db } }\n  template:\n    metadata: { labels: { app: db } }\n    spec: { containers: [{ name: db, image: pg, ports: [{ name: pg, containerPort: 5432 }] }] }\n').expect(200);
    const prisma = api.app.get(PrismaService);
    const state = async () => prisma.cluster.findUniqueOrThrow({ where: { name }, include: { snapshot: true } });

    // The first worker computes, then pauses before storing (fault injection): kill it there.
    const doomed = spawnWorker({ RECOMPUTE_PAUSE_MS: '60000' });
    workers.push(doomed);
    await eventually(state, (c) => c.computeState === 'computing', 30_000);
    doomed.kill('SIGKILL');
    await new Promise((resolve) => doomed.once('exit', resolve));
    const afterCrash = await state();
    expect(afterCrash.snapshot).toBeNull();
    expect(afterCrash.computedRevision).toBe(0);

    // A healthy worker takes the job over once the dead one's lock lapses.
    workers.push(spawnWorker({}));
    const done = await eventually(state, (c) => c.computeState === 'ready' && c.computedRevision === applied.body.revision, 30_000);
    const objects = await api.app.get(ObjectStore).snapshotAt(done.id, applied.body.revision);
    expect(done.snapshot!.revision).toBe(applied.body.revision);
    expect(clusterModelOf(done.snapshot!)).toEqual(JSON.parse(JSON.stringify(computeClusterModel(objects, settingsOf(done)))));
    // The connection list follows the snapshot, for the same revision.
    await eventually(() => prisma.clusterConnections.findUnique({ where: { clusterId: done.id }, select: { revision: true } }), (c) => c?.revision === applied.body.revision, 30_000);

    // A duplicate or late job changes nothing; a forced one recomputes the same snapshot.
    await api.app.get(JobQueue).enqueue(JobName.RecomputeCluster, { clusterId: done.id });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const again = await state();
    expect(again.snapshot!.computedAt).toEqual(done.snapshot!.computedAt);
    expect(again.computeState).toBe('ready');
    await api.http.post(`/api/v1/clusters/${name}/recompute`).expect(202);
    const forced = await eventually(state, (c) => c.snapshot!.computedAt.getTime() !== done.snapshot!.computedAt.getTime(), 30_000);
    expect(clusterModelOf(forced.snapshot!)).toEqual(clusterModelOf(done.snapshot!));
    expect(forced.computedRevision).toBe(applied.body.revision);
  }, 90_000);
});
