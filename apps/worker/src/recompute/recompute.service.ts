import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@switchyard/config';
import { setTimeout as sleep } from 'node:timers/promises';
import { gatewayRoutes, ingressRoutes } from '@switchyard/engine';
import { JobName, JobQueue } from '@switchyard/jobs';
import { PrismaService, settingsOf } from '@switchyard/persistence';
import { ClusterModelCache, type ComputedCluster } from './cluster-model-cache';
import { ConnectivityService } from './connectivity.service';
import { SnapshotWriter } from './snapshot-writer';

/** Kinds whose changes leave the north-south routing as it was (it reads no policy). */
const ROUTING_NEUTRAL_KINDS = new Set(['NetworkPolicy']);

/**
 * Level-triggered recomputation: whatever the job says, read the cluster's latest revision,
 * compute from the objects as they stood at that revision, and store the result with that
 * revision in one transaction. Running it twice, late, or after a crash converges to the same
 * snapshot; an older computation never replaces a newer one.
 *
 * The snapshot is what answers need (the cluster model and the north-south routing); it is
 * stored first, so a change is reflected as soon as possible. The workload connection list and
 * its diff against the previous revision (the connectivity-changed event) follow, in
 * ConnectivityService, outside the snapshot's transaction.
 */
@Injectable()
export class RecomputeService {
  private readonly logger = new Logger(RecomputeService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly models: ClusterModelCache,
    private readonly connectivity: ConnectivityService,
    private readonly snapshots: SnapshotWriter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: JobQueue,
  ) {}

  async recompute(clusterId: string, options: { force?: boolean; dueAt?: number } = {}): Promise<{ revision: number } | { skipped: string }> {
    // When the job was due (enqueued plus its coalescing delay): the wait before it ran is reported.
    const pickedUp = Date.now();
    const cluster = await this.prisma.cluster.findUnique({ where: { id: clusterId } });
    if (!cluster) {
      this.models.forget(clusterId);
      return { skipped: 'cluster deleted' };
    }
    if (!options.force && cluster.computedRevision >= cluster.revision && cluster.computeState === 'ready') {
      // A job retried after a crash between the snapshot and the connection list finishes the latter.
      await this.connectivity.catchUp(clusterId);
      return { skipped: `revision ${cluster.revision} already computed` };
    }
    const revision = cluster.revision;
    await this.prisma.cluster.updateMany({ where: { id: clusterId }, data: { computeState: 'computing', computeError: null } });
    const started = performance.now();
    try {
      const settings = settingsOf(cluster);
      const state = await this.models.computeAt(clusterId, revision, settings, { fresh: options.force });
      const northSouth = this.northSouthOf(state);
      const durationMs = Math.round(performance.now() - started);
      if (this.config.recomputePauseMs > 0) await sleep(this.config.recomputePauseMs);
      const storing = performance.now();
      const stored = await this.snapshots.store({ clusterId, revision: state.revision, model: state.model, podsRevision: state.podsRevision, northSouth, durationMs });
      if (stored) this.models.keep(clusterId, { ...state, northSouth });
      const waited = options.dueAt !== undefined ? `, ${Math.max(0, pickedUp - options.dueAt)} ms in the queue` : '';
      this.logger.log(
        `cluster ${cluster.name}: revision ${revision} computed in ${durationMs} ms, stored in ${Math.round(performance.now() - storing)} ms${waited}${stored ? '' : ' (newer already stored)'}`,
      );
      if (!stored) return { revision };
      this.connectivity.schedule(clusterId, revision, state.model, settings);
      // Findings follow every new snapshot.
      await this.jobs.enqueue(JobName.AuditCluster, { clusterId });
      return { revision };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.models.forget(clusterId);
      await this.prisma.cluster.updateMany({ where: { id: clusterId }, data: { computeState: 'failed', computeError: message } });
      throw error;
    }
  }

  /**
   * North-south routing: Ingress tables per class, and Gateways/HTTPRoutes with the status
   * conditions a controller would set (kept here rather than written back into the objects).
   */
  private northSouthOf(state: ComputedCluster): object {
    const previous = state.previous?.northSouth;
    if (previous && state.changedKinds && [...state.changedKinds].every((kind) => ROUTING_NEUTRAL_KINDS.has(kind))) return previous;
    const { objectList: objects, model } = state;
    return {
      ingress: ingressRoutes({ objects, services: model.services, endpoints: model.endpoints }),
      gateway: gatewayRoutes({ objects, services: model.services, endpoints: model.endpoints }),
    };
  }
}
