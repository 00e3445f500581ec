import { Injectable } from '@nestjs/common';
import { validateClusterSettings } from '@switchyard/engine';
import { JobName, JobQueue } from '@switchyard/jobs';
import { ClusterStore, type ClusterView } from '@switchyard/persistence';

/** Clusters: create, read, change settings, delete. One service behind REST and GraphQL. */
@Injectable()
export class ClusterService {
  constructor(
    private readonly clusters: ClusterStore,
    private readonly jobs: JobQueue,
  ) {}

  async create(body: unknown): Promise<ClusterView> {
    const settings = validateClusterSettings(body, { partial: false });
    const cluster = await this.clusters.create(settings);
    const { id } = await this.clusters.find(cluster.name);
    await this.jobs.scheduleAudit(id, cluster.auditIntervalSeconds);
    await this.enqueueRecompute(id);
    return cluster;
  }

  list(): Promise<ClusterView[]> {
    return this.clusters.list();
  }

  get(name: string): Promise<ClusterView> {
    return this.clusters.get(name);
  }

  async update(name: string, body: unknown): Promise<ClusterView> {
    const patch = validateClusterSettings(body, { partial: true });
    const before = await this.clusters.get(name);
    const after = await this.clusters.update(name, patch);
    const recompute = after.revision !== before.revision;
    const reschedule = after.auditIntervalSeconds !== before.auditIntervalSeconds;
    if (recompute || reschedule) {
      const { id } = await this.clusters.find(name);
      if (recompute) await this.enqueueRecompute(id);
      if (reschedule) await this.jobs.scheduleAudit(id, after.auditIntervalSeconds);
    }
    return after;
  }

  async delete(name: string): Promise<void> {
    const { id } = await this.clusters.find(name);
    await this.clusters.delete(name);
    await this.jobs.unscheduleAudit(id);
  }

  /** Every change to a cluster asks the worker to bring its derived state up to date. */
  async recompute(name: string, options: { force?: boolean } = {}): Promise<void> {
    const cluster = await this.clusters.find(name);
    await this.enqueueRecompute(cluster.id, options.force);
  }

  private async enqueueRecompute(clusterId: string, force = false): Promise<void> {
    await this.jobs.enqueue(JobName.RecomputeCluster, { clusterId, ...(force ? { force: true } : {}) });
  }
}
