import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@switchyard/config';
import { assertOneHandlerPerJob, createRedisConnection, JOB_QUEUE, JobName, QueueName, type JobPayloads } from '@switchyard/jobs';
import { Worker, type Job } from 'bullmq';
import { AuditService } from './audit/audit.service';
import { RecomputeService } from './recompute/recompute.service';

type Handler<J extends JobName> = (payload: JobPayloads[J], job: Job) => Promise<unknown>;

/**
 * One BullMQ worker per queue, dispatching each job by name to exactly one handler (checked at
 * start-up). Locks are renewed while a job runs; a crashed worker's job is taken over by another
 * once its lock lapses, and handlers are written to converge when that happens.
 */
@Injectable()
export class QueueWorkers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(QueueWorkers.name);
  private readonly workers: Worker[] = [];
  private readonly handlers: { [J in JobName]: Handler<J> };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    recompute: RecomputeService,
    audit: AuditService,
  ) {
    this.handlers = {
      [JobName.RecomputeCluster]: (payload, job) => recompute.recompute(payload.clusterId, { force: payload.force === true, dueAt: job.timestamp + (job.opts.delay ?? 0) }),
      [JobName.AuditCluster]: (payload) => audit.audit(payload.clusterId),
    };
  }

  onApplicationBootstrap(): void {
    assertOneHandlerPerJob(Object.keys(this.handlers) as JobName[]);
    for (const queue of Object.values(QueueName)) {
      const worker = new Worker(
        queue,
        async (job: Job) => {
          const name = job.name as JobName;
          if (JOB_QUEUE[name] !== queue) throw new Error(`job ${job.name} does not belong on queue ${queue}`);
          return (this.handlers[name] as Handler<JobName>)(job.data, job);
        },
        {
          connection: createRedisConnection(this.config.redisUrl, `switchyard-worker-${queue}`),
          prefix: this.config.queuePrefix,
          concurrency: 1,
          lockDuration: this.config.jobLockDurationMs,
          stalledInterval: this.config.jobLockDurationMs,
          maxStalledCount: 2,
        },
      );
      worker.on('failed', (job, error) => this.logger.warn(`${queue}/${job?.name} ${job?.id} failed: ${error.message}`));
      worker.on('error', (error) => this.logger.error(`${queue} worker: ${error.message}`));
      this.workers.push(worker);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    // worker.close() waits for the active job; it can hang when Redis is gone, so bound it.
    await Promise.race([
      Promise.all(this.workers.map((worker) => worker.close())),
      new Promise((resolve) => setTimeout(resolve, 10_000).unref()),
    ]);
  }
}
