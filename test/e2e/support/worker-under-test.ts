import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { inject } from 'vitest';
import { WorkerModule } from '../../../apps/worker/src/worker.module';
import type { ApiUnderTest } from './api-under-test';

/** The real worker, in this process, on this run's database and Redis prefix. */
export async function startWorker(): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(
    WorkerModule.forRoot({
      databaseUrl: inject('databaseUrl'),
      redisUrl: inject('redisUrl'),
      queuePrefix: inject('queuePrefix'),
      logLevel: 'silent',
    }),
    { logger: false },
  );
  await app.init();
  return app;
}

/** Polls until `check` holds or the time runs out (then fails with the last value seen). */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!check(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await read();
  }
  return last;
}

/** Polls the cluster until the worker has computed its latest revision; resolves to the cluster as the API shows it. */
export function untilComputed(api: ApiUnderTest, cluster: string) {
  return eventually(
    async () => (await api.http.get(`/api/v1/clusters/${cluster}`).expect(200)).body,
    (c) => c.computeState === 'ready' && c.computedRevision === c.revision,
  );
}
