import { parseIpAddress } from '../addresses/cidr-blocks';
import { compareText } from '../cluster/text-order';
import { asRecord, type ClusterObjectInput } from '../workloads/cluster-objects';
import type { Protocol } from '../workloads/pods-from-workloads';
import type { NodeModel, ServiceModel, ServicePortModel, ServiceType } from './service-model';

/**
 * Services and Nodes as the service layer reads them, with the API server's defaults applied
 * (semantics.md, "Services, endpoints and kube-proxy"). Addresses are read as IPAM stored them at
 * apply time; nothing is allocated here.
 */

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : []);

const SERVICE_TYPES: readonly ServiceType[] = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];
const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];
/** Kubernetes' default sessionAffinityConfig.clientIP.timeoutSeconds. */
export const DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10800;
/** The annotation kube-proxy reads when spec.loadBalancerSourceRanges is empty. */
const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';

function protocolOf(value: unknown): Protocol {
  const upper = typeof value === 'string' ? value.toUpperCase() : 'TCP';
  return (PROTOCOLS as readonly string[]).includes(upper) ? (upper as Protocol) : 'TCP';
}

function targetPortOf(value: unknown, port: number): number | string {
  if (typeof value === 'number' && value > 0) return value;
  if (typeof value === 'string' && value !== '') return /^\d+$/.test(value) ? Number(value) : value;
  return port; // Defaulted by the API server: targetPort = port.
}

function familyOf(ip: string): 'IPv4' | 'IPv6' | undefined {
  const parsed = parseIpAddress(ip);
  return parsed ? (parsed.family === 4 ? 'IPv4' : 'IPv6') : undefined;
}

function serviceOf(o: ClusterObjectInput): ServiceModel {
  const spec = asRecord(o.spec);
  const status = asRecord(o.status);
  const type = (SERVICE_TYPES as readonly unknown[]).includes(spec.type) ? (spec.type as ServiceType) : 'ClusterIP';
  const externalName = type === 'ExternalName';
  const headless = !externalName && spec.clusterIP === 'None';

  let clusterIPs: string[] = [];
  if (!externalName && !headless) {
    clusterIPs = strings(spec.clusterIPs).filter((ip) => ip !== 'None');
    if (clusterIPs.length === 0 && typeof spec.clusterIP === 'string' && spec.clusterIP !== '' && spec.clusterIP !== 'None') clusterIPs = [spec.clusterIP];
  }

  const exposesNodePorts = type === 'NodePort' || type === 'LoadBalancer';
  const ports: ServicePortModel[] = (Array.isArray(spec.ports) ? spec.ports : []).map((raw): ServicePortModel => {
    const p = asRecord(raw);
    const port = typeof p.port === 'number' ? p.port : 0;
    return {
      name: typeof p.name === 'string' ? p.name : '',
      port,
      protocol: protocolOf(p.protocol),
      targetPort: targetPortOf(p.targetPort, port),
      ...(exposesNodePorts && typeof p.nodePort === 'number' && p.nodePort > 0 ? { nodePort: p.nodePort } : {}),
    };
  });

  // A selector `{}` does not survive the API server's storage: it means "no selector" (the
  // EndpointSlice controller then leaves the endpoints to the user).
  const selectorRecord = spec.selector && typeof spec.selector === 'object' ? (spec.selector as Record<string, unknown>) : undefined;
  const selector =
    selectorRecord && Object.keys(selectorRecord).length > 0
      ? Object.fromEntries(Object.entries(selectorRecord).map(([k, v]) => [k, String(v)]))
      : undefined;

  let sourceRanges = strings(spec.loadBalancerSourceRanges);
  if (sourceRanges.length === 0) {
    const annotation = o.metadata.annotations?.[SOURCE_RANGES_ANNOTATION];
    if (annotation) sourceRanges = annotation.split(',').map((s) => s.trim()).filter((s) => s !== '');
  }

  const lbIngress = Array.isArray(asRecord(status.loadBalancer).ingress) ? (asRecord(status.loadBalancer).ingress as unknown[]) : [];
  const loadBalancerIPs = type === 'LoadBalancer' ? lbIngress.map((i) => asRecord(i).ip).filter((ip): ip is string => typeof ip === 'string' && ip !== '') : [];

  const affinity = spec.sessionAffinity === 'ClientIP' ? 'ClientIP' : 'None';
  const timeout = asRecord(asRecord(spec.sessionAffinityConfig).clientIP).timeoutSeconds;

  const declaredFamilies = strings(spec.ipFamilies).filter((f): f is 'IPv4' | 'IPv6' => f === 'IPv4' || f === 'IPv6');
  const ipFamilies = declaredFamilies.length > 0 ? declaredFamilies : [...new Set(clusterIPs.map(familyOf).filter((f) => f !== undefined))];

  return {
    namespace: o.metadata.namespace ?? 'default',
    name: o.metadata.name,
    type,
    clusterIPs,
    headless,
    ...(selector && !externalName ? { selector } : {}),
    ports,
    ...(externalName && typeof spec.externalName === 'string' ? { externalName: spec.externalName } : {}),
    externalIPs: externalName ? [] : strings(spec.externalIPs),
    loadBalancerIPs,
    loadBalancerSourceRanges: type === 'LoadBalancer' ? sourceRanges : [],
    sessionAffinity: affinity,
    sessionAffinityTimeout: typeof timeout === 'number' && timeout > 0 ? timeout : DEFAULT_AFFINITY_TIMEOUT_SECONDS,
    externalTrafficPolicy: spec.externalTrafficPolicy === 'Local' ? 'Local' : 'Cluster',
    internalTrafficPolicy: spec.internalTrafficPolicy === 'Local' ? 'Local' : 'Cluster',
    publishNotReadyAddresses: spec.publishNotReadyAddresses === true,
    ...(ipFamilies.length > 0 ? { ipFamilies } : {}),
  };
}

/** Every Service of the objects, normalized, sorted by namespace then name. */
export function normalizeServices(objects: readonly ClusterObjectInput[]): ServiceModel[] {
  return objects
    .filter((o) => o.kind === 'Service')
    .map(serviceOf)
    .sort((a, b) => (a.namespace === b.namespace ? compareText(a.name, b.name) : compareText(a.namespace, b.namespace)));
}

/** Every Node: InternalIP then ExternalIP addresses (status.addresses), spec.podCIDR, labels. */
export function nodesOf(objects: readonly ClusterObjectInput[]): NodeModel[] {
  return objects
    .filter((o) => o.kind === 'Node')
    .map((o): NodeModel => {
      const addresses = (Array.isArray(asRecord(o.status).addresses) ? (asRecord(o.status).addresses as unknown[]) : []).map(asRecord);
      const of = (type: string) => addresses.filter((a) => a.type === type && typeof a.address === 'string' && a.address !== '').map((a) => a.address as string);
      const podCidr = asRecord(o.spec).podCIDR;
      return {
        name: o.metadata.name,
        addresses: [...new Set([...of('InternalIP'), ...of('ExternalIP')])],
        ...(typeof podCidr === 'string' && podCidr !== '' ? { podCidr } : {}),
        labels: { ...(o.metadata.labels ?? {}) },
      };
    })
    .sort((a, b) => compareText(a.name, b.name));
}
