import { Injectable, Logger } from '@nestjs/common';
import { connectionList, diffConnections, policyModelOf, type ClusterModel, type ClusterSettings, type ConnectionRow } from '@switchyard/engine';
import { clusterModelOf, PrismaService, settingsOf, WRITE_TRANSACTION, type Tx } from '@switchyard/persistence';
import { ClusterModelCache } from './cluster-model-cache';

/** Connectivity changes carried in one event; the diff endpoint has them all. */
const MAX_EVENT_CHANGES = 500;

/**
 * The workload connection list of each stored snapshot, and the connectivity-changed event that
 * diffs it against the list of the revision before. Runs after the snapshot is stored (answers do
 * not wait for it), under a per-cluster advisory lock of its own (API writers never wait for it).
 * A crash in between leaves the list behind the snapshot; the next job for the cluster catches up.
 */
@Injectable()
export class ConnectivityService {
  private readonly logger = new Logger(ConnectivityService.name);
  /** The last list stored per cluster, so the next diff does not read it back from the database. */
  private readonly lastStored = new Map<string, { revision: number; connections: ConnectionRow[] }>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly models: ClusterModelCache,
  ) {}

  /** Brings the connection list up to the stored snapshot, when a crash left it behind. */
  async catchUp(clusterId: string): Promise<void> {
    const cluster = await this.prisma.cluster.findUnique({
      where: { id: clusterId },
      include: { snapshot: { select: { revision: true } }, connections: { select: { revision: true } } },
    });
    if (!cluster?.snapshot || (cluster.connections && cluster.connections.revision >= cluster.snapshot.revision)) return;
    const { revision } = cluster.snapshot;
    const kept = this.models.at(clusterId, revision);
    const model = kept?.model ?? clusterModelOf(await this.prisma.clusterSnapshot.findUniqueOrThrow({ where: { clusterId }, select: { data: true, pods: true } }));
    await this.update(clusterId, revision, model, settingsOf(cluster));
  }

  async update(clusterId: string, revision: number, model: ClusterModel, settings: ClusterSettings): Promise<void> {
    const started = performance.now();
    const connections = connectionList(policyModelOf(model, settings), { clusterModel: model, ingressControllers: settings.ingressControllers });
    const outcome = await this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`connections:${clusterId}`}))`;
      const stored = await tx.clusterConnections.findUnique({ where: { clusterId }, select: { revision: true } });
      if (stored && stored.revision >= revision) return undefined;
      const base = stored ? await this.storedList(tx, clusterId, stored.revision) : undefined;
      const changes = base ? diffConnections(base, connections) : [];
      if (changes.length > 0) {
        await tx.clusterEvent.create({
          data: {
            clusterId,
            revision,
            type: 'connectivity-changed',
            payload: {
              fromRevision: stored!.revision,
              toRevision: revision,
              count: changes.length,
              connections: connections.length,
              changes: changes.slice(0, MAX_EVENT_CHANGES) as unknown as object[],
            },
          },
        });
      }
      const rows = connections as unknown as object[];
      await tx.clusterConnections.upsert({
        where: { clusterId },
        create: { clusterId, revision, connections: rows },
        update: { revision, connections: rows, computedAt: new Date() },
      });
      return { changes: changes.length };
    }, WRITE_TRANSACTION);
    if (!outcome) return;
    this.lastStored.set(clusterId, { revision, connections });
    this.logger.log(`cluster ${clusterId}: ${connections.length} connections at revision ${revision} (${outcome.changes} changed) in ${Math.round(performance.now() - started)} ms`);
  }

  private async storedList(tx: Tx, clusterId: string, revision: number): Promise<ConnectionRow[]> {
    const kept = this.lastStored.get(clusterId);
    if (kept?.revision === revision) return kept.connections;
    const row = await tx.clusterConnections.findUniqueOrThrow({ where: { clusterId }, select: { connections: true } });
    return row.connections as unknown as ConnectionRow[];
  }
}
