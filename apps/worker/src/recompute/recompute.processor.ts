import { Processor, WorkerHost } from '@nestjs/bullmq';
import { JobName, QueueName, type JobPayloads } from '@switchyard/jobs';
import type { Job } from 'bullmq';
import { RecomputeService } from './recompute.service';

/** Handles the cluster-compute queue. Jobs carry the cluster id only; state is re-read. */
@Processor(QueueName.ClusterCompute, { concurrency: 1 })
export class RecomputeProcessor extends WorkerHost {
  static readonly handles = [JobName.RecomputeCluster] as const;

  constructor(private readonly recompute: RecomputeService) {
    super();
  }

  async process(job: Job<JobPayloads[JobName.RecomputeCluster]>): Promise<{ revision: number } | { skipped: string }> {
    switch (job.name as JobName) {
      case JobName.RecomputeCluster:
        return this.recompute.recompute(job.data.clusterId);
    }
    throw new Error(`unknown job ${job.name} on ${QueueName.ClusterCompute}`);
  }
}
