import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@switchyard/config';
import {
  connectionList,
  dnsRecords,
  DomainError,
  policyModelInSteps,
  type ClusterModel,
  type ClusterSettings,
  type ConnectionRow,
  type DnsRecord,
  type GatewayRoutes,
  type IngressRoutingTable,
  type PolicyModel,
} from '@switchyard/engine';
import { ClusterStore, clusterModelOf, PrismaService, settingsOf } from '@switchyard/persistence';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClusterHeads, type ClusterHead } from './cluster-heads';

type NorthSouth = { ingress: IngressRoutingTable[]; gateway: GatewayRoutes };

/** One stored snapshot, loaded and compiled; shared by every answer about its revision. */
export class LoadedSnapshot {
  constructor(
    readonly clusterName: string,
    /** The revision the answer reflects. */
    readonly revision: number,
    /** The cluster's latest revision when the answer was made (ahead when a recompute is pending). */
    readonly latestRevision: number,
    readonly computedAt: string,
    readonly clusterModel: ClusterModel,
    readonly model: PolicyModel,
    /** Ingress tables per class and Gateway API views, as the worker computed them. */
    readonly northSouth: NorthSouth,
    /** Cluster settings as they stood at this revision. */
    readonly settings: ClusterSettings,
    /** The computation the pods come from (they are reused while it stays the same). */
    readonly podsRevision: number,
    /** Views derived on first use and kept with the snapshot (DNS records, per-node routing tables). */
    readonly derived: Map<string, unknown> = new Map(),
  ) {}

  /** The allowed connections at workload level: derived from the model on first use, then kept. */
  get connections(): ConnectionRow[] {
    return PolicySnapshots.derive(this, 'connections', () =>
      connectionList(this.model, { clusterModel: this.clusterModel, ingressControllers: this.settings.ingressControllers }),
    );
  }

  /** The cluster's DNS records: derived on first use, then kept. */
  get dnsRecords(): DnsRecord[] {
    return PolicySnapshots.derive(this, 'dns', () =>
      dnsRecords({ services: this.clusterModel.services, endpoints: this.clusterModel.endpoints, pods: this.clusterModel.pods, clusterDomain: this.settings.clusterDomain }),
    );
  }

  /** The same snapshot, as an answer made when the cluster was at `latestRevision`. */
  asOf(latestRevision: number): LoadedSnapshot {
    if (latestRevision === this.latestRevision) return this;
    return new LoadedSnapshot(this.clusterName, this.revision, latestRevision, this.computedAt, this.clusterModel, this.model, this.northSouth, this.settings, this.podsRevision, this.derived);
  }
}

/**
 * A cluster's settings as they stood at `revision`: the row's current settings, overlaid with
 * those the revision recorded (the change log keeps them all).
 */
export async function settingsAt(prisma: PrismaService, cluster: Parameters<typeof settingsOf>[0], revision: number): Promise<ClusterSettings> {
  const row = await prisma.revision.findUnique({ where: { clusterId_revision: { clusterId: cluster.id, revision } }, select: { settings: true } });
  return { ...settingsOf(cluster), ...((row?.settings as Partial<ClusterSettings> | null) ?? {}) };
}

/** Lets the event loop run whatever is waiting (I/O first) before the next stage of a build. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Models built from snapshots, per cluster, most recently used last; a few clusters fit in memory. */
const CACHE_SIZE = 16;

interface SnapshotRow {
  revision: number;
  podsRevision: number;
  computedAt: Date;
  data: unknown;
  northSouth: unknown;
  /** Null when the caller already holds the pods of `podsRevision`. */
  pods: unknown;
}

/**
 * Answers come from the latest stored snapshot, never from a computation made on the request
 * path. The compiled model of a snapshot is built once per revision and reused by every query;
 * which revision is current comes from memory (ClusterHeads), so the answer path does not touch
 * the database while nothing changes.
 */
@Injectable()
export class PolicySnapshots {
  private readonly cache = new Map<string, LoadedSnapshot>();
  /** Loads under way per cluster and revision: concurrent first queries share one. */
  private readonly loading = new Map<string, Promise<LoadedSnapshot>>();
  /** Head reads under way per cluster name. */
  private readonly headReads = new Map<string, Promise<ClusterHead>>();
  /** Heads read from the database so far (exported as a metric: answers otherwise know them from notices). */
  headReadCount = 0;
  /** The entry `touch` put last, so that repeated answers about one cluster leave the order alone. */
  private mostRecent?: LoadedSnapshot;
  private readonly logger = new Logger(PolicySnapshots.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly clusters: ClusterStore,
    private readonly heads: ClusterHeads,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    // A cluster people are asking about gets its new snapshot compiled as soon as it is stored,
    // rather than on the next question.
    heads.onChange((head) => {
      const cached = this.cache.get(head.id);
      if (cached && head.computedRevision > cached.revision) setImmediate(() => void this.load(head.name).catch(() => undefined));
    });
  }

