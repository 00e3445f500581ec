import {
  auditCluster,
  connectionList,
  decodeConnectionList,
  diffConnections,
  encodeConnectionList,
  MAX_LISTED_WORKLOAD_PAIRS,
  policyModelOf,
  workloadPairCount,
  type AuditSettings,
  type ClusterModel,
  type ClusterObjectInput,
  type ClusterSettings,
  type ConnectionDiff,
  type ConnectionRow,
  type Finding,
  type PolicyModel,
} from '@switchyard/engine';

/** Connectivity changes carried in one event; the diff endpoint has them all. */
export const MAX_EVENT_CHANGES = 500;

/**
 * Above this many rows a list is neither kept nor stored (only its size is): beyond what one JSON
 * value holds comfortably. Such clusters get no connectivity-changed events; what-if and revision
 * diffs still answer for them.
 */
export const MAX_STORED_ROWS = 5_000_000;

/** What is stored in place of a list that is too large to make or keep. */
interface OmittedList {
  format: 'omitted';
  /** The rows, when the list was made; the workload pairs, when it was too large to make. */
  rows?: number;
  workloadPairs?: number;
}

/** One connection list to derive: the stored snapshot's model, and the revision the stored list reflects. */
export interface ConnectivityRequest {
  kind: 'connectivity';
  clusterId: string;
  revision: number;
  model: ClusterModel;
  settings: Pick<ClusterSettings, 'cni' | 'ingressControllers'>;
  /** The revision of the stored list to diff against (none: the first list of the cluster). */
  baseRevision?: number;
  /** The stored list as JSON text (encoded, see connection-list-codec), when the computing side said it does not hold it. */
  baseJson?: string;
}

export type ConnectivityResult =
  | { needBase: true }
  | { needBase?: false; json: string; total: number; count: number; changes: ConnectionDiff[] };

/** The audit of one revision. */
export interface AuditRequest {
  kind: 'audit';
  clusterId: string;
  revision: number;
  model: ClusterModel;
  objects: readonly ClusterObjectInput[];
  settings: AuditSettings;
}

export type AnalysisRequest = ConnectivityRequest | AuditRequest;
export type AnalysisResult<R extends AnalysisRequest> = R extends AuditRequest ? Finding[] : ConnectivityResult;

/**
 * What follows a stored snapshot: its workload connection list with the diff against the list
 * before, and its audit. Pure computation over plain data, run in a worker thread so that the
 * job loop (the next recompute, BullMQ's lock renewal) never waits for it. Keeps the last list
 * per cluster (the next diff needs no read) and the last compiled policy model (a list and an
 * audit of one revision compile it once).
 */
export class AnalysisWork {
  /** The last list per cluster; no rows when it was too large to keep. */
  private readonly lists = new Map<string, { revision: number; rows?: ConnectionRow[] }>();
  private readonly policies = new Map<string, { revision: number; cni: string; policy: PolicyModel }>();

  run<R extends AnalysisRequest>(request: R): AnalysisResult<R> {
    return (request.kind === 'audit' ? this.audit(request) : this.connectivity(request)) as AnalysisResult<R>;
  }

  private connectivity(request: ConnectivityRequest): ConnectivityResult {
    if (request.baseJson !== undefined && request.baseRevision !== undefined) {
      const stored = JSON.parse(request.baseJson) as Parameters<typeof decodeConnectionList>[0] | OmittedList;
      const rows = 'format' in stored && stored.format === 'omitted' ? undefined : decodeConnectionList(stored as Parameters<typeof decodeConnectionList>[0]);
      this.lists.set(request.clusterId, { revision: request.baseRevision, rows });
    }
    const base = this.lists.get(request.clusterId);
    if (request.baseRevision !== undefined && base?.revision !== request.baseRevision) return { needBase: true };
    const { model, settings } = request;
    const policy = this.policyOf(request.clusterId, request.revision, model, settings.cni);
    const workloadPairs = workloadPairCount(policy);
    if (workloadPairs > MAX_LISTED_WORKLOAD_PAIRS) {
      this.lists.set(request.clusterId, { revision: request.revision, rows: undefined });
      const omitted: OmittedList = { format: 'omitted', workloadPairs };
      return { json: JSON.stringify(omitted), total: 0, count: 0, changes: [] };
    }
    const rows = connectionList(policy, { clusterModel: model, ingressControllers: settings.ingressControllers });
    if (rows.length > MAX_STORED_ROWS) {
      this.lists.set(request.clusterId, { revision: request.revision, rows: undefined });
      const omitted: OmittedList = { format: 'omitted', rows: rows.length };
      return { json: JSON.stringify(omitted), total: rows.length, count: 0, changes: [] };
    }
    const changes = request.baseRevision !== undefined && base?.rows ? diffConnections(base.rows, rows) : [];
    this.lists.set(request.clusterId, { revision: request.revision, rows });
    return { json: JSON.stringify(encodeConnectionList(rows)), total: rows.length, count: changes.length, changes: changes.slice(0, MAX_EVENT_CHANGES) };
  }

  private audit(request: AuditRequest): Finding[] {
    const { model, objects, settings } = request;
    return auditCluster({ objects, model, policy: this.policyOf(request.clusterId, request.revision, model, settings.cni), settings });
  }

  private policyOf(clusterId: string, revision: number, model: ClusterModel, cni: string): PolicyModel {
    const kept = this.policies.get(clusterId);
    if (kept && kept.revision === revision && kept.cni === cni) return kept.policy;
    const policy = policyModelOf(model, { cni });
    this.policies.set(clusterId, { revision, cni, policy });
    return policy;
  }
}
