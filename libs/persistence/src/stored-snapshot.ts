import type { ClusterModel } from '@switchyard/engine';

/** The parts of a "ClusterSnapshot" row the cluster model is stored in. */
export interface StoredModelParts {
  data: unknown;
  pods: unknown;
}

/** The cluster model of a stored snapshot: its pods are kept in a column of their own. */
export function clusterModelOf(snapshot: StoredModelParts): ClusterModel {
  return { ...(snapshot.data as Omit<ClusterModel, 'pods'>), pods: snapshot.pods as ClusterModel['pods'] };
}

/** The model but its pods, as "ClusterSnapshot.data" holds it. */
export function modelWithoutPods(model: ClusterModel): Omit<ClusterModel, 'pods'> {
  const { pods: _pods, ...rest } = model;
  return rest;
}

/** Postgres channel on which every change of a cluster's head is announced (see the migration "snapshot_parts"). */
export const CLUSTER_HEADS_CHANNEL = 'switchyard_cluster_heads';

/** What the channel carries: the cluster row's head after a commit. */
export interface ClusterHeadNotice {
  op: 'INSERT' | 'UPDATE' | 'DELETE';
  id: string;
  name: string;
  revision: number;
  computedRevision: number;
  computeState: 'pending' | 'computing' | 'ready' | 'failed';
}
