import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@switchyard/config';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { auditSchedulerId, deduplicationId, JOB_QUEUE, JobName, QueueName, type JobPayloads } from './job-registry';
import { createRedisConnection } from './redis-connection';

/**
 * How long a new job waits for more changes of the same key before it runs. A recompute does not
 * wait: deduplication already folds a burst into the running job plus one waiting job, and any
 * BullMQ delay costs ~50 ms more than asked (delayed jobs are promoted by a timer) on the path
 * from a change to its snapshot.
 */
const COALESCE_MS: { readonly [J in JobName]: number } = {
  [JobName.RecomputeCluster]: 0,
  [JobName.AuditCluster]: 100,
};

/** Finished jobs are kept briefly for inspection, then removed so Redis does not grow. */
const RETENTION = { removeOnComplete: { count: 100, age: 3600 }, removeOnFail: { count: 1000, age: 7 * 24 * 3600 } };

/** The producer side of the registry: enqueue a job by name with its typed payload. */
@Injectable()
export class JobQueue implements OnModuleDestroy {
  readonly connection: Redis;
  private readonly queues = new Map<QueueName, Queue>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.connection = createRedisConnection(config.redisUrl, 'switchyard-producer');
    for (const name of Object.values(QueueName)) {
      this.queues.set(name, new Queue(name, { connection: this.connection, prefix: config.queuePrefix }));
    }
  }

  queue(name: QueueName): Queue {
    return this.queues.get(name)!;
  }

  /**
   * Adds a job unless an equal one is already waiting. While one runs, one more is kept
   * (with the latest payload) so a change made during a computation is never missed.
   */
  async enqueue<J extends JobName>(name: J, payload: JobPayloads[J]): Promise<void> {
    await this.queue(JOB_QUEUE[name]).add(name, payload, {
      deduplication: { id: deduplicationId(name, payload), keepLastIfActive: true },
      // A wait (where there is one) lets a burst of changes arrive while the job is still
      // waiting, so it collapses into one computation instead of one per change.
      ...(COALESCE_MS[name] > 0 ? { delay: COALESCE_MS[name] } : {}),
      attempts: 5,
      backoff: { type: 'exponential', delay: 500 },
      ...RETENTION,
    });
  }

  /** Audits a cluster every `everySeconds` (BullMQ job scheduler; replaces an earlier interval). */
  async scheduleAudit(clusterId: string, everySeconds: number): Promise<void> {
    await this.queue(QueueName.ClusterAudit).upsertJobScheduler(
      auditSchedulerId(clusterId),
      { every: everySeconds * 1000 },
      { name: JobName.AuditCluster, data: { clusterId }, opts: RETENTION },
    );
  }

  async unscheduleAudit(clusterId: string): Promise<void> {
    await this.queue(QueueName.ClusterAudit).removeJobScheduler(auditSchedulerId(clusterId));
  }

  /** Jobs waiting, active, delayed and failed per queue: for metrics and health. */
  async depth(): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [name, queue] of this.queues) {
      out[name] = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
    }
    return out;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.connection.disconnect();
  }
}
