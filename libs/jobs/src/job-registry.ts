/**
 * Every queue and job of Switchyard, in one place: names, the payload each job carries, and
 * how duplicates are recognised. Payloads carry keys, never state: a worker re-reads the
 * latest state when it runs, so a duplicate, late or retried job does no harm.
 */
export enum QueueName {
  ClusterCompute = 'cluster-compute',
  ClusterAudit = 'cluster-audit',
}

export enum JobName {
  /** Recompute a cluster's derived network state (verdicts, routes, DNS) at its latest revision. */
  RecomputeCluster = 'recompute-cluster',
  /** Run the audit rules over a cluster's latest snapshot and update its findings. */
  AuditCluster = 'audit-cluster',
}

export interface JobPayloads {
  /** `force` recomputes even when the snapshot is current (an operator's explicit request). */
  [JobName.RecomputeCluster]: { clusterId: string; force?: boolean };
  [JobName.AuditCluster]: { clusterId: string };
}

export const JOB_QUEUE: { readonly [J in JobName]: QueueName } = {
  [JobName.RecomputeCluster]: QueueName.ClusterCompute,
  [JobName.AuditCluster]: QueueName.ClusterAudit,
};

/**
 * Deduplication id of a job. A burst of changes to one cluster collapses into one pending
 * recompute: BullMQ keeps at most one job per id that is not yet active.
 */
export function deduplicationId<J extends JobName>(name: J, payload: JobPayloads[J]): string {
  switch (name) {
    case JobName.RecomputeCluster:
    case JobName.AuditCluster:
      return `${name}:${payload.clusterId}`;
  }
  return name;
}

/** The id of a cluster's repeatable audit (one scheduler per cluster). */
export const auditSchedulerId = (clusterId: string): string => `${JobName.AuditCluster}:${clusterId}`;

/** Fails at start-up when a job has no handler or two, so no job is silently never run. */
export function assertOneHandlerPerJob(handled: ReadonlyArray<JobName>): void {
  const problems: string[] = [];
  for (const name of Object.values(JobName)) {
    const count = handled.filter((h) => h === name).length;
    if (count !== 1) problems.push(`${name}: ${count} handlers`);
  }
  if (problems.length) throw new Error(`Job registry mismatch: ${problems.join(', ')}`);
}
