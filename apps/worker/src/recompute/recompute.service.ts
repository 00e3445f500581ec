import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@switchyard/config';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  computeClusterModel,
  connectionList,
  diffConnections,
  gatewayRoutes,
  ingressRoutes,
  policyModelOf,
  type ConnectionRow,
} from '@switchyard/engine';
import { JobName, JobQueue } from '@switchyard/jobs';
import { ObjectStore, PrismaService, settingsOf, WRITE_TRANSACTION } from '@switchyard/persistence';

/** Connectivity changes carried in one event; the diff endpoint has them all. */
const MAX_EVENT_CHANGES = 500;

/**
 * Level-triggered recomputation: whatever the job says, read the cluster's latest revision,
 * compute from the objects as they stood at that revision, and store the result with that
 * revision in one transaction. Running it twice, late, or after a crash converges to the same
 * snapshot; an older computation never replaces a newer one.
 */
@Injectable()
export class RecomputeService {
  private readonly logger = new Logger(RecomputeService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly objects: ObjectStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: JobQueue,
  ) {}

  async recompute(clusterId: string, options: { force?: boolean } = {}): Promise<{ revision: number } | { skipped: string }> {
    const cluster = await this.prisma.cluster.findUnique({ where: { id: clusterId } });
    if (!cluster) return { skipped: 'cluster deleted' };
    if (!options.force && cluster.computedRevision >= cluster.revision && cluster.computeState === 'ready') {
      return { skipped: `revision ${cluster.revision} already computed` };
    }
    const revision = cluster.revision;
    await this.prisma.cluster.updateMany({ where: { id: clusterId }, data: { computeState: 'computing', computeError: null } });
    const started = performance.now();
    try {
      const objects = await this.objects.snapshotAt(clusterId, revision);
      const settings = settingsOf(cluster);
      const model = computeClusterModel(objects, settings);
      // What the policies allow, at workload level: compiled once, evaluated on pod classes.
      const connections = connectionList(policyModelOf(model, settings), { clusterModel: model, ingressControllers: settings.ingressControllers });
      // North-south routing: Ingress tables per class, and Gateways/HTTPRoutes with the status
      // conditions a controller would set (kept here rather than written back into the objects).
      const northSouth = {
        ingress: ingressRoutes({ objects, services: model.services, endpoints: model.endpoints }),
        gateway: gatewayRoutes({ objects, services: model.services, endpoints: model.endpoints }),
      };
      // The connectivity diff against the stored snapshot is computed here, outside the write
      // transaction: that transaction holds the cluster's row lock, which writers wait on.
      const previous = await this.prisma.clusterSnapshot.findUnique({ where: { clusterId }, select: { revision: true, connections: true } });
      let changes = previous ? diffConnections(previous.connections as unknown as ConnectionRow[], connections) : [];
      const durationMs = Math.round(performance.now() - started);
      if (this.config.recomputePauseMs > 0) await sleep(this.config.recomputePauseMs);
      const stored = await this.prisma.$transaction(async (tx) => {
        // Lock the row so a concurrent writer of a newer snapshot is ordered against us.
        const [current] = await tx.$queryRaw<{ revision: number; computedRevision: number }[]>`
          SELECT revision, "computedRevision" FROM "Cluster" WHERE id = ${clusterId}::uuid FOR UPDATE`;
        if (!current || current.computedRevision > revision) return false;
        const data = model as unknown as object;
        const rows = connections as unknown as object;
        // Rarely, another worker stored a snapshot meanwhile: diff against that one instead.
        const head = await tx.clusterSnapshot.findUnique({ where: { clusterId }, select: { revision: true } });
        let base = previous;
        if (head?.revision !== previous?.revision) {
          base = await tx.clusterSnapshot.findUnique({ where: { clusterId }, select: { revision: true, connections: true } });
          changes = base ? diffConnections(base.connections as unknown as ConnectionRow[], connections) : [];
        }
        await tx.clusterEvent.create({
          data: { clusterId, revision, type: 'recomputed', payload: { revision, durationMs, pods: model.pods.length, connections: connections.length } },
        });
        if (changes.length > 0) {
          await tx.clusterEvent.create({
            data: {
              clusterId,
              revision,
              type: 'connectivity-changed',
              payload: { fromRevision: base!.revision, toRevision: revision, count: changes.length, changes: changes.slice(0, MAX_EVENT_CHANGES) as unknown as object[] },
            },
          });
        }
        await tx.clusterSnapshot.upsert({
          where: { clusterId },
          create: { clusterId, revision, durationMs, data, connections: rows, northSouth: northSouth as unknown as object },
          update: { revision, durationMs, data, connections: rows, northSouth: northSouth as unknown as object, computedAt: new Date() },
        });
        await tx.cluster.update({
          where: { id: clusterId },
          data: {
            computedRevision: revision,
            computeState: current.revision === revision ? 'ready' : 'pending',
            computeError: null,
          },
        });
        return true;
      }, WRITE_TRANSACTION);
      this.logger.log(`cluster ${cluster.name}: revision ${revision} computed in ${durationMs} ms${stored ? '' : ' (newer already stored)'}`);
      // Findings follow every new snapshot.
      if (stored) await this.jobs.enqueue(JobName.AuditCluster, { clusterId });
      return { revision };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.prisma.cluster.updateMany({ where: { id: clusterId }, data: { computeState: 'failed', computeError: message } });
      throw error;
    }
  }
}
