import * as z from 'zod';
import { checkDns1123Label } from '../names';
import { addFieldIssue, annotationMap, anyObject, checkedString, integer, objectLabelMap, stringList } from './field-rules';

/**
 * metav1.ObjectMeta with every real field, so exported objects (`kubectl get -o yaml`) pass.
 * The name rule depends on the kind and is checked in validate-manifests.ts.
 */
export const ownerReference = z
  .strictObject({
    apiVersion: z.string().optional(),
    kind: z.string().optional(),
    name: z.string().optional(),
    uid: z.string().optional(),
    controller: z.boolean().optional(),
    blockOwnerDeletion: z.boolean().optional(),
  })
  .superRefine((ref, ctx) => {
    // Required by the API server; Warn mode keeps incomplete references (rule ownerReference).
    for (const field of ['apiVersion', 'kind', 'name', 'uid'] as const) {
      if (ref[field] === undefined) addFieldIssue(ctx, 'FieldValueRequired', 'Required value', [field], 'ownerReference');
    }
  });

export const objectMeta = z.strictObject({
  name: z.string().optional(),
  generateName: z.string().optional(),
  namespace: checkedString(checkDns1123Label, 'objectName').optional(),
  selfLink: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: integer.optional(),
  creationTimestamp: z.string().optional(),
  deletionTimestamp: z.string().optional(),
  deletionGracePeriodSeconds: integer.optional(),
  labels: objectLabelMap.optional(),
  annotations: annotationMap.optional(),
  ownerReferences: z.array(ownerReference).optional(),
  finalizers: stringList.optional(),
  // Server-side apply bookkeeping: kept as given, never interpreted.
  managedFields: z.array(anyObject).optional(),
});

/** Metadata of pod templates and job templates: the same type, names usually omitted. */
export const templateMeta = objectMeta;
