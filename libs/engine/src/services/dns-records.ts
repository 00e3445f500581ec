import ipaddr from 'ipaddr.js';
import { parseIpAddress } from '../addresses/cidr-blocks';
import { compareText } from '../cluster/text-order';
import type { ModelPod } from '../workloads/pods-from-workloads';
import type { EndpointModel, ServiceEndpointsModel, ServiceModel } from './service-model';

/**
 * The records cluster DNS serves (semantics.md, Cluster DNS: the kubernetes/dns specification,
 * and CoreDNS's kubernetes plugin where the specification leaves a choice). Plain data: the
 * resolver and service reachability read it; nothing here knows about a pod's resolv.conf.
 */
export type DnsRecordType = 'A' | 'AAAA' | 'SRV' | 'CNAME' | 'PTR';

export interface DnsRecord {
  /** FQDN without the trailing dot, lower-case. */
  name: string;
  type: DnsRecordType;
  /** An address (A/AAAA), a target name (CNAME/PTR), or for SRV `priority weight port target`. */
  value: string;
  ttl: number;
  /** What made the record, e.g. `Service shop/api`, `Pod shop/web`. */
  source: string;
}

export interface DnsRecordsInput {
  services: readonly ServiceModel[];
  endpoints: readonly ServiceEndpointsModel[];
  pods: readonly ModelPod[];
  clusterDomain: string;
}

/** CoreDNS's kubernetes plugin answers with a TTL of 5 seconds unless `ttl` is configured. */
export const CLUSTER_DNS_TTL = 5;

/** The reverse zones CoreDNS's default Corefile serves beside the cluster zone. */
export const REVERSE_ZONES = ['in-addr.arpa', 'ip6.arpa'] as const;

/** Lower-case, without a trailing dot: how names are compared and stored. */
export function normalizeDnsName(name: string): string {
  return name.trim().toLowerCase().replace(/\.+$/, '');
}

/** An address in the form Go prints it (RFC 5952 for IPv6), which CoreDNS turns into names. */
export function canonicalIp(ip: string): string {
  const parsed = parseIpAddress(ip);
  if (!parsed) return ip;
  return parsed.family === 4 ? ip : ipaddr.IPv6.parse(ip).toRFC5952String();
}

/** `10.244.1.5` → `10-244-1-5`; IPv6 colons become dashes (CoreDNS `endpointHostname`, pod records). */
export function dashedIp(ip: string): string {
  const text = canonicalIp(ip);
  return text.includes(':') ? text.replace(/:/g, '-') : text.replace(/\./g, '-');
}

/** `10.96.0.10` → `10.0.96.10.in-addr.arpa`; IPv6 in nibble form under `ip6.arpa`. */
export function reverseName(ip: string): string | undefined {
  const parsed = parseIpAddress(ip);
  if (!parsed) return undefined;
  if (parsed.family === 4) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  const nibbles = parsed.value.toString(16).padStart(32, '0').split('');
  return `${nibbles.reverse().join('.')}.ip6.arpa`;
}

function addressType(ip: string): 'A' | 'AAAA' | undefined {
  const parsed = parseIpAddress(ip);
  return parsed ? (parsed.family === 4 ? 'A' : 'AAAA') : undefined;
}

/**
 * SRV weight as CoreDNS computes it: every target of one name has the default weight 100 at
 * priority 0, scaled to 100 over the whole set, floored, at least 1 (plugin/backend_lookup.go).
 */
export function srvWeight(targets: number): number {
  return Math.max(1, Math.floor(100 / Math.max(1, targets)));
}

/**
 * Does DNS publish this endpoint? Ready endpoints always; not-ready ones only when the service
 * sets `publishNotReadyAddresses` (semantics.md: headless, "one A record per READY endpoint").
 */
export function publishedInDns(service: ServiceModel, endpoint: EndpointModel): boolean {
  return endpoint.ready || service.publishNotReadyAddresses;
}

/**
 * The name an endpoint has under its service: its hostname when it has one (a StatefulSet pod
 * whose `subdomain` is the service), else the dashed IP, as CoreDNS's `endpointHostname` does.
 */
export function endpointDnsLabel(service: ServiceModel, endpoint: EndpointModel, podsByKey: ReadonlyMap<string, ModelPod>): string {
  return endpointHostname(service, endpoint, podsByKey) ?? dashedIp(endpoint.ip);
}

function endpointHostname(service: ServiceModel, endpoint: EndpointModel, podsByKey: ReadonlyMap<string, ModelPod>): string | undefined {
  if (endpoint.hostname) return endpoint.hostname.toLowerCase();
  // The endpoints controller sets the hostname when the pod's subdomain names the service.
  const pod = endpoint.pod ? podsByKey.get(endpoint.pod) : undefined;
  if (pod?.hostname && pod.subdomain === service.name && pod.namespace === service.namespace) return pod.hostname.toLowerCase();
  return undefined;
}

const serviceKey = (namespace: string, name: string) => `${namespace}/${name}`;

/** `<svc>.<ns>.svc.<zone>`. */
export function serviceDnsName(service: { namespace: string; name: string }, clusterDomain: string): string {
  return `${service.name}.${service.namespace}.svc.${normalizeDnsName(clusterDomain)}`.toLowerCase();
}