  /**
   * The latest snapshot. With `consistent`, first waits (bounded) until the snapshot has caught
   * up with the revision the cluster had when the request arrived.
   */
  async load(clusterName: string, options: { consistent?: boolean } = {}): Promise<LoadedSnapshot> {
    let head = options.consistent ? (this.heads.get(clusterName) ?? (await this.readHead(clusterName))) : await this.currentHead(clusterName);
    if (options.consistent) {
      const wanted = head.revision;
      const deadline = Date.now() + this.config.consistentReadTimeoutMs;
      while (head.computedRevision < wanted) {
        if (Date.now() >= deadline) {
          throw new DomainError('UNAVAILABLE', `revision ${wanted} is not computed yet (computed: ${head.computedRevision}, state: ${head.computeState})`, [
            { path: 'consistent', reason: 'FieldValueInvalid', message: `waited ${this.config.consistentReadTimeoutMs} ms; retry, or ask without consistent=true for revision ${head.computedRevision}` },
          ]);
        }
        await sleep(50);
        head = this.heads.get(clusterName) ?? (await this.readHead(clusterName));
      }
    }
    if (head.computedRevision === 0) {
      throw new DomainError('UNAVAILABLE', `cluster "${clusterName}" has no computed snapshot yet (state: ${head.computeState})`, [
        { path: 'cluster', reason: 'FieldValueInvalid', message: 'the worker has not computed this cluster yet; retry shortly or pass consistent=true' },
      ]);
    }
    const cached = this.cache.get(head.id);
    if (cached && cached.revision === head.computedRevision) {
      this.touch(head.id, cached);
      return cached.asOf(head.revision);
    }
    const key = `${head.id}@${head.computedRevision}`;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.read(head, clusterName, cached).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    const loaded = await pending;
    if (!this.cache.get(head.id) || this.cache.get(head.id)!.revision <= loaded.revision) this.touch(head.id, loaded);
    return loaded.asOf(head.revision);
  }

  /** What every answer says of its freshness: the revision it reflects, and whether the cluster moved on. */
  static revisionOf(snapshot: LoadedSnapshot): { revision: number; latestRevision?: number; stale?: true } {
    return {
      revision: snapshot.revision,
      ...(snapshot.latestRevision !== snapshot.revision ? { latestRevision: snapshot.latestRevision, stale: true as const } : {}),
    };
  }

  /** A view of a snapshot computed once per revision (e.g. DNS records), then served from memory. */
  static derive<T>(snapshot: LoadedSnapshot, key: string, compute: () => T): T {
    if (!snapshot.derived.has(key)) snapshot.derived.set(key, compute());
    return snapshot.derived.get(key) as T;
  }

  /** Reads the stored snapshot (its pods only when those held are not the same) and compiles it. */
  private async read(head: ClusterHead, clusterName: string, held: LoadedSnapshot | undefined): Promise<LoadedSnapshot> {
    const started = performance.now();
    const heldPods = held?.podsRevision ?? -1;
    const [[row], cluster] = await Promise.all([
      this.prisma.$queryRaw<SnapshotRow[]>`
        SELECT revision, "podsRevision", "computedAt", data, "northSouth",
               CASE WHEN "podsRevision" = ${heldPods} THEN NULL ELSE pods END AS pods
        FROM "ClusterSnapshot" WHERE "clusterId" = ${head.id}::uuid`,
      this.prisma.cluster.findUniqueOrThrow({ where: { id: head.id } }),
    ]);
    if (!row) throw new DomainError('UNAVAILABLE', `cluster "${clusterName}" has no computed snapshot yet`, [{ path: 'cluster', reason: 'FieldValueInvalid', message: 'retry shortly' }]);
    // Settings as they stood at the snapshot's revision (the CNI may have changed since).
    const settings = await settingsAt(this.prisma, cluster, row.revision);
    const read = performance.now();
    const clusterModel = clusterModelOf({ data: row.data, pods: row.pods ?? held!.clusterModel.pods });
    // Built in stages with the event loop free in between: answers about other clusters, and
    // reads of this one's state, do not wait for the whole build.
    const model = await policyModelInSteps(clusterModel, { cni: settings.cni }, nextTurn);
    this.logger.debug(
      `cluster ${clusterName} revision ${row.revision}: read in ${Math.round(read - started)} ms, compiled in ${Math.round(performance.now() - read)} ms (${row.pods ? 'pods read' : 'pods held'})`,
    );
    return new LoadedSnapshot(
      clusterName,
      row.revision,
      head.revision,
      new Date(row.computedAt).toISOString(),
      clusterModel,
      model,
      { ingress: [], gateway: { gateways: [], routes: [] }, ...(row.northSouth as object) } as NorthSouth,
      settings,
      row.podsRevision,
    );
  }

  /**
   * The head an answer goes by. One whose notices may have stopped (older than the heads' maximum
   * age) is still used while a single read refreshes it in the background: under load, every
   * request would otherwise wait for, and start, its own query in the meantime.
   */
  private currentHead(clusterName: string): ClusterHead | Promise<ClusterHead> {
    const fresh = this.heads.get(clusterName);
    if (fresh) return fresh;
    const reading = this.readHead(clusterName);
    const known = this.heads.lastKnown(clusterName);
    if (!known) return reading;
    reading.catch(() => undefined);
    return known;
  }

  /** Reads a cluster's head from the database; concurrent reads of one cluster share one query. */
  private readHead(clusterName: string): Promise<ClusterHead> {
    let pending = this.headReads.get(clusterName);
    if (!pending) {
      pending = this.queryHead(clusterName).finally(() => this.headReads.delete(clusterName));
      this.headReads.set(clusterName, pending);
    }
    return pending;
  }

  private async queryHead(clusterName: string): Promise<ClusterHead> {
    this.headReadCount++;
    const cluster = await this.prisma.cluster.findUnique({
      where: { name: clusterName },
      select: { id: true, name: true, revision: true, computedRevision: true, computeState: true },
    });
    if (!cluster) await this.clusters.find(clusterName); // throws the NOT_FOUND every answer uses
    this.heads.remember(cluster!);
    return cluster!;
  }

  private touch(clusterId: string, snapshot: LoadedSnapshot): void {
    if (this.mostRecent === snapshot) return; // already last: no churn on the answer path
    this.mostRecent = snapshot;
    this.cache.delete(clusterId);
    this.cache.set(clusterId, snapshot);
    while (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
  }
}
