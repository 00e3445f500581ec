import { connectionList, diffConnections, policyModelOf, type ClusterModel, type ClusterSettings, type ConnectionDiff, type ConnectionRow } from '@switchyard/engine';

/** Connectivity changes carried in one event; the diff endpoint has them all. */
export const MAX_EVENT_CHANGES = 500;

/** One connection list to derive: the stored snapshot's model, and the revision the stored list reflects. */
export interface ConnectivityRequest {
  clusterId: string;
  revision: number;
  model: ClusterModel;
  settings: Pick<ClusterSettings, 'cni' | 'ingressControllers'>;
  /** The revision of the stored list to diff against (none: the first list of the cluster). */
  baseRevision?: number;
  /** The stored list as JSON text, when the computing side said it does not hold it. */
  baseJson?: string;
}

export type ConnectivityResult =
  | { needBase: true }
  | { needBase?: false; json: string; total: number; count: number; changes: ConnectionDiff[] };

/**
 * Derives a connection list and its diff against the previous one, keeping the last list per
 * cluster so the next diff needs no read. Pure computation over plain data: it runs in a worker
 * thread, so the job loop (and BullMQ's lock renewal) never waits for it.
 */
export class ConnectivityWork {
  private readonly last = new Map<string, { revision: number; rows: ConnectionRow[] }>();

  run(request: ConnectivityRequest): ConnectivityResult {
    if (request.baseJson !== undefined && request.baseRevision !== undefined) {
      this.last.set(request.clusterId, { revision: request.baseRevision, rows: JSON.parse(request.baseJson) as ConnectionRow[] });
    }
    const base = this.last.get(request.clusterId);
    if (request.baseRevision !== undefined && base?.revision !== request.baseRevision) return { needBase: true };
    const { model, settings } = request;
    const rows = connectionList(policyModelOf(model, settings), { clusterModel: model, ingressControllers: settings.ingressControllers });
    const changes = request.baseRevision !== undefined ? diffConnections(base!.rows, rows) : [];
    this.last.set(request.clusterId, { revision: request.revision, rows });
    return { json: JSON.stringify(rows), total: rows.length, count: changes.length, changes: changes.slice(0, MAX_EVENT_CHANGES) };
  }
}
