import { Injectable } from '@nestjs/common';
import { updateClusterModel, type ClusterModel, type ClusterObjectInput, type ClusterSettings } from '@switchyard/engine';
import { ObjectStore } from '@switchyard/persistence';

/** A cluster as this worker last computed it. */
export interface ComputedCluster {
  revision: number;
  /** The settings the model was computed with (any change of them means a full computation). */
  settingsKey: string;
  objects: ReadonlyMap<string, ClusterObjectInput>;
  /** The objects in the store's order (kind, namespace, name), as `snapshotAt` returns them. */
  objectList: ClusterObjectInput[];
  model: ClusterModel;
  /** The revision whose computation produced `model.pods` (kept while later changes leave them be). */
  podsRevision: number;
  /** The kinds changed since the revision this one was derived from; undefined for a full computation. */
  changedKinds?: ReadonlySet<string>;
  /** The state it was derived from, when it was derived rather than computed in full. */
  previous?: ComputedCluster;
  /** The north-south routing stored with it (set once stored). */
  northSouth?: object;
}

/** Clusters kept in memory; the rest are read in full on their next computation. */
const CAPACITY = 4;

const objectKeyOf = (kind: string, namespace: string | undefined, name: string) => `${kind}\u0000${namespace ?? ''}\u0000${name}`;
/** Code-unit order, which is the store's order (the database collates as C). */
const byKey = (a: [string, ClusterObjectInput], b: [string, ClusterObjectInput]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/**
 * The objects and models of recently computed clusters. A new revision reads only the objects
 * changed since the kept one (from the change log) and re-derives only the parts of the model
 * those kinds affect. What it returns equals a computation from scratch (engine property test).
 */
@Injectable()
export class ClusterModelCache {
  private readonly entries = new Map<string, ComputedCluster>();

  constructor(private readonly objects: ObjectStore) {}

  /** The cluster at `revision`: derived from the kept state when there is one to derive from. */
  async computeAt(clusterId: string, revision: number, settings: ClusterSettings, options: { fresh?: boolean } = {}): Promise<ComputedCluster> {
    const settingsKey = JSON.stringify(settings);
    const kept = options.fresh ? undefined : this.entries.get(clusterId);
    const base = kept && kept.settingsKey === settingsKey && kept.revision <= revision ? kept : undefined;
    let objects: Map<string, ClusterObjectInput>;
    let changedKinds: Set<string> | undefined;
    if (base) {
      objects = new Map(base.objects);
      changedKinds = new Set();
      for (const delta of await this.objects.changesBetween(clusterId, base.revision, revision)) {
        const key = objectKeyOf(delta.kind, delta.namespace, delta.name);
        if (delta.object) objects.set(key, delta.object as unknown as ClusterObjectInput);
        else objects.delete(key);
        changedKinds.add(delta.kind);
      }
    } else {
      const all = (await this.objects.snapshotAt(clusterId, revision)) as unknown as ClusterObjectInput[];
      objects = new Map(all.map((o) => [objectKeyOf(o.kind, o.metadata.namespace, o.metadata.name), o]));
    }
    const objectList = base && changedKinds!.size === 0 ? base.objectList : [...objects].sort(byKey).map(([, o]) => o);
    const model = updateClusterModel(base?.model, objectList, changedKinds, settings);
    return {
      revision,
      settingsKey,
      objects,
      objectList,
      model,
      podsRevision: base && model.pods === base.model.pods ? base.podsRevision : revision,
      ...(base ? { changedKinds, previous: base } : {}),
    };
  }

  /** Keeps a computed state (once it is stored) as the base of the cluster's next computation. */
  keep(clusterId: string, state: ComputedCluster): void {
    const kept: ComputedCluster = { ...state, previous: undefined };
    this.entries.delete(clusterId);
    this.entries.set(clusterId, kept);
    while (this.entries.size > CAPACITY) this.entries.delete(this.entries.keys().next().value!);
  }

  /** The kept state of a cluster at exactly `revision`, if this worker has it. */
  at(clusterId: string, revision: number): ComputedCluster | undefined {
    const kept = this.entries.get(clusterId);
    return kept?.revision === revision ? kept : undefined;
  }

  forget(clusterId: string): void {
    this.entries.delete(clusterId);
  }
}
