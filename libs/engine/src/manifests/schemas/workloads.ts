import * as z from 'zod';
import { anyObject, integer, labelSelector, status } from './field-rules';
import { objectMeta, templateMeta } from './object-meta';
import { podTemplateSpec } from './pod-spec';

/**
 * Workload specs (apps/v1, batch/v1, core/v1 ReplicationController): strict top levels with
 * every real field, because the product derives pods (labels, ports, replicas, hostnames)
 * from them. Update strategies and policies are accepted as any object.
 */
function workload<T extends z.ZodType>(spec: T) {
  return z.strictObject({ apiVersion: z.string(), kind: z.string(), metadata: objectMeta, spec, status });
}

export const deploymentSpec = z.strictObject({
  replicas: integer.optional(),
  selector: labelSelector,
  template: podTemplateSpec,
  strategy: anyObject.optional(),
  minReadySeconds: integer.optional(),
  revisionHistoryLimit: integer.optional(),
  paused: z.boolean().optional(),
  progressDeadlineSeconds: integer.optional(),
});

export const statefulSetSpec = z.strictObject({
  replicas: integer.optional(),
  selector: labelSelector,
  template: podTemplateSpec,
  volumeClaimTemplates: z.array(anyObject).optional(),
  serviceName: z.string().optional(),
  podManagementPolicy: z.string().optional(),
  updateStrategy: anyObject.optional(),
  revisionHistoryLimit: integer.optional(),
  minReadySeconds: integer.optional(),
  persistentVolumeClaimRetentionPolicy: anyObject.optional(),
  ordinals: anyObject.optional(),
});

export const daemonSetSpec = z.strictObject({
  selector: labelSelector,
  template: podTemplateSpec,
  updateStrategy: anyObject.optional(),
  minReadySeconds: integer.optional(),
  revisionHistoryLimit: integer.optional(),
});

export const replicaSetSpec = z.strictObject({
  replicas: integer.optional(),
  minReadySeconds: integer.optional(),
  selector: labelSelector,
  template: podTemplateSpec.optional(),
});

export const jobSpec = z.strictObject({
  parallelism: integer.optional(),
  completions: integer.optional(),
  activeDeadlineSeconds: integer.optional(),
  podFailurePolicy: anyObject.optional(),
  successPolicy: anyObject.optional(),
  backoffLimit: integer.optional(),
  backoffLimitPerIndex: integer.optional(),
  maxFailedIndexes: integer.optional(),
  // Set by the API server on Jobs, so optional here.
  selector: labelSelector.optional(),
  manualSelector: z.boolean().optional(),
  template: podTemplateSpec,
  ttlSecondsAfterFinished: integer.optional(),
  completionMode: z.string().optional(),
  suspend: z.boolean().optional(),
  podReplacementPolicy: z.string().optional(),
  managedBy: z.string().optional(),
});

export const cronJobSpec = z.strictObject({
  schedule: z.string(),
  timeZone: z.string().optional(),
  startingDeadlineSeconds: integer.optional(),
  concurrencyPolicy: z.enum(['Allow', 'Forbid', 'Replace']).optional(),
  suspend: z.boolean().optional(),
  jobTemplate: z.strictObject({ metadata: templateMeta.optional(), spec: jobSpec }),
  successfulJobsHistoryLimit: integer.optional(),
  failedJobsHistoryLimit: integer.optional(),
});

export const replicationControllerSpec = z.strictObject({
  replicas: integer.optional(),
  minReadySeconds: integer.optional(),
  // A plain label map here, unlike the apps/v1 kinds; defaulted from the template labels when omitted.
  selector: z.record(z.string(), z.string()).optional(),
  template: podTemplateSpec.optional(),
});

export const deployment = workload(deploymentSpec);
export const statefulSet = workload(statefulSetSpec);
export const daemonSet = workload(daemonSetSpec);
export const replicaSet = workload(replicaSetSpec);
export const job = workload(jobSpec);
export const cronJob = workload(cronJobSpec);
export const replicationController = workload(replicationControllerSpec);

