import * as z from 'zod';
import { anyObject, integer, status } from './field-rules';
import { objectMeta } from './object-meta';

/**
 * policy.networking.k8s.io/v1alpha1 AdminNetworkPolicy and BaselineAdminNetworkPolicy. The
 * spec and each rule's top level are strict; subjects, peers and ports are accepted as any
 * object for now (the policy evaluator validates what it compiles).
 */
const rule = (peers: 'from' | 'to', actions: readonly [string, ...string[]]) =>
  z.strictObject({
    name: z.string().max(100).optional(),
    action: z.enum(actions),
    [peers]: z.array(anyObject),
    ports: z.array(anyObject).optional(),
  });

const anpActions = ['Allow', 'Deny', 'Pass'] as const;
const banpActions = ['Allow', 'Deny'] as const;

export const adminNetworkPolicy = z.strictObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: objectMeta,
  spec: z.strictObject({
    priority: integer.min(0).max(1000),
    subject: anyObject,
    ingress: z.array(rule('from', anpActions)).max(100).optional(),
    egress: z.array(rule('to', anpActions)).max(100).optional(),
  }),
  status,
});

export const baselineAdminNetworkPolicy = z.strictObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: objectMeta,
  spec: z.strictObject({
    subject: anyObject,
    ingress: z.array(rule('from', banpActions)).max(100).optional(),
    egress: z.array(rule('to', banpActions)).max(100).optional(),
  }),
  status,
});
