import * as z from 'zod';
import { parseIpAddress } from '../../addresses/cidr-blocks';
import { addFieldIssue, anyObject, cidr, integer, ipAddress, portName, portNumber, portNumberOrName, protocol, status, stringList } from './field-rules';
import { objectMeta } from './object-meta';

/** core/v1 Service: strict spec, since routing, DNS and kube-proxy answers come from it. */
export const servicePort = z.strictObject({
  name: portName.optional(),
  protocol: protocol.optional(),
  appProtocol: z.string().optional(),
  port: portNumber,
  targetPort: portNumberOrName.optional(),
  // The cluster's node-port range is checked where the cluster is known (allocation).
  nodePort: portNumber.optional(),
});

export const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] as const;

/** `None` (headless), empty (allocate) or an IP address. */
const clusterIP = z.string().superRefine((value, ctx) => {
  if (value !== '' && value !== 'None' && !parseIpAddress(value)) {
    addFieldIssue(ctx, 'FieldValueInvalid', `Invalid value: ${JSON.stringify(value)}: must be empty, 'None', or a valid IP address`);
  }
});

export const serviceSpec = z
  .strictObject({
    ports: z.array(servicePort).optional(),
    selector: z.record(z.string(), z.string()).optional(),
    clusterIP: clusterIP.optional(),
    clusterIPs: z.array(clusterIP).optional(),
    type: z.enum(SERVICE_TYPES).optional(),
    externalIPs: z.array(ipAddress).optional(),
    sessionAffinity: z.enum(['ClientIP', 'None']).optional(),
    loadBalancerIP: z.string().optional(),
    loadBalancerSourceRanges: z.array(cidr).optional(),
    externalName: z.string().optional(),
    externalTrafficPolicy: z.enum(['Cluster', 'Local']).optional(),
    healthCheckNodePort: integer.optional(),
    publishNotReadyAddresses: z.boolean().optional(),
    sessionAffinityConfig: anyObject.optional(),
    ipFamilies: z.array(z.enum(['IPv4', 'IPv6'])).optional(),
    ipFamilyPolicy: z.enum(['SingleStack', 'PreferDualStack', 'RequireDualStack']).optional(),
    allocateLoadBalancerNodePorts: z.boolean().optional(),
    loadBalancerClass: z.string().optional(),
    internalTrafficPolicy: z.enum(['Cluster', 'Local']).optional(),
    trafficDistribution: z.string().optional(),
  })
  .superRefine((spec, ctx) => {
    const ports = spec.ports ?? [];
    // validateServicePort: names are required and unique once there is more than one port.
    if (ports.length > 1) {
      const seen = new Set<string>();
      ports.forEach((p, i) => {
        if (!p.name) addFieldIssue(ctx, 'FieldValueRequired', 'Required value: port names are required when a Service has more than one port', ['ports', i, 'name'], 'servicePortName');
        else if (seen.has(p.name)) addFieldIssue(ctx, 'FieldValueDuplicate', `Duplicate value: ${JSON.stringify(p.name)}`, ['ports', i, 'name']);
        else seen.add(p.name);
      });
    }
    if (spec.type === 'ExternalName' && !spec.externalName) {
      addFieldIssue(ctx, 'FieldValueRequired', 'Required value: externalName is required for type ExternalName', ['externalName']);
    }
    const typeAllowsNodePorts = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
    ports.forEach((p, i) => {
      if (p.nodePort !== undefined && !typeAllowsNodePorts) {
        addFieldIssue(ctx, 'FieldValueForbidden', `Forbidden: may not be used when \`type\` is '${spec.type ?? 'ClusterIP'}'`, ['ports', i, 'nodePort']);
      }
    });
  });

export const service = z.strictObject({ apiVersion: z.string(), kind: z.string(), metadata: objectMeta, spec: serviceSpec.optional(), status });
