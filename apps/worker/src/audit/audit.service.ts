import { Injectable, Logger } from '@nestjs/common';
import { reconcileFindings } from '@switchyard/engine';
import { appendClusterEvents, clusterModelOf, ObjectStore, PrismaService, settingsOf, WRITE_TRANSACTION, type NewClusterEvent } from '@switchyard/persistence';
import { ClusterModelCache } from '../recompute/cluster-model-cache';
import { AnalysisThread } from '../recompute/analysis-thread-client';
import { ConnectivityService } from '../recompute/connectivity.service';

/**
 * Runs the audit rules over a cluster's latest snapshot and brings its findings up to date in
 * one transaction: new problems open findings, known ones are seen again (with their objects,
 * message and fix as found now), vanished ones are resolved (and kept as history). Each opening
 * and resolution is also an event of the cluster. The snapshot records the audited revision,
 * which only moves forward.
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly objects: ObjectStore,
    private readonly models: ClusterModelCache,
    private readonly connectivity: ConnectivityService,
    private readonly analysis: AnalysisThread,
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
    // The rules run in the analysis thread: the next recompute does not wait for them.
    const findings = await this.analysis.run({ kind: 'audit', clusterId, revision, model: clusterModel, objects, settings });

    return this.prisma.$transaction(async (tx) => {
      // Audits of one cluster are ordered by a lock of their own: holding the cluster row for
      // the whole reconciliation would make writers (and the recompute) wait for it.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`findings:${clusterId}`}))`;
      // Under that lock, audits only move forward: with several workers an audit of an older
      // revision can finish after a newer one, and would reopen or resolve findings wrongly.
      const [head] = await tx.$queryRaw<{ auditedRevision: number }[]>`
        SELECT "auditedRevision" FROM "ClusterSnapshot" WHERE "clusterId" = ${clusterId}::uuid`;
      if (!head) return { skipped: 'cluster deleted' };
      if (revision < head.auditedRevision) {
        this.logger.log(`cluster ${cluster.name}: audit of revision ${revision} skipped: revision ${head.auditedRevision} is already audited`);
        return { skipped: `revision ${revision} is older than the audited revision ${head.auditedRevision}` };
      }
      const open = await tx.finding.findMany({ where: { clusterId, state: 'open' } });
      const { opened, stillOpen, resolved } = reconcileFindings(open, findings);
      const now = new Date();
      const events: NewClusterEvent[] = [];
      if (opened.length) {
        const rows = await tx.finding.createManyAndReturn({
          data: opened.map((finding) => ({
            clusterId,
            key: finding.key,
            rule: finding.rule,
            severity: finding.severity,
            objects: finding.objects as object,
            message: finding.message,
            fix: finding.fix,
            firstSeenRevision: revision,
            lastSeenRevision: revision,
          })),
        });
        const idOf = new Map(rows.map((row) => [row.key, row.id]));
        for (const finding of opened) {
          const payload = { id: idOf.get(finding.key)!, rule: finding.rule, severity: finding.severity, message: finding.message, objects: finding.objects as object };
          events.push({ revision, type: 'finding-opened', payload });
        }
      }
      if (stillOpen.length) {
        // Seen again, and brought up to date: the objects, message and fix of a problem can change
        // while its key stays (a name shared by one more namespace). One statement for all rows.
        await tx.$executeRaw`
          UPDATE "Finding" AS f
          SET "lastSeenRevision" = ${revision}, "lastSeenAt" = ${now}, severity = v.severity, objects = v.objects::jsonb, message = v.message, fix = v.fix
          FROM unnest(${stillOpen.map((x) => x.key)}::text[], ${stillOpen.map((x) => x.severity)}::text[], ${stillOpen.map((x) => JSON.stringify(x.objects))}::text[],
                      ${stillOpen.map((x) => x.message)}::text[], ${stillOpen.map((x) => x.fix)}::text[]) AS v(key, severity, objects, message, fix)
          WHERE f."clusterId" = ${clusterId}::uuid AND f.state = 'open' AND f.key = v.key`;
      }
      const resolvedKeys = new Set(resolved);
      const closing = open.filter((f) => resolvedKeys.has(f.key));
      if (closing.length) {
        await tx.finding.updateMany({ where: { id: { in: closing.map((f) => f.id) } }, data: { state: 'resolved', resolvedAt: now } });
        for (const f of closing) events.push({ revision, type: 'finding-resolved', payload: { id: f.id, rule: f.rule, severity: f.severity, message: f.message } });
      }
      await tx.$executeRaw`
        UPDATE "ClusterSnapshot" SET "auditedRevision" = ${revision} WHERE "clusterId" = ${clusterId}::uuid AND "auditedRevision" < ${revision}`;
      await appendClusterEvents(tx, clusterId, events);
      const counts = { revision, opened: opened.length, resolved: closing.length, open: opened.length + stillOpen.length };
      this.logger.log(`cluster ${cluster.name}: audit at revision ${revision}: ${counts.open} open, ${counts.opened} opened, ${counts.resolved} resolved`);
      return counts;
    }, WRITE_TRANSACTION);
  }
}
