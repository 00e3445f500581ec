import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { inject } from 'vitest';
import { createApiApp } from '../../../apps/api/src/api-app';

export interface ApiUnderTest {
  app: INestApplication;
  http: ReturnType<typeof request>;
  close(): Promise<void>;
}

/** The real API on this run's throwaway database and Redis prefix, without a listening port. */
export async function startApi(overrides: { bodyLimitBytes?: number; bodyLimit?: string; queuePrefix?: string } = {}): Promise<ApiUnderTest> {
  const app = await createApiApp({
    databaseUrl: inject('databaseUrl'),
    redisUrl: inject('redisUrl'),
    queuePrefix: inject('queuePrefix'),
    logLevel: 'silent',
    ...overrides,
  });
  await app.init();
  return { app, http: request(app.getHttpServer()), close: () => app.close() };
}

let counter = 0;
/** A cluster name unique within this run, so test files never see each other's data. */
export function uniqueClusterName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`.toLowerCase().slice(0, 63);
}
