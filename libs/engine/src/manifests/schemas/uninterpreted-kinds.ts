import * as z from 'zod';
import { anyObject, status } from './field-rules';
import { objectMeta } from './object-meta';

/**
 * Kinds whose spec the product does not interpret beyond metadata: Namespace (its labels
 * matter, its spec.finalizers do not), Node (its name and addresses live in status) and the
 * OpenShift Route (spec kept as given). Their specs are accepted as any object.
 */
export const namespace = z.strictObject({ apiVersion: z.string(), kind: z.string(), metadata: objectMeta, spec: anyObject.optional(), status });
export const node = z.strictObject({ apiVersion: z.string(), kind: z.string(), metadata: objectMeta, spec: anyObject.optional(), status });
export const openShiftRoute = z.strictObject({ apiVersion: z.string(), kind: z.string(), metadata: objectMeta, spec: anyObject.optional(), status });
