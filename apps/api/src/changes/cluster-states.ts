import { Injectable } from '@nestjs/common';
import {
  auditCluster,
  computeClusterModel,
  connectionList,
  DomainError,
  policyModelOf,
  type ClusterModel,
  type ClusterObjectInput,
  type ClusterSettings,
  type ConnectionRow,
  type Finding,
} from '@switchyard/engine';
import { ObjectStore, PrismaService, settingsOf } from '@switchyard/persistence';

/** A cluster's objects and what they mean, computed in memory (never stored). */
export interface ComputedState {
  revision: number;
  settings: ClusterSettings;
  objects: ClusterObjectInput[];
  clusterModel: ClusterModel;
  connections: ConnectionRow[];
  findings: Finding[];
}

/** Computes states of a cluster: at a stored revision, or a hypothetical one (what-if). */
@Injectable()
export class ClusterStates {
  constructor(
    private readonly prisma: PrismaService,
    private readonly objectStore: ObjectStore,
  ) {}

  /** The objects and settings of a cluster as they stood at `revision` (the change log keeps them all). */
  async objectsAt(clusterName: string, revision: number | undefined, field: string): Promise<{ clusterId: string; revision: number; settings: ClusterSettings; objects: ClusterObjectInput[] }> {
    const cluster = await this.prisma.cluster.findUnique({ where: { name: clusterName } });
    if (!cluster) throw new DomainError('NOT_FOUND', `cluster "${clusterName}" not found`, [{ path: 'cluster', reason: 'NotFound', message: `cluster "${clusterName}" does not exist` }]);
    const at = revision ?? cluster.revision;
    if (at < 1 || at > cluster.revision) {
      throw new DomainError('INVALID', `revision ${at} does not exist`, [{ path: field, reason: 'FieldValueInvalid', message: `revision must be between 1 and ${cluster.revision}` }]);
    }
    const row = await this.prisma.revision.findUnique({ where: { clusterId_revision: { clusterId: cluster.id, revision: at } }, select: { settings: true } });
    const settings = { ...settingsOf(cluster), ...((row?.settings as Partial<ClusterSettings> | null) ?? {}) };
    const objects = (await this.objectStore.snapshotAt(cluster.id, at)) as unknown as ClusterObjectInput[];
    return { clusterId: cluster.id, revision: at, settings, objects };
  }

  /**
   * The state at a stored revision: taken from the worker's snapshot when it reflects exactly that
   * revision (the model and connection list are not computed twice), else computed.
   */
  async stored(clusterId: string, revision: number, settings: ClusterSettings, objects: ClusterObjectInput[]): Promise<ComputedState> {
    const snapshot = await this.prisma.clusterSnapshot.findUnique({ where: { clusterId } });
    if (!snapshot || snapshot.revision !== revision) return this.compute(revision, settings, objects);
    const clusterModel = snapshot.data as unknown as ClusterModel;
    const policy = policyModelOf(clusterModel, settings);
    return {
      revision,
      settings,
      objects,
      clusterModel,
      connections: snapshot.connections as unknown as ConnectionRow[],
      findings: auditCluster({ objects, model: clusterModel, policy, settings }),
    };
  }

  compute(revision: number, settings: ClusterSettings, objects: ClusterObjectInput[]): ComputedState {
    const clusterModel = computeClusterModel(objects, settings);
    const policy = policyModelOf(clusterModel, settings);
    return {
      revision,
      settings,
      objects,
      clusterModel,
      connections: connectionList(policy, { clusterModel, ingressControllers: settings.ingressControllers }),
      findings: auditCluster({ objects, model: clusterModel, policy, settings }),
    };
  }
}