/** Every record cluster DNS serves for these services, endpoints and pods, sorted by name, type, value. */
export function dnsRecords(input: DnsRecordsInput): DnsRecord[] {
  const zone = normalizeDnsName(input.clusterDomain);
  const out: DnsRecord[] = [];
  const seen = new Set<string>();
  const add = (name: string, type: DnsRecordType, value: string, source: string) => {
    const record: DnsRecord = { name: normalizeDnsName(name), type, value: type === 'CNAME' || type === 'PTR' ? normalizeDnsName(value) : value, ttl: CLUSTER_DNS_TTL, source };
    const key = `${record.name}\u0000${record.type}\u0000${record.value}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(record);
  };

  const podsByKey = new Map(input.pods.map((p) => [`${p.namespace}/${p.name}`, p]));
  const endpointsByService = new Map(input.endpoints.map((e) => [serviceKey(e.namespace, e.service), e]));

  for (const service of input.services) {
    const name = serviceDnsName(service, zone);
    const source = `Service ${service.namespace}/${service.name}`;

    if (service.type === 'ExternalName') {
      // ExternalName: a CNAME only (CoreDNS answers an address directly when externalName is an IP).
      if (!service.externalName) continue;
      const target = normalizeDnsName(service.externalName);
      const type = addressType(target);
      if (type) add(name, type, canonicalIp(target), source);
      else add(name, 'CNAME', target, source);
      continue;
    }

    const published = (endpointsByService.get(serviceKey(service.namespace, service.name))?.endpoints ?? []).filter((e) => publishedInDns(service, e));

    if (!service.headless) {
      for (const ip of service.clusterIPs) {
        const type = addressType(ip);
        if (!type) continue;
        add(name, type, canonicalIp(ip), source);
        const ptr = reverseName(ip);
        if (ptr) add(ptr, 'PTR', name, source);
      }
      // SRV for NAMED ports only; one target, the service name, so weight 100.
      for (const port of service.ports) {
        if (!port.name) continue;
        add(`_${port.name}._${port.protocol.toLowerCase()}.${name}`, 'SRV', `0 ${srvWeight(1)} ${port.port} ${name}`, source);
      }
    } else {
      // Headless: the service name answers with every published endpoint address.
      for (const endpoint of published) {
        const type = addressType(endpoint.ip);
        if (type) add(name, type, canonicalIp(endpoint.ip), `${source} endpoint ${endpoint.pod ?? endpoint.ip}`);
      }
      for (const port of service.ports) {
        if (!port.name) continue;
        // A pod that does not resolve the port's target is not an endpoint for that port.
        const targets = published.filter((e) => e.ports[port.name] !== undefined);
        const weight = srvWeight(targets.length);
        for (const endpoint of targets) {
          const target = `${endpointDnsLabel(service, endpoint, podsByKey)}.${name}`;
          add(`_${port.name}._${port.protocol.toLowerCase()}.${name}`, 'SRV', `0 ${weight} ${endpoint.ports[port.name]!.port} ${target}`, `${source} endpoint ${endpoint.pod ?? endpoint.ip}`);
        }
      }
    }

    // Endpoint names and their PTRs. The specification defines them for headless services;
    // CoreDNS serves `<hostname|dashed-ip>.<svc>.<ns>.svc.<zone>` and the PTR of every
    // published endpoint address of any service (plugin/kubernetes serviceRecordForIP).
    for (const endpoint of published) {
      const type = addressType(endpoint.ip);
      if (!type) continue;
      const endpointName = `${endpointDnsLabel(service, endpoint, podsByKey)}.${name}`;
      const endpointSource = `${source} endpoint ${endpoint.pod ?? endpoint.ip}`;
      add(endpointName, type, canonicalIp(endpoint.ip), endpointSource);
      const ptr = reverseName(endpoint.ip);
      if (ptr) add(ptr, 'PTR', endpointName, endpointSource);
    }
  }

  // Pods: `<dashed-ip>.<ns>.pod.<zone>` (deprecated but still served by CoreDNS `pods insecure`).
  for (const pod of input.pods) {
    for (const ip of pod.ips) {
      const type = addressType(ip);
      if (type) add(`${dashedIp(ip)}.${pod.namespace}.pod.${zone}`, type, canonicalIp(ip), `Pod ${pod.namespace}/${pod.name}`);
    }
  }

  return out.sort((a, b) => compareText(a.name, b.name) || compareText(a.type, b.type) || compareText(a.value, b.value));
}

export interface DnsRecordQuery {
  name?: string;
  type?: string;
}

/** Records by exact name (case-insensitive, trailing dot ignored) and/or type. */
export function queryDnsRecords(records: readonly DnsRecord[], query: DnsRecordQuery): DnsRecord[] {
  const name = query.name === undefined ? undefined : normalizeDnsName(query.name);
  const type = query.type === undefined ? undefined : query.type.trim().toUpperCase();
  return records.filter((r) => (name === undefined || r.name === name) && (type === undefined || r.type === type));
}

/** The parts of an SRV value. */
export function parseSrvValue(value: string): { priority: number; weight: number; port: number; target: string } | undefined {
  const parts = value.split(' ');
  if (parts.length !== 4) return undefined;
  const [priority, weight, port] = parts.slice(0, 3).map(Number) as [number, number, number];
  return { priority, weight, port, target: parts[3]! };
}
