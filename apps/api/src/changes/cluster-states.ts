import { Injectable } from '@nestjs/common';
import {
  auditCluster,
  computeClusterModel,
  DomainError,
  policyModelOf,
  updateClusterModel,
  type ClusterModel,
  type ClusterObjectInput,
  type ClusterSettings,
  type Finding,
  type ManifestObject,
  type NorthSouthRouting,
  type PolicyModel,
} from '@switchyard/engine';
import { clusterNotFound, ObjectStore, PrismaService, type ApplyPreview } from '@switchyard/persistence';
import { PolicySnapshots, settingsAt, type LoadedSnapshot } from '../reachability/policy-snapshots';

/** A cluster's objects and what they mean, computed in memory (never stored). */
export interface ComputedState {
  revision: number;
  settings: ClusterSettings;
  objects: ClusterObjectInput[];
  clusterModel: ClusterModel;
  policy: PolicyModel;
  findings: Finding[];
  /** North-south routing when already computed (a stored snapshot's); diffs compute it otherwise. */
  northSouth?: NorthSouthRouting;
}

/** The objects and settings of a cluster at one revision. */
export interface ObjectsAt {
  clusterId: string;
  clusterName: string;
  revision: number;
  settings: ClusterSettings;
  objects: ClusterObjectInput[];
}

/** Computes states of a cluster: at a stored revision, or a hypothetical one (what-if). */
@Injectable()
export class ClusterStates {
  constructor(
    private readonly prisma: PrismaService,
    private readonly objectStore: ObjectStore,
    private readonly snapshots: PolicySnapshots,
  ) {}

  /** The objects and settings of a cluster as they stood at `revision` (the change log keeps them all). */
  async objectsAt(clusterName: string, revision: number | undefined, field: string): Promise<ObjectsAt> {
    const cluster = await this.prisma.cluster.findUnique({ where: { name: clusterName } });
    if (!cluster) throw clusterNotFound(clusterName);
    const at = revision ?? cluster.revision;
    if (at < 1 || at > cluster.revision) {
      throw new DomainError('INVALID', `revision ${at} does not exist`, [{ path: field, reason: 'FieldValueInvalid', message: `revision must be between 1 and ${cluster.revision}` }]);
    }
    const settings = await settingsAt(this.prisma, cluster, at);
    const objects = (await this.objectStore.snapshotAt(cluster.id, at)) as unknown as ClusterObjectInput[];
    return { clusterId: cluster.id, clusterName, revision: at, settings, objects };
  }

  /** What applying `objects` would do, planned exactly as apply plans it; nothing is written. */
  preview(clusterName: string, objects: ManifestObject[], options: { reallocateConflicts: boolean }): Promise<ApplyPreview> {
    return this.objectStore.preview(clusterName, objects, options);
  }

  /**
   * The state at a stored revision: the API's loaded snapshot when it reflects exactly that
   * revision (its model and compiled policies are reused, and its findings computed once per
   * revision), else computed from the objects.
   */
  async stored(at: ObjectsAt): Promise<ComputedState> {
    const snapshot = await this.snapshotAt(at.clusterName, at.revision);
    if (!snapshot) return this.compute(at);
    const findings = PolicySnapshots.derive(snapshot, 'findings', () => auditCluster({ objects: at.objects, model: snapshot.clusterModel, policy: snapshot.model, settings: at.settings }));
    return { revision: at.revision, settings: at.settings, objects: at.objects, clusterModel: snapshot.clusterModel, policy: snapshot.model, findings, northSouth: snapshot.northSouth };
  }

  /**
   * A state computed from objects. With `previous` (the state these objects were derived from by
   * changing objects of `changedKinds` only), the parts of its model those kinds cannot affect
   * are reused as they are, which also tells the diff what cannot have changed.
   */
  compute(at: Omit<ObjectsAt, 'clusterId' | 'clusterName'>, previous?: { state: ComputedState; changedKinds: ReadonlySet<string> }): ComputedState {
    const clusterModel = previous ? updateClusterModel(previous.state.clusterModel, at.objects, previous.changedKinds, at.settings) : computeClusterModel(at.objects, at.settings);
    const policy = policyModelOf(clusterModel, at.settings);
    return { ...at, clusterModel, policy, findings: auditCluster({ objects: at.objects, model: clusterModel, policy, settings: at.settings }) };
  }

  /** The loaded snapshot of the cluster if it reflects `revision`; none yet, or another revision: undefined. */
  private async snapshotAt(clusterName: string, revision: number): Promise<LoadedSnapshot | undefined> {
    try {
      const snapshot = await this.snapshots.load(clusterName);
      return snapshot.revision === revision ? snapshot : undefined;
    } catch (error) {
      if (error instanceof DomainError && error.code === 'UNAVAILABLE') return undefined;
      throw error;
    }
  }
}
