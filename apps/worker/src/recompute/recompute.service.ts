import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@switchyard/config';
import { setTimeout as sleep } from 'node:timers/promises';
import { computeClusterModel, connectionList, policyModelOf } from '@switchyard/engine';
import { ObjectStore, PrismaService, settingsOf } from '@switchyard/persistence';

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
      const connections = connectionList(policyModelOf(model, settings));
      const durationMs = Math.round(performance.now() - started);
      if (this.config.recomputePauseMs > 0) await sleep(this.config.recomputePauseMs);
      const stored = await this.prisma.$transaction(async (tx) => {
        // Lock the row so a concurrent writer of a newer snapshot is ordered against us.
        const [current] = await tx.$queryRaw<{ revision: number; computedRevision: number }[]>`
          SELECT revision, "computedRevision" FROM "Cluster" WHERE id = ${clusterId}::uuid FOR UPDATE`;
        if (!current || current.computedRevision > revision) return false;
        const data = model as unknown as object;
        const rows = connections as unknown as object;
        await tx.clusterSnapshot.upsert({
          where: { clusterId },
          create: { clusterId, revision, durationMs, data, connections: rows },
          update: { revision, durationMs, data, connections: rows, computedAt: new Date() },
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
      });
      this.logger.log(`cluster ${cluster.name}: revision ${revision} computed in ${durationMs} ms${stored ? '' : ' (newer already stored)'}`);
      return { revision };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.prisma.cluster.updateMany({ where: { id: clusterId }, data: { computeState: 'failed', computeError: message } });
      throw error;
    }
  }
}
