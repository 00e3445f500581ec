import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@switchyard/config';
import {
  DomainError,
  policyModelOf,
  type ClusterModel,
  type ClusterSettings,
  type ConnectionRow,
  type GatewayRoutes,
  type IngressRoutingTable,
  type PolicyModel,
} from '@switchyard/engine';
import { ClusterStore, PrismaService, settingsOf } from '@switchyard/persistence';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LoadedSnapshot {
  clusterName: string;
  /** The revision the answer reflects. */
  revision: number;
  /** The cluster's latest revision when the answer was made (ahead when a recompute is pending). */
  latestRevision: number;
  computedAt: string;
  clusterModel: ClusterModel;
  model: PolicyModel;
  /** The connection list the worker computed for this revision. */
  connections: ConnectionRow[];
  /** Ingress tables per class and Gateway API views, as the worker computed them. */
  northSouth: { ingress: IngressRoutingTable[]; gateway: GatewayRoutes };
  /** Cluster settings as they stood at this revision. */
  settings: ClusterSettings;
  /** Views derived on first use and kept with the snapshot (DNS records, per-node routing tables). */
  derived: Map<string, unknown>;
}

/** Models built from snapshots, per cluster, most recently used last; a few clusters fit in memory. */
const CACHE_SIZE = 16;

/**
 * Answers come from the latest stored snapshot, never from a computation made on the request
 * path. The compiled model of a snapshot is built once per revision and reused by every query.
 */
@Injectable()
export class PolicySnapshots {
  private readonly cache = new Map<string, LoadedSnapshot>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly clusters: ClusterStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The latest snapshot. With `consistent`, first waits (bounded) until the snapshot has caught
   * up with the revision the cluster had when the request arrived.
   */
  async load(clusterName: string, options: { consistent?: boolean } = {}): Promise<LoadedSnapshot> {
    // One query per answer on the hot path: the cluster row with its snapshot's revision.
    let cluster = await this.findWithHead(clusterName);
    if (options.consistent) {
      const wanted = cluster.revision;
      const deadline = Date.now() + this.config.consistentReadTimeoutMs;
      while (cluster.computedRevision < wanted) {
        if (Date.now() >= deadline) {
          throw new DomainError('UNAVAILABLE', `revision ${wanted} is not computed yet (computed: ${cluster.computedRevision}, state: ${cluster.computeState})`, [
            { path: 'consistent', reason: 'FieldValueInvalid', message: `waited ${this.config.consistentReadTimeoutMs} ms; retry, or ask without consistent=true for revision ${cluster.computedRevision}` },
          ]);
        }
        await sleep(50);
        cluster = await this.findWithHead(clusterName);
      }
    }
    const head = cluster.snapshot;
    if (!head) {
      throw new DomainError('UNAVAILABLE', `cluster "${clusterName}" has no computed snapshot yet (state: ${cluster.computeState})`, [
        { path: 'cluster', reason: 'FieldValueInvalid', message: 'the worker has not computed this cluster yet; retry shortly or pass consistent=true' },
      ]);
    }
    const cached = this.cache.get(cluster.id);
    if (cached && cached.revision === head.revision) {
      this.touch(cluster.id, { ...cached, latestRevision: cluster.revision });
      return { ...cached, latestRevision: cluster.revision };
    }
    const snapshot = await this.prisma.clusterSnapshot.findUniqueOrThrow({ where: { clusterId: cluster.id } });
    const clusterModel = snapshot.data as unknown as ClusterModel;
    // Settings as they stood at the snapshot's revision (the CNI may have changed since).
    const atRevision = await this.prisma.revision.findUnique({
      where: { clusterId_revision: { clusterId: cluster.id, revision: snapshot.revision } },
      select: { settings: true },
    });
    const settings = { ...settingsOf(cluster), ...((atRevision?.settings as Partial<ClusterSettings> | null) ?? {}) };
    const loaded: LoadedSnapshot = {
      clusterName,
      revision: snapshot.revision,
      latestRevision: cluster.revision,
      computedAt: snapshot.computedAt.toISOString(),
      clusterModel,
      model: policyModelOf(clusterModel, { cni: settings.cni }),
      connections: snapshot.connections as unknown as ConnectionRow[],
      northSouth: {
        ingress: [],
        gateway: { gateways: [], routes: [] },
        ...(snapshot.northSouth as object),
      } as LoadedSnapshot['northSouth'],
      settings,
      derived: new Map(),
    };
    this.touch(cluster.id, loaded);
    return loaded;
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

  private async findWithHead(clusterName: string) {
    const cluster = await this.prisma.cluster.findUnique({ where: { name: clusterName }, include: { snapshot: { select: { revision: true } } } });
    if (!cluster) await this.clusters.find(clusterName); // throws the NOT_FOUND every answer uses
    return cluster!;
  }

  private touch(clusterId: string, snapshot: LoadedSnapshot): void {
    this.cache.delete(clusterId);
    this.cache.set(clusterId, snapshot);
    while (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
  }
}
