import { Injectable, Logger } from '@nestjs/common';
import { auditCluster, policyModelOf, reconcileFindings } from '@switchyard/engine';
import { clusterModelOf, ObjectStore, PrismaService, settingsOf, WRITE_TRANSACTION } from '@switchyard/persistence';
import { ClusterModelCache } from '../recompute/cluster-model-cache';
import { ConnectivityService } from '../recompute/connectivity.service';

/**
 * Runs the audit rules over a cluster's latest snapshot and brings its findings up to date in
 * one transaction: new problems open findings, known ones are seen again, vanished ones are
 * resolved (and kept as history). Each opening and resolution is also an event of the cluster.
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly objects: ObjectStore,
    private readonly models: ClusterModelCache,
    private readonly connectivity: ConnectivityService,
  ) {}

  async audit(clusterId: string): Promise<{ revision: number; opened: number; resolved: number; open: number } | { skipped: string }> {
    const cluster = await this.prisma.cluster.findUnique({ where: { id: clusterId }, include: { snapshot: { select: { revision: true } } } });
    if (!cluster) return { skipped: 'cluster deleted' };
    if (!cluster.snapshot) return { skipped: 'no snapshot yet' };
    // The periodic audit also notices a connection list left behind by a crash.
    await this.connectivity.catchUp(clusterId);
    const { revision } = cluster.snapshot;
    // The recompute that enqueued this audit usually left the same revision in memory.
    const kept = this.models.at(clusterId, revision);
    const clusterModel = kept?.model ?? clusterModelOf(await this.prisma.clusterSnapshot.findUniqueOrThrow({ where: { clusterId }, select: { data: true, pods: true } }));
    const settings = settingsOf(cluster);
    const objects = kept?.objectList ?? (await this.objects.snapshotAt(clusterId, revision));
    const findings = auditCluster({ objects, model: clusterModel, policy: policyModelOf(clusterModel, settings), settings });

    return this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "Cluster" WHERE id = ${clusterId}::uuid FOR UPDATE`;
      const open = await tx.finding.findMany({ where: { clusterId, state: 'open' } });
      const { opened, stillOpen, resolved } = reconcileFindings(open, findings);
      const now = new Date();
      for (const finding of opened) {
        const row = await tx.finding.create({
          data: {
            clusterId,
            key: finding.key,
            rule: finding.rule,
            severity: finding.severity,
            objects: finding.objects as object,
            message: finding.message,
            fix: finding.fix,
            firstSeenRevision: revision,
            lastSeenRevision: revision,
          },
        });
        await tx.clusterEvent.create({ data: { clusterId, revision, type: 'finding-opened', payload: { id: row.id, rule: row.rule, severity: row.severity, message: row.message, objects: finding.objects as object } } });
      }
      if (stillOpen.length) {
        await tx.finding.updateMany({
          where: { clusterId, state: 'open', key: { in: stillOpen.map((f) => f.key) } },
          data: { lastSeenRevision: revision, lastSeenAt: now },
        });
      }
      const closing = open.filter((f) => resolved.includes(f.key));
      if (closing.length) {
        await tx.finding.updateMany({ where: { id: { in: closing.map((f) => f.id) } }, data: { state: 'resolved', resolvedAt: now } });
        await tx.clusterEvent.createMany({
          data: closing.map((f) => ({ clusterId, revision, type: 'finding-resolved', payload: { id: f.id, rule: f.rule, severity: f.severity, message: f.message } })),
        });
      }
      const counts = { revision, opened: opened.length, resolved: closing.length, open: opened.length + stillOpen.length };
      this.logger.log(`cluster ${cluster.name}: audit at revision ${revision}: ${counts.open} open, ${counts.opened} opened, ${counts.resolved} resolved`);
      return counts;
    }, WRITE_TRANSACTION);
  }
}
