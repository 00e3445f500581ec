import { z } from 'zod';

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .default('postgresql://postgres@127.0.0.1:5432/switchyard'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_:-]+$/).default('switchyard'),
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'a size such as 5mb').default('5mb'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Upper bound of a `consistent=true` wait for the snapshot to catch up, in ms. */
  CONSISTENT_READ_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  /**
   * The API keeps each cluster's head (latest and computed revision) from the database's notices;
   * a head older than this is read again, so answers are at most this stale if notices stop.
   */
  CLUSTER_HEAD_MAX_AGE_MS: z.coerce.number().int().min(10).max(3_600_000).default(5_000),
  /**
   * How long a worker holds a job before others may take it over: a crashed worker's job returns
   * after this. It must outlast the longest stretch a job holds the event loop (its lock is not
   * renewed meanwhile): a full recompute at 100k pods takes a few seconds; the connection list and
   * audits run in a worker thread and do not count.
   */
  JOB_LOCK_DURATION_MS: z.coerce.number().int().min(500).max(3_600_000).default(60_000),
  /**
   * Niceness the worker gives its helper threads (garbage collection; 0 = unchanged, up to 19): on
   * a machine it shares with the API, background work then yields the CPU to answers. Its
   * analysis thread always runs at the lowest priority; its main thread keeps its own.
   */
  WORKER_NICENESS: z.coerce.number().int().min(0).max(19).default(10),
  /** Fault injection for crash tests: pause between computing and storing a snapshot. Keep 0 in production. */
  RECOMPUTE_PAUSE_MS: z.coerce.number().int().min(0).max(600_000).default(0),
});

export interface AppConfig {
  port: number;
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  bodyLimit: string;
  bodyLimitBytes: number;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  consistentReadTimeoutMs: number;
  clusterHeadMaxAgeMs: number;
  jobLockDurationMs: number;
  workerNiceness: number;
  recomputePauseMs: number;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

function toBytes(size: string): number {
  const match = /^(\d+)(b|kb|mb)$/i.exec(size)!;
  const unit = match[2]!.toLowerCase();
  return Number(match[1]) * (unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1);
}

/**
 * Reads and validates the settings once, at start-up. Nothing else in the code base reads
 * `process.env`; a bad setting stops the process with every problem listed.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    queuePrefix: e.QUEUE_PREFIX,
    bodyLimit: e.BODY_LIMIT,
    bodyLimitBytes: toBytes(e.BODY_LIMIT),
    logLevel: e.LOG_LEVEL,
    consistentReadTimeoutMs: e.CONSISTENT_READ_TIMEOUT_MS,
    clusterHeadMaxAgeMs: e.CLUSTER_HEAD_MAX_AGE_MS,
    jobLockDurationMs: e.JOB_LOCK_DURATION_MS,
    workerNiceness: e.WORKER_NICENESS,
    recomputePauseMs: e.RECOMPUTE_PAUSE_MS,
  };
}
