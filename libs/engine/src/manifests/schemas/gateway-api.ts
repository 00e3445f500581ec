import * as z from 'zod';
import { anyObject, integer, labelSelector, portNumber, status, stringList } from './field-rules';
import { objectMeta } from './object-meta';

/**
 * gateway.networking.k8s.io GatewayClass, Gateway, HTTPRoute and ReferenceGrant: strict where
 * routing reads them (listeners, parentRefs, matches, backendRefs). Filters, TLS options,
 * timeouts, retries and session persistence are accepted as any object: they change no verdict.
 */
function kindOf<T extends z.ZodType>(spec: T) {
  return z.strictObject({ apiVersion: z.string(), kind: z.string(), metadata: objectMeta, spec, status });
}

const parametersReference = z.strictObject({ group: z.string(), kind: z.string(), name: z.string(), namespace: z.string().optional() });

export const gatewayClassSpec = z.strictObject({
  controllerName: z.string(),
  parametersRef: parametersReference.optional(),
  description: z.string().optional(),
});

const routeGroupKind = z.strictObject({ group: z.string().optional(), kind: z.string() });

export const listener = z.strictObject({
  name: z.string(),
  hostname: z.string().optional(),
  port: portNumber,
  protocol: z.string(),
  tls: anyObject.optional(),
  allowedRoutes: z
    .strictObject({
      namespaces: z
        .strictObject({ from: z.enum(['All', 'Same', 'Selector']).optional(), selector: labelSelector.optional() })
        .optional(),
      kinds: z.array(routeGroupKind).optional(),
    })
    .optional(),
});

export const gatewaySpec = z.strictObject({
  gatewayClassName: z.string(),
  listeners: z.array(listener).min(1).max(64),
  addresses: z.array(z.strictObject({ type: z.string().optional(), value: z.string() })).optional(),
  infrastructure: anyObject.optional(),
  backendTLS: anyObject.optional(),
});

export const parentReference = z.strictObject({
  group: z.string().optional(),
  kind: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string(),
  sectionName: z.string().optional(),
  port: portNumber.optional(),
});

const stringMatch = z.strictObject({
  type: z.enum(['Exact', 'RegularExpression']).optional(),
  name: z.string(),
  value: z.string(),
});

export const httpRouteMatch = z.strictObject({
  path: z
    .strictObject({ type: z.enum(['Exact', 'PathPrefix', 'RegularExpression']).optional(), value: z.string().optional() })
    .optional(),
  headers: z.array(stringMatch).optional(),
  queryParams: z.array(stringMatch).optional(),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']).optional(),
});

export const httpBackendRef = z.strictObject({
  group: z.string().optional(),
  kind: z.string().optional(),
  name: z.string(),
  namespace: z.string().optional(),
  port: portNumber.optional(),
  weight: integer.min(0).max(1_000_000).optional(),
  filters: z.array(anyObject).optional(),
});

export const httpRouteSpec = z.strictObject({
  parentRefs: z.array(parentReference).optional(),
  hostnames: stringList.optional(),
  rules: z
    .array(
      z.strictObject({
        name: z.string().optional(),
        matches: z.array(httpRouteMatch).optional(),
        filters: z.array(anyObject).optional(),
        backendRefs: z.array(httpBackendRef).optional(),
        timeouts: anyObject.optional(),
        retry: anyObject.optional(),
        sessionPersistence: anyObject.optional(),
      }),
    )
    .optional(),
});

export const referenceGrantSpec = z.strictObject({
  from: z.array(z.strictObject({ group: z.string(), kind: z.string(), namespace: z.string() })).min(1),
  to: z.array(z.strictObject({ group: z.string(), kind: z.string(), name: z.string().optional() })).min(1),
});

export const gatewayClass = kindOf(gatewayClassSpec);
export const gateway = kindOf(gatewaySpec);
export const httpRoute = kindOf(httpRouteSpec);
export const referenceGrant = z.strictObject({ apiVersion: z.string(), kind: z.string(), metadata: objectMeta, spec: referenceGrantSpec });
