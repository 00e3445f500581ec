import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { inject } from 'vitest';
import { createApiApp } from '../../../apps/api/src/api-app';

export interface ApiUnderTest {
  app: NestFastifyApplication;
  http: ReturnType<typeof request>;
  close(): Promise<void>;
}

/** The real API on this run's throwaway database and Redis prefix, without a listening port. */
export async function startApi(overrides: { bodyLimitBytes?: number; bodyLimit?: string; queuePrefix?: string; clusterHeadMaxAgeMs?: number } = {}): Promise<ApiUnderTest> {
  const app = await createApiApp({
    databaseUrl: inject('databaseUrl'),
    redisUrl: inject('redisUrl'),
    queuePrefix: inject('queuePrefix'),
    logLevel: 'silent',
    ...overrides,
  });
  await app.init();
  // Fastify answers on its server only once its plugins are loaded.
  await app.getHttpAdapter().getInstance().ready();
  return { app, http: request(app.getHttpServer()), close: () => app.close() };
}

let counter = 0;
/** A cluster name unique within this run, so test files never see each other's data. */
export function uniqueClusterName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`.toLowerCase().slice(0, 63);
}

/** `POST /apply` of a YAML body to `cluster` (the caller states the status it expects). */
export function applyYaml(api: ApiUnderTest, cluster: string, yaml: string) {
  return api.http.post(`/api/v1/clusters/${cluster}/apply`).set('Content-Type', 'application/yaml').send(yaml);
}

/** A new cluster named after `prefix`, with `yaml` applied to it when given; resolves to its name. */
export async function createCluster(api: ApiUnderTest, prefix: string, yaml?: string): Promise<string> {
  const name = uniqueClusterName(prefix);
  await api.http.post('/api/v1/clusters').send({ name }).expect(201);
  if (yaml !== undefined) await applyYaml(api, name, yaml).expect(200);
  return name;
}

/** The API also listening on a free loopback port, for clients that need a socket (fetch streams, WebSocket). */
export async function listenOnLoopback(api: ApiUnderTest): Promise<{ port: number; close(): Promise<void> }> {
  const server = api.app.getHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
