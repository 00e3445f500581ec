import { Injectable, Logger } from '@nestjs/common';
import type { ClusterModel, ClusterSettings } from '@switchyard/engine';
import { clusterModelOf, PrismaService, settingsOf } from '@switchyard/persistence';
import { ClusterModelCache } from './cluster-model-cache';
import { AnalysisThread } from './analysis-thread-client';
import type { ConnectivityResult } from './analysis-work';
import { SnapshotWriter } from './snapshot-writer';

interface Wanted {
  revision: number;
  model: ClusterModel;
  settings: ClusterSettings;
}

/**
 * The workload connection list of each stored snapshot, and the connectivity-changed event that
 * diffs it against the list stored before. Derived in the background, in a worker thread, after
 * the snapshot is stored: answers and the next recompute never wait for it. Per cluster, one
 * derivation runs at a time and only the newest revision waiting is derived next (the event then
 * spans the revisions in between). Stored under a per-cluster advisory lock of its own, so API
 * writers never wait for it. A crash leaves the list behind the snapshot; `catchUp` (run by the
 * next job for the cluster) derives it again.
 */
@Injectable()
export class ConnectivityService {
  private readonly logger = new Logger(ConnectivityService.name);
  private readonly wanted = new Map<string, Wanted>();
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly models: ClusterModelCache,
    private readonly thread: AnalysisThread,
    private readonly writer: SnapshotWriter,
  ) {}

  /** Derives the list of `revision` in the background, replacing an older revision still waiting. */
  schedule(clusterId: string, revision: number, model: ClusterModel, settings: ClusterSettings): void {
    const waiting = this.wanted.get(clusterId);
    if (!waiting || waiting.revision < revision) this.wanted.set(clusterId, { revision, model, settings });
    if (this.running.has(clusterId)) return;
    const drain = (async () => {
      for (let next = this.wanted.get(clusterId); next; next = this.wanted.get(clusterId)) {
        this.wanted.delete(clusterId);
        try {
          await this.update(clusterId, next.revision, next.model, next.settings);
        } catch (error) {
          this.logger.warn(`cluster ${clusterId}: connection list of revision ${next.revision} not stored: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })().finally(() => this.running.delete(clusterId));
    this.running.set(clusterId, drain);
  }

  /** Settles once no list is being derived. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  /** Schedules the list of the stored snapshot when the stored list is behind it (after a crash). */
  async catchUp(clusterId: string): Promise<void> {
    const cluster = await this.prisma.cluster.findUnique({
      where: { id: clusterId },
      include: { snapshot: { select: { revision: true } }, connections: { select: { revision: true } } },
    });
    if (!cluster?.snapshot || (cluster.connections && cluster.connections.revision >= cluster.snapshot.revision)) return;
    if (this.running.has(clusterId) || this.wanted.has(clusterId)) return;
    const { revision } = cluster.snapshot;
    const kept = this.models.at(clusterId, revision);
    const model = kept?.model ?? clusterModelOf(await this.prisma.clusterSnapshot.findUniqueOrThrow({ where: { clusterId }, select: { data: true, pods: true } }));
    this.schedule(clusterId, revision, model, settingsOf(cluster));
  }

  private async update(clusterId: string, revision: number, model: ClusterModel, settings: ClusterSettings): Promise<void> {
    const started = performance.now();
    const stored = await this.prisma.clusterConnections.findUnique({ where: { clusterId }, select: { revision: true } });
    if (stored && stored.revision >= revision) return;
    const request = { kind: 'connectivity' as const, clusterId, revision, model, settings: { cni: settings.cni, ingressControllers: settings.ingressControllers }, baseRevision: stored?.revision };
    let result: ConnectivityResult = await this.thread.run(request);
    if (result.needBase) {
      // The thread does not hold the stored list (another worker wrote it, or this one restarted).
      const [base] = await this.prisma.$queryRaw<{ json: string }[]>`
        SELECT connections::text AS json FROM "ClusterConnections" WHERE "clusterId" = ${clusterId}::uuid AND revision = ${stored!.revision}`;
      if (!base) return this.schedule(clusterId, revision, model, settings);
      result = await this.thread.run({ ...request, baseJson: base.json });
    }
    if (result.needBase) throw new Error('the connection list to diff against could not be loaded');
    const { json, total, count, changes } = result;
    const written = await this.writer.storeConnections({
      clusterId,
      baseRevision: stored?.revision,
      revision,
      json,
      event: count > 0 ? { fromRevision: stored!.revision, toRevision: revision, count, connections: total, changes } : undefined,
    });
    // Another worker stored a list meanwhile: derive again against it, unless it is already as new.
    if (!written) return this.schedule(clusterId, revision, model, settings);
    this.logger.log(`cluster ${clusterId}: ${total} connections at revision ${revision} (${count} changed) in ${Math.round(performance.now() - started)} ms`);
  }
}
