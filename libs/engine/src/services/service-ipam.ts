import { cidrContainsAddress, cidrLast, formatIpAddress, parseCidr, parseIpAddress, type CidrBlock } from '../addresses/cidr-blocks';
import { formatFieldPath, type FieldError } from '../errors/domain-error';
import { parseNodePortRange } from '../cluster/cluster-settings';
import type { ManifestObject } from '../manifests/validate-manifests';
import { asRecord } from '../workloads/cluster-objects';
import { NODE_PREFIX } from '../workloads/pod-addresses';
import { fnv1a } from '../workloads/stable-hash';

/**
 * Address management done at apply time, as the API server does: ClusterIPs from the service
 * CIDR, NodePorts from the node-port range, and a pod range per Node from the pod CIDR. What is
 * given is checked (in range, free); what is missing is allocated and written into the object,
 * so addresses are stored with the object and never change on recompute.
 */
export interface IpamSettings {
  serviceCidr: string;
  podCidr: string;
  nodePortRange: string;
}

/** What is already allocated in the cluster, by owner (`ns/name` of a Service, or a Node name). */
export interface StoredAllocations {
  services: ReadonlyArray<{ namespace: string; name: string; clusterIPs: string[]; nodePorts: ReadonlyArray<{ name: string; port: number; protocol: string; nodePort: number }> }>;
  nodes: ReadonlyArray<{ name: string; podCidr?: string }>;
}

/** The services every cluster has, at the addresses Kubernetes gives them. */
export const WELL_KNOWN_SERVICE_IPS = [
  { namespace: 'default', name: 'kubernetes', offset: 1n },
  { namespace: 'kube-system', name: 'kube-dns', offset: 10n },
] as const;

export interface IpamResult {
  /** The incoming objects, Services and Nodes completed with their addresses. */
  objects: ManifestObject[];
  errors: FieldError[];
  /** True when an address pool ran out (a clear 4xx of its own, not a bad field). */
  exhausted: boolean;
}

export function wellKnownServiceIp(serviceCidr: string, namespace: string, name: string): string | undefined {
  const block = parseCidr(serviceCidr);
  return block ? wellKnownIpIn(block, namespace, name) : undefined;
}

function wellKnownIpIn(block: CidrBlock, namespace: string, name: string): string | undefined {
  const known = WELL_KNOWN_SERVICE_IPS.find((s) => s.namespace === namespace && s.name === name);
  return known ? formatIpAddress(block.family, block.network + known.offset) : undefined;
}

/**
 * Completes Services and Nodes of one write. `stored` holds the allocations of objects already in
 * the cluster (the caller serialises writers per cluster, so it is current).
 */
