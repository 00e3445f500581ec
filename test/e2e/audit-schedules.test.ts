import { auditSchedulerId, JobQueue, QueueName } from '@switchyard/jobs';
import { PrismaService } from '@switchyard/persistence';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, uniqueClusterName, type ApiUnderTest } from './support/api-under-test';
import { startWorker } from './support/worker-under-test';

describe('periodic audits', () => {
  let api: ApiUnderTest;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('are scheduled per cluster with its interval, and restored by a starting worker when Redis lost them', async () => {
    const name = uniqueClusterName('schedule');
    await api.http.post('/api/v1/clusters').send({ name, auditIntervalSeconds: 120 }).expect(201);
    const { id } = await api.app.get(PrismaService).cluster.findUniqueOrThrow({ where: { name } });
    const jobs = api.app.get(JobQueue);
    const scheduler = () => jobs.queue(QueueName.ClusterAudit).getJobScheduler(auditSchedulerId(id));
    expect(await scheduler()).toMatchObject({ every: 120_000 });

    await jobs.unscheduleAudit(id);
    expect(await scheduler()).toBeFalsy();
    const worker = await startWorker();
    try {
      expect(await scheduler()).toMatchObject({ every: 120_000 });
    } finally {
      await worker.close();
    }
  });
});
