import * as z from 'zod';
import { parseIpAddress } from '../../addresses/cidr-blocks';
import { addFieldIssue, dnsLabel, portName, portNumber, protocol, stringList } from './field-rules';
import { objectMeta } from './object-meta';

/** discovery.k8s.io/v1 EndpointSlice: strict, since selector-less Services take endpoints from it. */
const objectReference = z.strictObject({
  kind: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string().optional(),
  uid: z.string().optional(),
  apiVersion: z.string().optional(),
  resourceVersion: z.string().optional(),
  fieldPath: z.string().optional(),
});

export const endpoint = z.strictObject({
  addresses: stringList,
  conditions: z.strictObject({ ready: z.boolean().optional(), serving: z.boolean().optional(), terminating: z.boolean().optional() }).optional(),
  hostname: dnsLabel.optional(),
  targetRef: objectReference.optional(),
  nodeName: z.string().optional(),
  zone: z.string().optional(),
  hints: z
    .strictObject({
      forZones: z.array(z.strictObject({ name: z.string() })).optional(),
      forNodes: z.array(z.strictObject({ name: z.string() })).optional(),
    })
    .optional(),
});

export const endpointPort = z.strictObject({
  name: portName.optional(),
  protocol: protocol.optional(),
  port: portNumber.optional(),
  appProtocol: z.string().optional(),
});

export const endpointSlice = z.strictObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: objectMeta,
  addressType: z.enum(['IPv4', 'IPv6', 'FQDN']),
  endpoints: z.array(endpoint).max(1000),
  ports: z.array(endpointPort).max(100).optional(),
}).superRefine((slice, ctx) => {
  if (slice.addressType === 'FQDN') return;
  const family = slice.addressType === 'IPv4' ? 4 : 6;
  slice.endpoints.forEach((e, i) =>
    e.addresses.forEach((address, j) => {
      if (parseIpAddress(address)?.family !== family) {
        addFieldIssue(ctx, 'FieldValueInvalid', `Invalid value: ${JSON.stringify(address)}: must be a valid ${slice.addressType} address`, ['endpoints', i, 'addresses', j]);
      }
    }),
  );
});