export function allocateAddresses(
  objects: readonly ManifestObject[],
  stored: StoredAllocations,
  settings: IpamSettings,
  options: { onConflict?: 'reject' | 'reallocate' } = {},
): IpamResult {
  const errors: FieldError[] = [];
  /**
   * Imported state (fieldValidation=Warn) often holds addresses from another cluster that clash
   * here or lie outside our ranges: then the address is replaced and the object says so.
   */
  const reallocate = options.onConflict === 'reallocate';
  const warnings = new Map<ManifestObject, FieldError[]>();
  const serviceBlock = parseCidr(settings.serviceCidr)!;
  const podBlock = parseCidr(settings.podCidr)!;
  const portRange = parseNodePortRange(settings.nodePortRange)!;
  const incomingKeys = new Set(objects.filter((o) => o.kind === 'Service').map((o) => `${o.namespace}/${o.name}`));
  const incomingNodes = new Set(objects.filter((o) => o.kind === 'Node').map((o) => o.name));

  // Addresses held by objects this write does not touch, plus the well-known ones.
  const ipOwner = new Map<string, string>();
  const nodePortOwner = new Map<number, string>();
  for (const s of stored.services) {
    if (incomingKeys.has(`${s.namespace}/${s.name}`)) continue;
    for (const ip of s.clusterIPs) ipOwner.set(ip, `${s.namespace}/${s.name}`);
    for (const p of s.nodePorts) nodePortOwner.set(p.nodePort, `${s.namespace}/${s.name}`);
  }
  for (const known of WELL_KNOWN_SERVICE_IPS) {
    ipOwner.set(formatIpAddress(serviceBlock.family, serviceBlock.network + known.offset), `${known.namespace}/${known.name}`);
  }
  const cidrOwner = new Map<string, string>();
  for (const n of stored.nodes) if (n.podCidr && !incomingNodes.has(n.name)) cidrOwner.set(n.podCidr, n.name);
  const previous = new Map(stored.services.map((s) => [`${s.namespace}/${s.name}`, s]));
  const previousNodes = new Map(stored.nodes.map((n) => [n.name, n]));

  let exhaustedPool = false;
  const fieldPath = (o: ManifestObject, path: (string | number)[]) => `${o.path ? `${o.path}.` : ''}${formatFieldPath(path)}`;
  /** A rejected request: an error, or (reallocating) a warning, the caller then allocating anew. */
  const report = (o: ManifestObject, path: (string | number)[], reason: FieldError['reason'], message: string) => {
    const error = { document: o.document, path: fieldPath(o, path), reason, message };
    if (reallocate) warnings.set(o, [...(warnings.get(o) ?? []), { ...error, message: `${message} (accepted: a new one was allocated)` }]);
    else errors.push(error);
  };

  const out = objects.map((o) => {
    const completed = o.kind === 'Service' ? completeService(o) : o.kind === 'Node' ? completeNode(o) : o;
    const extra = warnings.get(o);
    return extra ? { ...completed, warnings: [...(o.warnings ?? []), ...extra] } : completed;
  });
  return { objects: out, errors, exhausted: exhaustedPool };

  function completeService(o: ManifestObject): ManifestObject {
    const key = `${o.namespace}/${o.name}`;
    const spec = { ...asRecord(o.spec) };
    const type = (spec.type as string | undefined) ?? 'ClusterIP';
    const before = previous.get(key);
    if (type !== 'ExternalName' && spec.clusterIP !== 'None') {
      const requested = (spec.clusterIP as string | undefined) || (Array.isArray(spec.clusterIPs) ? (spec.clusterIPs[0] as string | undefined) : undefined);
      const kept = before?.clusterIPs[0];
      const wellKnown = wellKnownIpIn(serviceBlock, o.namespace, o.name);
      let ip: string | undefined;
      if (requested) {
        if (kept && requested !== kept) {
          report(o, ['spec', 'clusterIP'], 'FieldValueInvalid', `Invalid value: "${requested}": field is immutable (the service has ${kept})`);
          if (reallocate) ip = kept;
        } else {
          ip = checkRequestedIp(o, requested, key) ?? (reallocate ? (wellKnown ?? allocateIp(o, key)) : undefined);
        }
      } else {
        ip = kept ?? wellKnown ?? allocateIp(o, key);
      }
      if (ip) {
        spec.clusterIP = ip;
        spec.clusterIPs = [ip];
        ipOwner.set(ip, key);
      }
    }
    if ((type === 'NodePort' || type === 'LoadBalancer') && spec.allocateLoadBalancerNodePorts !== false) {
      const ports = Array.isArray(spec.ports) ? spec.ports.map((p) => ({ ...asRecord(p) })) : [];
      ports.forEach((port, i) => {
        const protocol = ((port.protocol as string | undefined) ?? 'TCP').toUpperCase();
        const previousPort = before?.nodePorts.find((p) => (p.name && p.name === port.name) || (p.port === port.port && p.protocol === protocol));
        let rejected = false;
        if (typeof port.nodePort === 'number') {
          const owner = nodePortOwner.get(port.nodePort);
          if (port.nodePort < portRange.min || port.nodePort > portRange.max) {
            report(o, ['spec', 'ports', i, 'nodePort'], 'FieldValueInvalid', `Invalid value: ${port.nodePort}: provided port is not in the valid range. The range of valid ports is ${portRange.min}-${portRange.max}`);
            rejected = true;
          } else if (owner && owner !== key) {
            report(o, ['spec', 'ports', i, 'nodePort'], 'FieldValueInvalid', `Invalid value: ${port.nodePort}: provided port is already allocated (to Service ${owner})`);
            rejected = true;
          } else nodePortOwner.set(port.nodePort, key);
        }
        if (typeof port.nodePort !== 'number' || (rejected && reallocate)) {
          const nodePort = previousPort?.nodePort ?? allocateNodePort(o, i, `${key}:${(port.name as string) ?? ''}:${protocol}`);
          if (nodePort !== undefined) {
            port.nodePort = nodePort;
            nodePortOwner.set(nodePort, key);
          }
        }
      });
      spec.ports = ports;
    }
    return { ...o, spec };
  }

  function checkRequestedIp(o: ManifestObject, requested: string, key: string): string | undefined {
    const address = parseIpAddress(requested);
    if (!address || !cidrContainsAddress(serviceBlock, address)) {
      report(o, ['spec', 'clusterIP'], 'FieldValueInvalid', `Invalid value: "${requested}": provided IP is not in the valid range. The range of valid IPs is ${settings.serviceCidr}`);
      return undefined;
    }
    if (address.value === serviceBlock.network || (serviceBlock.family === 4 && address.value === cidrLast(serviceBlock))) {
      report(o, ['spec', 'clusterIP'], 'FieldValueInvalid', `Invalid value: "${requested}": the network and broadcast addresses of ${settings.serviceCidr} cannot be allocated`);
      return undefined;
    }
    const owner = ipOwner.get(requested);
    if (owner && owner !== key) {
      report(o, ['spec', 'clusterIP'], 'FieldValueInvalid', `Invalid value: "${requested}": provided IP is already allocated (to Service ${owner})`);
      return undefined;
    }
    return requested;
  }

  /** A slot that depends on the service's identity: stable, and independent of allocation order. */
  function allocateIp(o: ManifestObject, key: string): string | undefined {
    const size = cidrLast(serviceBlock) - serviceBlock.network + 1n;
    const usable = size - 2n;
    if (usable <= 0n) return exhausted(o, ['spec', 'clusterIP'], `the service CIDR ${settings.serviceCidr} has no usable address`);
    const start = BigInt(fnv1a(key)) % usable;
    // Probing visits every slot once; large CIDRs rarely probe more than a few.
    for (let i = 0n; i < usable; i++) {
      const ip = formatIpAddress(serviceBlock.family, serviceBlock.network + 1n + ((start + i) % usable));
      if (!ipOwner.has(ip)) return ip;
    }
    return exhausted(o, ['spec', 'clusterIP'], `no free address left in the service CIDR ${settings.serviceCidr}`);
  }

  function allocateNodePort(o: ManifestObject, index: number, seed: string): number | undefined {
    const count = portRange.max - portRange.min + 1;
    const start = fnv1a(seed) % count;
    for (let i = 0; i < count; i++) {
      const port = portRange.min + ((start + i) % count);
      if (!nodePortOwner.has(port)) return port;
    }
    exhausted(o, ['spec', 'ports', index, 'nodePort'], `no free node port left in ${settings.nodePortRange}`);
    return undefined;
  }

  function completeNode(o: ManifestObject): ManifestObject {
    const spec = { ...asRecord(o.spec) };
    const given = spec.podCIDR as string | undefined;
    const kept = previousNodes.get(o.name)?.podCidr;
    if (given) {
      const block = parseCidr(given);
      const owner = cidrOwner.get(given);
      if (!block) report(o, ['spec', 'podCIDR'], 'FieldValueInvalid', `Invalid value: "${given}": must be a CIDR`);
      else if (owner && owner !== o.name) report(o, ['spec', 'podCIDR'], 'FieldValueInvalid', `Invalid value: "${given}": already assigned to node ${owner}`);
      else {
        cidrOwner.set(given, o.name);
        return o;
      }
      if (!reallocate) return o;
    }
    const cidr = kept ?? allocateNodeCidr(o);
    if (cidr) {
      spec.podCIDR = cidr;
      spec.podCIDRs = [cidr];
      cidrOwner.set(cidr, o.name);
    }
    return { ...o, spec };
  }

  function allocateNodeCidr(o: ManifestObject): string | undefined {
    const mask = Math.max(NODE_PREFIX[podBlock.family], podBlock.prefix);
    const count = 1n << BigInt(mask - podBlock.prefix);
    const step = 1n << BigInt((podBlock.family === 4 ? 32 : 128) - mask);
    const start = BigInt(fnv1a(o.name)) % count;
    for (let i = 0n; i < count; i++) {
      const cidr = `${formatIpAddress(podBlock.family, podBlock.network + ((start + i) % count) * step)}/${mask}`;
      if (!cidrOwner.has(cidr)) return cidr;
    }
    return exhausted(o, ['spec', 'podCIDR'], `no free /${mask} range left in the pod CIDR ${settings.podCidr}`);
  }

  function exhausted(o: ManifestObject, path: (string | number)[], message: string): undefined {
    exhaustedPool = true;
    report(o, path, 'FieldValueInvalid', message);
    return undefined;
  }
}

/** Reads the allocations a stored Service holds (for `StoredAllocations`). */
export function allocationsOfService(namespace: string, name: string, spec: unknown): StoredAllocations['services'][number] {
  const s = asRecord(spec);
  const ips = Array.isArray(s.clusterIPs) ? (s.clusterIPs as string[]) : typeof s.clusterIP === 'string' && s.clusterIP !== 'None' && s.clusterIP !== '' ? [s.clusterIP] : [];
  const ports = Array.isArray(s.ports) ? s.ports.map(asRecord) : [];
  return {
    namespace,
    name,
    clusterIPs: ips.filter((ip) => ip !== 'None'),
    nodePorts: ports
      .filter((p) => typeof p.nodePort === 'number')
      .map((p) => ({ name: (p.name as string) ?? '', port: p.port as number, protocol: ((p.protocol as string) ?? 'TCP').toUpperCase(), nodePort: p.nodePort as number })),
  };
}

