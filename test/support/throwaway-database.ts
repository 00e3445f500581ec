/**
 * Vitest globalSetup: one throwaway database (and Redis key prefix) per test project and run.
 *
 * - Server: TEST_DATABASE_URL, else DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/postgres.
 * - Creates `switchyard_test_<random>` there and applies the Prisma migrations to it.
 * - Provides `databaseUrl`, `redisUrl` (TEST_REDIS_URL / REDIS_URL / redis://127.0.0.1:6379) and a
 *   unique `queuePrefix` (`sy-test-<random>`) through `inject()`, and sets DATABASE_URL, REDIS_URL and
 *   QUEUE_PREFIX for the project's test workers.
 * - Teardown drops the database (WITH (FORCE)) and deletes the Redis keys `<queuePrefix>:*`.
 *
 * Several projects (integration, e2e) each run this setup in the same main process, one after the
 * other: each gets its own database. The values also go into `project.config.env`, which Vitest
 * layers over process.env for that project's workers, so each project's workers see their own.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import type { TestProject } from 'vitest/node';

const repoRoot = path.resolve(__dirname, '../..');

// The server URL is decided once per Vitest process: a setup that ran before us (another project)
// has already pointed process.env.DATABASE_URL at its own throwaway database.
const BASE_URL_KEY = Symbol.for('switchyard.test.baseDatabaseUrl');
const BASE_REDIS_KEY = Symbol.for('switchyard.test.baseRedisUrl');
const ORIGINAL_ENV_KEY = Symbol.for('switchyard.test.originalDatabaseUrl');
type Globals = typeof globalThis & {
  [BASE_URL_KEY]?: string;
  [BASE_REDIS_KEY]?: string;
  [ORIGINAL_ENV_KEY]?: { value: string | undefined };
};
const globals = globalThis as Globals;

function baseDatabaseUrl(): string {
  globals[BASE_URL_KEY] ??=
    process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
  return globals[BASE_URL_KEY];
}

function baseRedisUrl(): string {
  globals[BASE_REDIS_KEY] ??= process.env.TEST_REDIS_URL || process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  return globals[BASE_REDIS_KEY];
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** Connects to the server of `url`: to its database, or to `postgres` when that one does not exist. */
async function connectAdmin(url: string): Promise<Client> {
  const attempt = async (connectionString: string) => {
    const client = new Client({ connectionString, connectionTimeoutMillis: 5000 });
    client.on('error', () => {});
    await client.connect();
    return client;
  };
  try {
    return await attempt(url);
  } catch (error) {
    if ((error as { code?: string }).code === '3D000') return attempt(withDatabase(url, 'postgres'));
    throw new Error(
      `throwaway-database: cannot connect to Postgres at ${redact(url)} (set TEST_DATABASE_URL): ${(error as Error).message}`,
    );
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function migrate(databaseUrl: string): void {
  const result = spawnSync('npx', ['prisma', 'migrate', 'deploy'], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: 'utf8',
    timeout: 180_000,
    shell: process.platform === 'win32',
  });
  if (result.error || result.status !== 0) {
    const how = result.error ? result.error.message : `exit code ${result.status}${result.signal ? `, signal ${result.signal}` : ''}`;
    throw new Error(
      `throwaway-database: prisma migrate deploy failed on ${redact(databaseUrl)} (${how})\n${result.stdout ?? ''}${result.stderr ?? ''}`,
    );
  }
}

/** Drops `database` on the server of `serverUrl` (WITH (FORCE)); also used by scripts/bench/e2e.ts. */
export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  const client = await connectAdmin(serverUrl);
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Deletes the Redis keys `<prefix>:*`; returns how many. Also used by scripts/bench/e2e.ts. */
export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on('error', () => {});
  let deleted = 0;
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    redis.disconnect();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const serverUrl = baseDatabaseUrl();
  const redisUrl = baseRedisUrl();
  const suffix = randomBytes(6).toString('hex');
  const database = `switchyard_test_${suffix}`;
  const queuePrefix = `sy-test-${suffix}`;
  const databaseUrl = withDatabase(serverUrl, database);

  const admin = await connectAdmin(serverUrl);
  try {
    await admin.query(`CREATE DATABASE ${quoteIdent(database)}`);
  } finally {
    await admin.end().catch(() => {});
  }

  try {
    migrate(databaseUrl);
  } catch (error) {
    await dropDatabase(serverUrl, database).catch(() => {});
    throw error;
  }

  project.provide('databaseUrl', databaseUrl);
  project.provide('redisUrl', redisUrl);
  project.provide('queuePrefix', queuePrefix);

  globals[ORIGINAL_ENV_KEY] ??= { value: process.env.DATABASE_URL };
  process.env.DATABASE_URL = databaseUrl;
  const projectEnv = { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, QUEUE_PREFIX: queuePrefix };
  project.config.env = { ...project.config.env, ...projectEnv };

  return async () => {
    const problems: string[] = [];
    try {
      await dropDatabase(serverUrl, database);
    } catch (error) {
      problems.push(`drop database ${database}: ${(error as Error).message}`);
    }
    try {
      await deleteRedisKeys(redisUrl, queuePrefix);
    } catch (error) {
      problems.push(`delete Redis keys ${queuePrefix}:* on ${redact(redisUrl)}: ${(error as Error).message}`);
    }
    const original = globals[ORIGINAL_ENV_KEY]?.value;
    if (original === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = original;
    if (problems.length) console.warn(`[throwaway-database] cleanup incomplete:\n  ${problems.join('\n  ')}`);
  };
}
