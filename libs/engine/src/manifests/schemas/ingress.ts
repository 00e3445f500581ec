import * as z from 'zod';
import { addFieldIssue, dnsLabel, portNumber, status, stringList } from './field-rules';
import { objectMeta } from './object-meta';

/** networking.k8s.io/v1 Ingress and IngressClass: strict, since ingress routing is read from them. */
const typedLocalObjectReference = z.strictObject({ apiGroup: z.string().optional(), kind: z.string(), name: z.string() });

export const ingressBackend = z
  .strictObject({
    service: z
      .strictObject({
        name: dnsLabel,
        port: z
          .strictObject({ name: z.string().optional(), number: portNumber.optional() })
          .superRefine((port, ctx) => {
            if ((port.name === undefined) === (port.number === undefined)) {
              addFieldIssue(ctx, 'FieldValueInvalid', 'Invalid value: exactly one of `name` or `number` must be specified');
            }
          }),
      })
      .optional(),
    resource: typedLocalObjectReference.optional(),
  })
  .superRefine((backend, ctx) => {
    if ((backend.service === undefined) === (backend.resource === undefined)) {
      addFieldIssue(ctx, 'FieldValueInvalid', 'Invalid value: exactly one of `service` or `resource` must be specified');
    }
  });

export const httpIngressPath = z
  .strictObject({
    path: z.string().optional(),
    pathType: z.enum(['Exact', 'Prefix', 'ImplementationSpecific']),
    backend: ingressBackend,
  })
  .superRefine((p, ctx) => {
    if ((p.pathType === 'Exact' || p.pathType === 'Prefix') && !(p.path ?? '').startsWith('/')) {
      addFieldIssue(ctx, 'FieldValueInvalid', `Invalid value: ${JSON.stringify(p.path ?? '')}: must be an absolute path`, ['path']);
    }
  });

/** A host is a DNS name, optionally with one leading `*.` wildcard label; never an IP. */
const ingressHost = z.string().superRefine((host, ctx) => {
  const name = host.startsWith('*.') ? host.slice(2) : host;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name) || name.length > 253) {
    addFieldIssue(ctx, 'FieldValueInvalid', `Invalid value: ${JSON.stringify(host)}: a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain`);
  }
});

export const ingressSpec = z.strictObject({
  ingressClassName: z.string().optional(),
  defaultBackend: ingressBackend.optional(),
  tls: z.array(z.strictObject({ hosts: stringList.optional(), secretName: z.string().optional() })).optional(),
  rules: z
    .array(
      z.strictObject({
        host: ingressHost.optional(),
        http: z.strictObject({ paths: z.array(httpIngressPath) }).optional(),
      }),
    )
    .optional(),
});

export const ingress = z.strictObject({ apiVersion: z.string(), kind: z.string(), metadata: objectMeta, spec: ingressSpec.optional(), status });

export const ingressClass = z.strictObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: objectMeta,
  spec: z
    .strictObject({
      controller: z.string().optional(),
      parameters: z
        .strictObject({
          apiGroup: z.string().optional(),
          kind: z.string(),
          name: z.string(),
          scope: z.enum(['Cluster', 'Namespace']).optional(),
          namespace: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
});
