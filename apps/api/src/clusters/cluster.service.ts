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
    await this.recompute(cluster.name);
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
    if (after.revision !== before.revision) await this.recompute(name);
    if (after.auditIntervalSeconds !== before.auditIntervalSeconds) {
      const { id } = await this.clusters.find(name);
      await this.jobs.scheduleAudit(id, after.auditIntervalSeconds);
    }
    return after;
  }

  async delete(name: string): Promise<void> {
    const { id } = await this.clusters.find(name);
    await this.clusters.delete(name);
    await this.jobs.unscheduleAudit(id);
  }

  /** Every change to a cluster asks the worker to bring its derived state up to date. */
  async recompute(name: string, options: { force?: boolean } = {}): Promise<ClusterView> {
    const cluster = await this.clusters.find(name);
    await this.jobs.enqueue(JobName.RecomputeCluster, { clusterId: cluster.id, ...(options.force ? { force: true } : {}) });
    return this.clusters.get(name);
  }
}
