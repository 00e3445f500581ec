/**
 * Every queue and job of Switchyard, in one place: names, the payload each job carries, and
 * how duplicates are recognised. Payloads carry keys, never state: a worker re-reads the
 * latest state when it runs, so a duplicate, late or retried job does no harm.
 */
export enum QueueName {
  ClusterCompute = 'cluster-compute',
}

export enum JobName {
  /** Recompute a cluster's derived network state (verdicts, routes, DNS) at its latest revision. */
  RecomputeCluster = 'recompute-cluster',
}

export interface JobPayloads {
  /** `force` recomputes even when the snapshot is current (an operator's explicit request). */
  [JobName.RecomputeCluster]: { clusterId: string; force?: boolean };
}

export const JOB_QUEUE: { readonly [J in JobName]: QueueName } = {
  [JobName.RecomputeCluster]: QueueName.ClusterCompute,
};

/**
 * Deduplication id of a job. A burst of changes to one cluster collapses into one pending
 * recompute: BullMQ keeps at most one job per id that is not yet active.
 */
export function deduplicationId<J extends JobName>(name: J, payload: JobPayloads[J]): string {
  switch (name) {
    case JobName.RecomputeCluster:
      return `${name}:${payload.clusterId}`;
  }
  return name;
}

/** Fails at start-up when a job has no handler or two, so no job is silently never run. */
export function assertOneHandlerPerJob(handled: ReadonlyArray<JobName>): void {
  const problems: string[] = [];
  for (const name of Object.values(JobName)) {
    const count = handled.filter((h) => h === name).length;
    if (count !== 1) problems.push(`${name}: ${count} handlers`);
  }
  if (problems.length) throw new Error(`Job registry mismatch: ${problems.join(', ')}`);
}
