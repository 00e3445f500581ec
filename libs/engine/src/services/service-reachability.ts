import { cidrContainsAddress, formatIpAddress, parseCidr, parseIpAddress, type IpAddress } from '../addresses/cidr-blocks';
import { connectionsInclude } from '../connectivity/connection-set';
import { DomainError, type FieldReason } from '../errors/domain-error';
import type { Endpoint, PolicyModel, Verdict } from '../policy/policy-model';
import type { ModelPod, Protocol } from '../workloads/pods-from-workloads';
import { endpointDnsLabel, normalizeDnsName, serviceDnsName, type DnsRecord } from './dns-records';
import { resolveFromPod, type DnsResolution } from './dns-resolver';
import type { EndpointModel, NodeModel, ServiceEndpointsModel, ServiceModel, ServicePortModel, ServiceType } from './service-model';

/**
 * Reaching a Service (semantics.md, Services, endpoints and kube-proxy): where the name or
 * virtual IP sends the packet (DNS, service port, node port, traffic policies, source ranges),
 * then whether the source may reach each chosen endpoint pod on the resolved TARGET port
 * (NetworkPolicy, judged on the pod IP and target port, never the service port).
 */
export type ServiceTarget =
  | { service: { namespace: string; name: string } }
  | { dnsName: string }
  /** A ClusterIP (also a load-balancer ingress IP or an external IP of a service); `port` when written `<ip>:<port>`. */
  | { clusterIP: string; port?: number }
  | { nodePort: { nodeIP: string; port: number } };

export interface ReachServiceInput {
  policy: PolicyModel;
  services: readonly ServiceModel[];
  endpoints: readonly ServiceEndpointsModel[];
  records: readonly DnsRecord[];
  nodes: readonly NodeModel[];
  clusterDomain: string;
  from: { pod: ModelPod } | { ip: string };
  target: ServiceTarget;
  /** A service port number or name (a node port for a node-port target); omitted: the only port. */
  port?: number | string;
  /** Omitted: the chosen service port's protocol (TCP when that is ambiguous). */
  protocol?: Protocol;
}

export type ReachAnswer = 'all' | 'some' | 'none';

export interface ServiceReachEndpoint {
  /** `ns/name` of the pod; undefined for addresses supplied without a pod. */
  pod?: string;
  ip: string;
  nodeName?: string;
  /** The resolved target port the packet arrives on. */
  port: number;
  ready: boolean;
  /** Would traffic from this source reach it (routed here AND allowed by policy)? */
  allowed: boolean;
  reason: string;
  /** policy.evaluate(source as the pod sees it, this pod, target port, protocol). */
  verdict?: Verdict;
}

export interface ServicePath {
  /** When a name was given: its resolution from the source pod's namespace. */
  dns?: DnsResolution;
  service?: { namespace: string; name: string; type: ServiceType; headless: boolean };
  /** The address the client sends to: a ClusterIP, load-balancer IP or external IP. */
  virtualIP?: string;
  servicePort?: { name: string; port: number; protocol: Protocol; targetPort: number | string };
  nodePort?: { nodeIP: string; node: string; port: number; externalTrafficPolicy: 'Cluster' | 'Local' };
  /** An ExternalName's target: traffic leaves the cluster to that name. */
  externalName?: string;
  /** For a target outside the cluster: what the source's egress allows toward external addresses on that port. */
  externalEgress?: { allowed: ReachAnswer; port: number; protocol: Protocol; sampleAddress: string; verdict?: Verdict };
  /** The source address NetworkPolicy sees when it differs from the client (SNAT). */
  policySource?: string;
}

export interface ServiceReachability {
  allowed: ReachAnswer;
  reason: string;
  path: ServicePath;
  endpoints: ServiceReachEndpoint[];
  warnings: string[];
}

// ---- errors ---------------------------------------------------------------------------------

function fieldError(code: 'NOT_FOUND' | 'INVALID', path: string, reason: FieldReason, message: string): DomainError {
  return new DomainError(code, message, [{ path, reason, message }]);
}
const notFound = (path: string, message: string) => fieldError('NOT_FOUND', path, 'NotFound', message);
const invalid = (path: string, message: string) => fieldError('INVALID', path, 'FieldValueInvalid', message);

// ---- parsing --------------------------------------------------------------------------------

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SERVICE_KINDS = new Set(['svc', 'service', 'services']);

/**
 * Reads a service target: `svc/<ns>/<name>` (`service/…`, `services/…`), a ClusterIP inside
 * `serviceCidr` (optionally `<ip>:<port>`), `<nodeIP>:<nodePort>`, or a DNS name (a dotted name
 * or a bare word). Undefined for what `parseEndpointRef` handles: `<ns>/<pod>`, workloads and
 * other addresses. Throws INVALID when the text is plainly meant as a service target but malformed.
 */
export function parseServiceTarget(text: string, field: string, serviceCidr?: string | readonly string[]): ServiceTarget | undefined {
  const value = text.trim();
  if (value === '') return undefined;
  const cidrs = (typeof serviceCidr === 'string' ? serviceCidr.split(',') : (serviceCidr ?? [])).map((c) => parseCidr(c.trim())).filter((c) => c !== undefined);
  const inServiceCidr = (ip: IpAddress) => cidrs.some((c) => cidrContainsAddress(c, ip));

  if (value.includes('/')) {
    const parts = value.split('/');
    if (parts.length !== 3 || !SERVICE_KINDS.has(parts[0]!.toLowerCase())) return undefined; // <ns>/<pod>, <kind>/<ns>/<name>
    const [, namespace, name] = parts as [string, string, string];
    for (const [what, v] of [['namespace', namespace], ['name', name]] as const) {
      if (!DNS_LABEL.test(v)) throw invalid(field, `service ${what} "${v}" is not a DNS label (lower-case letters, digits and '-')`);
    }
    return { service: { namespace, name } };
  }

  const ip = parseIpAddress(value);
  if (ip) return inServiceCidr(ip) ? { clusterIP: value } : undefined;

  const hostPort = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(value) ?? /^(\d{1,3}(?:\.\d{1,3}){3}):(\d+)$/.exec(value);
  if (hostPort) {
    const host = hostPort[1]!;
    const address = parseIpAddress(host);
    if (!address) throw invalid(field, `"${host}" is not an IP address`);
    const port = Number(hostPort[2]);
    if (port < 1 || port > 65535) throw invalid(field, `port ${port} is outside 1-65535`);
    return inServiceCidr(address) ? { clusterIP: host, port } : { nodePort: { nodeIP: host, port } };
  }

  const name = value.toLowerCase();
  const labels = name.replace(/\.$/, '').split('.');
  // A name whose last label is all digits is a mistyped address, not a host name.
  if (labels.every((l) => DNS_LABEL.test(l) && l.length <= 63) && !/^\d+$/.test(labels[labels.length - 1]!)) return { dnsName: name };
  return undefined;
}

// ---- reachability ---------------------------------------------------------------------------

interface Source {
  endpoint: Endpoint;
  /** The pod behind the source (given, or owning the given IP). */
  pod?: ModelPod;
  ip?: string;
  text: string;
}

type Route =
  | { kind: 'service'; service: ServiceModel; via: 'name' | 'clusterIP' | 'loadBalancer' | 'externalIP' | 'nodePort'; address?: string; endpointLabel?: string; node?: NodeModel; nodePort?: number }
  | { kind: 'pod'; pods: ModelPod[]; ip: string }
  | { kind: 'external'; name: string; service?: ServiceModel }
  | { kind: 'unresolved'; name: string };

const keyOf = (o: { namespace: string; name: string }) => `${o.namespace}/${o.name}`;

/** Can `from` reach a Service (by reference, DNS name, virtual IP or node port), endpoint by endpoint? */
export function reachService(input: ReachServiceInput): ServiceReachability {
  const warnings: string[] = [];
  const path: ServicePath = {};
  const source = sourceOf(input);
  const route = routeOf(input, source, path, warnings, 0);

  if (route.kind === 'unresolved') {
    return done('none', `${route.name} does not resolve from ${source.text}: no connection is made`, path, [], warnings);
  }
  if (route.kind === 'external') return reachExternal(input, source, route, path, warnings);
  if (route.kind === 'pod') return reachPods(input, source, route, path, warnings);
  return reachServiceRoute(input, source, route, path, warnings);
}

function sourceOf(input: ReachServiceInput): Source {
  if ('pod' in input.from) {
    const pod = input.policy.findPod(input.from.pod.namespace, input.from.pod.name);
    if (!pod) throw notFound('from', `pod ${keyOf(input.from.pod)} is not part of the cluster model`);
    return { endpoint: { pod }, pod, ...(pod.ips[0] ? { ip: pod.ips[0] } : {}), text: keyOf(pod) };
  }
  const ip = input.from.ip.trim();
  if (!parseIpAddress(ip)) throw invalid('from', `"${input.from.ip}" is not an IP address`);
  const pod = input.policy.allPods().find((p) => p.ips.includes(ip));
  return { endpoint: { ip }, ...(pod ? { pod } : {}), ip, text: pod ? `${ip} (pod ${keyOf(pod)})` : ip };
}

function findService(input: ReachServiceInput, namespace: string, name: string): ServiceModel | undefined {
  return input.services.find((s) => s.namespace === namespace && s.name === name);
}

function routeOf(input: ReachServiceInput, source: Source, path: ServicePath, warnings: string[], depth: number): Route {
  const target = input.target;
  if ('service' in target) {
    const service = findService(input, target.service.namespace, target.service.name);
    if (!service) throw notFound('to', `service ${keyOf(target.service)} not found`);
    return serviceRoute(input, source, service, path, warnings, depth);
  }
  if ('clusterIP' in target) {
    const ip = target.clusterIP.trim();
    if (!parseIpAddress(ip)) throw invalid('to', `"${target.clusterIP}" is not an IP address`);
    for (const service of input.services) {
      if (service.clusterIPs.includes(ip)) return { kind: 'service', service, via: 'clusterIP', address: ip };
      if (service.loadBalancerIPs.includes(ip)) return { kind: 'service', service, via: 'loadBalancer', address: ip };
      if (service.externalIPs.includes(ip)) return { kind: 'service', service, via: 'externalIP', address: ip };
    }
    throw notFound('to', `no service has the address ${ip} (ClusterIP, load-balancer IP or external IP)`);
  }
  if ('nodePort' in target) {
    const { nodeIP, port } = target.nodePort;
    const node = input.nodes.find((n) => n.addresses.includes(nodeIP.trim()));
    if (!node) throw notFound('to', `no node has the address ${nodeIP}`);
    const owners = input.services.filter((s) => s.ports.some((p) => p.nodePort === port && (!input.protocol || p.protocol === input.protocol)));
    if (owners.length === 0) throw notFound('to', `no service owns node port ${port}${input.protocol ? `/${input.protocol}` : ''}`);
    return { kind: 'service', service: owners.find((s) => s.ports.some((p) => p.nodePort === port && p.protocol === 'TCP')) ?? owners[0]!, via: 'nodePort', address: nodeIP.trim(), node, nodePort: port };
  }
  return dnsRoute(input, source, target.dnsName, path, warnings);
}

function serviceRoute(input: ReachServiceInput, source: Source, service: ServiceModel, path: ServicePath, warnings: string[], depth: number): Route {
  if (service.type !== 'ExternalName') return { kind: 'service', service, via: 'name' };
  const target = normalizeDnsName(service.externalName ?? '');
  path.service = describe(service);
  path.externalName = target;
  const zone = normalizeDnsName(input.clusterDomain);
  if (depth === 0 && (target === zone || target.endsWith(`.${zone}`))) {
    // An ExternalName inside the cluster zone: the CNAME leads to another cluster name.
    warnings.push(`service ${keyOf(service)} is an ExternalName: a CNAME to ${target}, which is inside the cluster; the client connects wherever that name leads`);
    const route = dnsRoute(input, source, `${target}.`, path, warnings);
    return route;
  }
  return { kind: 'external', name: target, service };
}

function dnsRoute(input: ReachServiceInput, source: Source, name: string, path: ServicePath, warnings: string[]): Route {
  const zone = normalizeDnsName(input.clusterDomain);
  let asked = name.trim();
  if (!source.pod && !asked.endsWith('.')) {
    warnings.push(`${source.text} is not a pod: it has no cluster resolv.conf, so "${asked}" was resolved as an absolute name`);
    asked += '.';
  }
  const namespace = source.pod?.namespace ?? 'default';
  const resolve = (type: 'A' | 'AAAA') => resolveFromPod({ records: input.records, name: asked, type, namespace, clusterDomain: zone });
  let dns = resolve('A');
  if (dns.answer.addresses.length === 0 && dns.answer.cnames.length === 0) {
    const v6 = resolve('AAAA');
    if (v6.answer.addresses.length > 0) dns = v6;
  }
  path.dns = dns;
  if (source.pod) warnings.push(...dnsEgressWarnings(input, source.pod));
  const bare = normalizeDnsName(asked);
  const inZone = (n: string) => n === zone || n.endsWith(`.${zone}`);
  const answer = dns.answer;

  if (answer.cnames.length > 0 && !answer.canonicalName) {
    // The CNAME chain left the cluster (an ExternalName to an outside name).
    const external = answer.cnames[answer.cnames.length - 1]!;
    const owner = answer.name ? serviceOfName(input, answer.name, zone) : undefined;
    if (owner) path.service = describe(owner.service);
    path.externalName = external;
    return { kind: 'external', name: external, ...(owner ? { service: owner.service } : {}) };
  }
  if (answer.addresses.length === 0) {
    if (!inZone(bare) && bare.includes('.')) return { kind: 'external', name: bare };
    return { kind: 'unresolved', name: bare };
  }
  const canonical = answer.canonicalName ?? answer.name!;
  const owner = serviceOfName(input, canonical, zone);
  if (owner) return { kind: 'service', service: owner.service, via: 'name', ...(owner.endpointLabel ? { endpointLabel: owner.endpointLabel } : {}) };
  const podName = new RegExp(`^[^.]+\\.([^.]+)\\.pod\\.${escape(zone)}$`).exec(canonical);
  if (podName) {
    const ip = answer.addresses[0]!;
    const pods = input.policy.allPods().filter((p) => p.namespace === podName[1] && p.ips.includes(ip));
    return { kind: 'pod', pods, ip };
  }
  // Any other address record: find the service behind the address.
  const ip = answer.addresses[0]!;
  const service = input.services.find((s) => s.clusterIPs.includes(ip));
  if (service) return { kind: 'service', service, via: 'clusterIP', address: ip };
  return { kind: 'pod', pods: input.policy.allPods().filter((p) => p.ips.includes(ip)), ip };
}

/**
 * A name is only looked up if the pod may send UDP 53 to cluster DNS (an egress-isolated pod
 * needs a rule for it). The DNS service is found by its conventional name, kube-system/kube-dns.
 */
function dnsEgressWarnings(input: ReachServiceInput, pod: ModelPod): string[] {
  const dns = findService(input, 'kube-system', 'kube-dns');
  const model = dns ? input.endpoints.find((e) => e.namespace === dns.namespace && e.service === dns.name) : undefined;
  const port = dns?.ports.find((p) => p.protocol === 'UDP' && p.port === 53);
  const ready = (model?.endpoints ?? []).filter((e) => e.ready);
  if (!dns || !port || ready.length === 0) return [];
  const allowed = ready.some((e) => {
    const target = e.pod ? input.policy.pods.get(e.pod) : undefined;
    return input.policy.evaluate({ pod }, target ? { pod: target } : { ip: e.ip }, e.ports[port.name]?.port ?? 53, 'UDP').allowed;
  });
  return allowed ? [] : [`${keyOf(pod)} may not send UDP 53 to cluster DNS (${keyOf(dns)}): in fact the name would not resolve at all`];
}

/** `<svc>.<ns>.svc.<zone>` or `<endpoint>.<svc>.<ns>.svc.<zone>` → the service (and the endpoint's DNS label). */
function serviceOfName(input: ReachServiceInput, name: string, zone: string): { service: ServiceModel; endpointLabel?: string } | undefined {
  const suffix = `.svc.${zone}`;
  if (!name.endsWith(suffix)) return undefined;
  const labels = name.slice(0, -suffix.length).split('.');
  if (labels.length === 2) {
    const service = findService(input, labels[1]!, labels[0]!);
    return service ? { service } : undefined;
  }
  if (labels.length === 3) {
    const service = findService(input, labels[2]!, labels[1]!);
    return service ? { service, endpointLabel: labels[0]! } : undefined;
  }
  return undefined;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const describe = (s: ServiceModel) => ({ namespace: s.namespace, name: s.name, type: s.type, headless: s.headless });

// ---- service ports --------------------------------------------------------------------------

function portList(service: ServiceModel): string {
  return service.ports.map((p) => `${p.name ? `${p.name} ` : ''}${p.port}/${p.protocol}`).join(', ') || 'none';
}

/** The service port asked for: a number is a service port number, a name a service port name, nothing the only port. */
function chooseServicePort(service: ServiceModel, port: number | string | undefined, protocol: Protocol | undefined): ServicePortModel {
  const ports = service.ports.filter((p) => !protocol || p.protocol === protocol);
  const asNumber = typeof port === 'number' ? port : port !== undefined && /^\d+$/.test(port) ? Number(port) : undefined;
  if (port === undefined) {
    if (service.ports.length === 1 && ports.length === 1) return ports[0]!;
    if (service.ports.length === 0) throw invalid('port', `service ${keyOf(service)} declares no port: give the port to dial`);
    throw invalid('port', `service ${keyOf(service)} has ${service.ports.length === 1 ? `only ${portList(service)}, not ${protocol}` : `several ports (${portList(service)}): name one`}`);
  }
  const matches = asNumber !== undefined ? ports.filter((p) => p.port === asNumber) : ports.filter((p) => p.name === port);
  if (matches.length === 0) {
    throw invalid('port', `service ${keyOf(service)} has no port ${asNumber ?? `named "${port}"`}${protocol ? `/${protocol}` : ''} (ports: ${portList(service)})`);
  }
  // 53/TCP and 53/UDP: without a protocol, Kubernetes' default (TCP) wins.
  return matches.find((p) => p.protocol === 'TCP') ?? matches[0]!;
}

// ---- judging --------------------------------------------------------------------------------

interface PolicySource {
  label: string;
  endpoint: Endpoint;
}

function judge(input: ReachServiceInput, sources: readonly PolicySource[], endpoint: { pod?: string; ip: string }, port: number, protocol: Protocol, warnings: string[]): { allowed: boolean; verdict: Verdict; reason: string } {
  const pod = endpoint.pod ? input.policy.pods.get(endpoint.pod) : undefined;
  const to: Endpoint = pod ? { pod } : { ip: endpoint.ip };
  const verdicts = sources.map((s) => ({ s, v: input.policy.evaluate(s.endpoint, to, port, protocol) }));
  for (const { v } of verdicts) for (const w of v.warnings) if (!warnings.includes(w)) warnings.push(w);
  const denied = verdicts.filter(({ v }) => !v.allowed);
  const shown = denied[0] ?? verdicts[0]!;
  if (denied.length === 0) return { allowed: true, verdict: shown.v, reason: `allowed: ${shown.v.egress.reason}; ${shown.v.ingress.reason}` };
  const side = !shown.v.egress.allowed ? shown.v.egress.reason : shown.v.ingress.reason;
  const from = sources.length > 1 ? ` from ${denied.map(({ s }) => s.label).join(', ')}` : '';
  return { allowed: false, verdict: shown.v, reason: `denied by policy${from}: ${side}` };
}

function done(allowed: ReachAnswer, reason: string, path: ServicePath, endpoints: ServiceReachEndpoint[], warnings: string[]): ServiceReachability {
  return { allowed, reason, path, endpoints, warnings };
}

function summarize(endpoints: readonly ServiceReachEndpoint[], routed: number): ReachAnswer {
  const allowed = endpoints.filter((e) => e.allowed).length;
  if (allowed === 0) return 'none';
  return allowed === routed ? 'all' : 'some';
}

function reachServiceRoute(input: ReachServiceInput, source: Source, route: Extract<Route, { kind: 'service' }>, path: ServicePath, warnings: string[]): ServiceReachability {
  const { service } = route;
  path.service = describe(service);
  const svcText = `service ${keyOf(service)}`;

  // Where the packet goes and on which port.
  let servicePort: ServicePortModel | undefined;
  let dialed: number | undefined; // a port dialled straight on the pods (no virtual IP)
  const direct = service.headless || route.endpointLabel !== undefined;
  if (route.via === 'nodePort') {
    servicePort = service.ports.find((p) => p.nodePort === route.nodePort && (!input.protocol || p.protocol === input.protocol))!;
    if (input.port !== undefined && String(input.port) !== String(route.nodePort) && input.port !== servicePort.name) {
      throw invalid('port', `the target names node port ${route.nodePort}; port ${input.port} contradicts it`);
    }
    path.nodePort = { nodeIP: route.address!, node: route.node!.name, port: route.nodePort!, externalTrafficPolicy: service.externalTrafficPolicy };
    path.virtualIP = route.address!;
  } else {
    const target = input.target;
    let asked = input.port;
    if ('clusterIP' in target && target.port !== undefined) {
      if (asked !== undefined && String(asked) !== String(target.port)) throw invalid('port', `the target names port ${target.port}; port ${asked} contradicts it`);
      asked = target.port;
    }
    if (direct) {
      // No virtual IP, no port mapping: the client dials the pod addresses DNS returned, on the port it chooses.
      const asNumber = typeof asked === 'number' ? asked : asked !== undefined && /^\d+$/.test(asked) ? Number(asked) : undefined;
      if (asNumber !== undefined) {
        dialed = asNumber;
        servicePort = service.ports.find((p) => p.port === asNumber && (!input.protocol || p.protocol === input.protocol));
        if (servicePort && String(servicePort.targetPort) !== String(servicePort.port)) {
          warnings.push(`${svcText} is reached on pod addresses: port ${asNumber} is dialled as is, the service port's targetPort ${servicePort.targetPort} is not applied (SRV records advertise the target port)`);
        }
      } else {
        servicePort = chooseServicePort(service, asked, input.protocol);
        if (asked === undefined) warnings.push(`no port given: the pods are dialled on the target port of service port ${servicePort.name || servicePort.port} (what its SRV records advertise)`);
      }
      warnings.push(
        service.headless
          ? `${svcText} is headless: DNS returns the pod addresses, there is no virtual IP and no kube-proxy load balancing`
          : `the name points at one endpoint of ${svcText}: the client connects to that pod directly, not through the ClusterIP`,
      );
    } else {
      servicePort = chooseServicePort(service, asked, input.protocol);
      const family = parseIpAddress(route.address ?? '')?.family;
      path.virtualIP = route.address ?? service.clusterIPs.find((ip) => parseIpAddress(ip)?.family === (family ?? 4)) ?? service.clusterIPs[0];
    }
  }
  const protocol: Protocol = input.protocol ?? servicePort?.protocol ?? 'TCP';
  if (servicePort) path.servicePort = { name: servicePort.name, port: servicePort.port, protocol: servicePort.protocol, targetPort: servicePort.targetPort };

  if (route.via === 'loadBalancer' && service.type !== 'LoadBalancer') warnings.push(`${route.address} is in status.loadBalancer of ${svcText}, which is of type ${service.type}`);
  if (route.via === 'name' && service.type === 'LoadBalancer' && !source.pod) {
    warnings.push(`${svcText} is a LoadBalancer: an external client reaches it through its load-balancer address (${service.loadBalancerIPs.join(', ') || 'none assigned'}), where loadBalancerSourceRanges apply; give that address as the target to check them`);
  }

  // loadBalancerSourceRanges: an allow-list of client CIDRs for traffic to the load-balancer address.
  if (route.via === 'loadBalancer' && service.loadBalancerSourceRanges.length > 0) {
    const clientIp = source.ip ? parseIpAddress(source.ip) : undefined;
    const inRange = clientIp && service.loadBalancerSourceRanges.some((r) => {
      const block = parseCidr(r);
      return block ? cidrContainsAddress(block, clientIp) : false;
    });
    if (!inRange) {
      return done(
        'none',
        `${source.ip ?? source.text} is outside the loadBalancerSourceRanges of ${svcText} (${service.loadBalancerSourceRanges.join(', ')}): the load balancer drops it`,
        path,
        [],
        warnings,
      );
    }
  }

  // Who policy sees as the source: external traffic with externalTrafficPolicy Cluster is SNATed to a node.
  let sources: PolicySource[] = [{ label: source.text, endpoint: source.endpoint }];
  const externalEntry = route.via === 'nodePort' || route.via === 'loadBalancer' || route.via === 'externalIP';
  const local = service.externalTrafficPolicy === 'Local';
  const podShortCircuit = externalEntry && local && source.pod !== undefined;
  if (externalEntry && !local) {
    if (route.via === 'nodePort') {
      sources = [{ label: `node ${route.node!.name} (${route.address})`, endpoint: { ip: route.address! } }];
      path.policySource = route.address!;
      warnings.push(`externalTrafficPolicy Cluster: kube-proxy SNATs the client to the node's address, so NetworkPolicy sees ${route.address} (node ${route.node!.name}), not ${source.text}`);
    } else {
      const nodeSources = input.nodes.filter((n) => n.addresses[0]).map((n) => ({ label: `node ${n.name} (${n.addresses[0]})`, endpoint: { ip: n.addresses[0]! } as Endpoint }));
      if (nodeSources.length > 0) {
        sources = nodeSources;
        path.policySource = input.nodes.map((n) => n.addresses[0]).filter(Boolean).join(', ');
        warnings.push(`externalTrafficPolicy Cluster: traffic to ${route.address} is SNATed to the address of the node that received it, so NetworkPolicy sees a node address, not ${source.text}; an endpoint counts as allowed only when every node's address is allowed`);
      } else {
        warnings.push(`externalTrafficPolicy Cluster: traffic is SNATed to a node's address, but no node is known: judged from ${source.text}`);
      }
    }
  } else if (externalEntry && local) {
    warnings.push(
      podShortCircuit
        ? `externalTrafficPolicy Local: traffic from pods to the service's external address is sent to all endpoints cluster-wide (kube-proxy short-circuits it to the service chain), source address kept`
        : `externalTrafficPolicy Local: the client address ${source.text} is preserved; only endpoints on the receiving node get the traffic`,
    );
  }
  const internalLocal = !externalEntry && !direct && service.internalTrafficPolicy === 'Local' && source.pod !== undefined;
  if (internalLocal && !source.pod!.nodeName) warnings.push(`internalTrafficPolicy Local, but the node of ${keyOf(source.pod!)} is unknown: every endpoint is counted as local`);
  if (service.sessionAffinity === 'ClientIP' && !direct) {
    warnings.push(`sessionAffinity ClientIP: each client stays on one endpoint for ${service.sessionAffinityTimeout} s, so a client sees one of these verdicts, consistently`);
  }

  const model = input.endpoints.find((e) => e.namespace === service.namespace && e.service === service.name);
  const all = model?.endpoints ?? [];
  if (all.length === 0) {
    const why = service.selector ? `its selector ${JSON.stringify(service.selector)} matches no pod in ${service.namespace}` : 'it has no selector and no EndpointSlice supplies addresses';
    return done('none', `${svcText} has no endpoints: ${why}`, path, [], warnings);
  }

  const endpoints: ServiceReachEndpoint[] = [];
  let routed = 0;
  for (const e of all) {
    if (route.endpointLabel !== undefined && endpointDnsLabel(service, e, input.policy.pods) !== route.endpointLabel) continue;
    const resolved = dialed ?? (servicePort ? e.ports[servicePort.name]?.port : undefined);
    if (resolved === undefined) {
      warnings.push(`${e.pod ?? e.ip} does not declare target port "${servicePort?.targetPort}": it is not an endpoint for service port ${servicePort?.name || servicePort?.port}`);
      continue;
    }
    const base = { ...(e.pod ? { pod: e.pod } : {}), ip: e.ip, ...(e.nodeName ? { nodeName: e.nodeName } : {}), port: resolved, ready: e.ready };
    const skip = skipReason(service, e, route, source, { direct, podShortCircuit, internalLocal });
    if (skip) {
      endpoints.push({ ...base, allowed: false, reason: skip });
      continue;
    }
    if (!e.ready) warnings.push(`${e.pod ?? e.ip} is not ready but ${svcText} sets publishNotReadyAddresses: its EndpointSlice marks it ready, so it receives traffic`);
    routed++;
    const verdict = judge(input, sources, e, resolved, protocol, warnings);
    endpoints.push({ ...base, allowed: verdict.allowed, reason: verdict.reason, verdict: verdict.verdict });
  }

  const portText = `${protocol} ${[...new Set(endpoints.map((e) => e.port))].join('/') || servicePort?.targetPort}`;
  const entry = route.via === 'nodePort' ? `${route.address}:${route.nodePort}` : path.virtualIP ? `${path.virtualIP}:${servicePort?.port}` : 'the pod addresses';
  if (endpoints.length === 0) return done('none', `no endpoint of ${svcText} serves the asked port`, path, endpoints, warnings);
  if (routed === 0) {
    const reasons = [...new Set(endpoints.map((e) => e.reason))];
    return done('none', `no endpoint of ${svcText} receives the traffic: ${reasons.join('; ')}`, path, endpoints, warnings);
  }
  const allowed = summarize(endpoints, routed);
  const okCount = endpoints.filter((e) => e.allowed).length;
  const reason =
    allowed === 'all'
      ? `${source.text} → ${entry} (${svcText}) → ${routed === 1 ? 'its endpoint' : `all ${routed} endpoints that receive traffic`} on ${portText}: allowed`
      : allowed === 'some'
        ? `${source.text} → ${entry} (${svcText}): ${okCount} of ${routed} endpoints that receive traffic allow ${portText}; a connection succeeds only when kube-proxy picks one of them`
        : `${source.text} → ${entry} (${svcText}): none of the ${routed} endpoints that receive traffic allows ${portText}: ${endpoints.find((e) => e.verdict && !e.allowed)?.reason ?? ''}`;
  return done(allowed, reason, path, endpoints, warnings);
}

/** Why an endpoint gets no traffic on this path (undefined: it does). */
function skipReason(
  service: ServiceModel,
  e: EndpointModel,
  route: Extract<Route, { kind: 'service' }>,
  source: Source,
  mode: { direct: boolean; podShortCircuit: boolean; internalLocal: boolean },
): string | undefined {
  if (!e.ready && !service.publishNotReadyAddresses) {
    return mode.direct ? 'not ready: DNS does not publish it and kube-proxy sends it nothing' : 'not ready: receives no traffic';
  }
  if (route.via === 'nodePort' && service.externalTrafficPolicy === 'Local' && !mode.podShortCircuit) {
    if (e.nodeName !== route.node!.name) {
      return `externalTrafficPolicy Local: runs on ${e.nodeName ? `node ${e.nodeName}` : 'an unknown node'}, not on the receiving node ${route.node!.name}`;
    }
  }
  if (mode.internalLocal && source.pod!.nodeName && e.nodeName !== source.pod!.nodeName) {
    return `internalTrafficPolicy Local: runs on ${e.nodeName ? `node ${e.nodeName}` : 'an unknown node'}, not on the client's node ${source.pod!.nodeName}`;
  }
  return undefined;
}

function reachPods(input: ReachServiceInput, source: Source, route: Extract<Route, { kind: 'pod' }>, path: ServicePath, warnings: string[]): ServiceReachability {
  warnings.push(`the name is a pod record: the client connects to ${route.ip} directly, no service is involved`);
  const protocol = input.protocol ?? 'TCP';
  if (input.port === undefined) throw invalid('port', 'a pod address has no service port: give the port to dial');
  if (route.pods.length === 0) {
    const verdict = input.policy.evaluate(source.endpoint, { ip: route.ip }, input.port, protocol);
    return done(verdict.allowed ? 'all' : 'none', `${route.ip} is no pod of the model: ${verdict.egress.reason}`, path, [], warnings);
  }
  const endpoints = route.pods.map((pod): ServiceReachEndpoint => {
    const verdict = input.policy.evaluate(source.endpoint, { pod }, input.port!, protocol);
    for (const w of verdict.warnings) if (!warnings.includes(w)) warnings.push(w);
    const side = !verdict.egress.allowed ? verdict.egress.reason : verdict.ingress.reason;
    return {
      pod: keyOf(pod),
      ip: route.ip,
      ...(pod.nodeName ? { nodeName: pod.nodeName } : {}),
      port: verdict.port ?? 0,
      ready: pod.ready,
      allowed: verdict.allowed,
      reason: verdict.allowed ? 'allowed' : `denied by policy: ${side}`,
      verdict,
    };
  });
  const allowed = summarize(endpoints, endpoints.length);
  return done(allowed, `${source.text} → pod ${endpoints.map((e) => e.pod).join(', ')}: ${allowed === 'all' ? 'allowed' : endpoints[0]!.reason}`, path, endpoints, warnings);
}

// ---- leaving the cluster --------------------------------------------------------------------

/**
 * A target outside the cluster (an ExternalName's CNAME, or an outside DNS name): its address
 * is unknown here, so `allowed` is the source's egress toward external IPv4 addresses on that
 * port: 'all' when every address is allowed, 'some' when only some ipBlocks are, 'none' when
 * none is. Ingress at the far end is outside the model.
 */
function reachExternal(input: ReachServiceInput, source: Source, route: Extract<Route, { kind: 'external' }>, path: ServicePath, warnings: string[]): ServiceReachability {
  path.externalName = route.name;
  if (route.service) path.service = describe(route.service);
  const service = route.service;
  let port: number;
  let protocol: Protocol = input.protocol ?? 'TCP';
  const asNumber = typeof input.port === 'number' ? input.port : input.port !== undefined && /^\d+$/.test(input.port) ? Number(input.port) : undefined;
  if (asNumber !== undefined) port = asNumber;
  else if (service && (input.port !== undefined || service.ports.length > 0)) {
    // ExternalName ports are informational (no port mapping): a name or the only port gives the number dialled.
    const chosen = chooseServicePort(service, input.port, input.protocol);
    port = chosen.port;
    protocol = input.protocol ?? chosen.protocol;
  } else if (input.port !== undefined) {
    throw invalid('port', `port name "${input.port}" cannot be resolved for ${route.name}, which is outside the cluster: give a number`);
  } else {
    throw invalid('port', `${route.name} is outside the cluster: give the port to dial`);
  }
  const via = service ? `service ${keyOf(service)} is an ExternalName: a DNS CNAME to ${route.name}, with no virtual IP, no proxying and no port mapping; ` : '';
  const leaves = `${via}traffic leaves the cluster to ${route.name}, whose address is unknown here (resolved upstream)`;
  warnings.push(`${route.name} is outside the cluster: only the source's egress policy is judged, toward external addresses on ${protocol} ${port}`);

  if (!source.pod) {
    path.externalEgress = { allowed: 'all', port, protocol, sampleAddress: '0.0.0.0' };
    return done('all', `${leaves}; ${source.text} is not a pod, so no policy governs its egress`, path, [], warnings);
  }
  const cls = input.policy.classOfPod(source.pod);
  const reps = input.policy.directionBlocks.egress.atoms[4];
  const verdicts = reps.map((value) => {
    const conns = input.policy.directionConnections('egress', cls, { ip: { family: 4, value } });
    return { value, allowed: connectionsInclude(conns, protocol, port) };
  });
  const count = verdicts.filter((v) => v.allowed).length;
  const policyAnswer: ReachAnswer = count === 0 ? 'none' : count === verdicts.length ? 'all' : 'some';
  const sample = verdicts.find((v) => v.allowed !== (policyAnswer !== 'none')) ?? verdicts[0]!;
  const sampleAddress = formatIpAddress(4, sample.value);
  const verdict = input.policy.evaluate(source.endpoint, { ip: sampleAddress }, port, protocol);
  for (const w of verdict.warnings) if (!warnings.includes(w)) warnings.push(w);
  const answer: ReachAnswer = input.policy.enforced ? policyAnswer : 'all';
  if (!input.policy.enforced && policyAnswer !== 'all') warnings.push(`the policies allow egress to ${policyAnswer === 'none' ? 'no' : 'only some'} external addresses, but the CNI plugin does not enforce them`);
  path.externalEgress = { allowed: answer, port, protocol, sampleAddress, verdict };
  const egressText =
    policyAnswer === 'all'
      ? `the egress of ${source.text} allows ${protocol} ${port} to every external address`
      : policyAnswer === 'some'
        ? `the egress of ${source.text} allows ${protocol} ${port} only to some address ranges (ipBlocks), so it depends on what ${route.name} resolves to`
        : `the egress of ${source.text} allows ${protocol} ${port} to no external address: ${verdict.egress.reason}`;
  return done(answer, `${leaves}; ${egressText}`, path, [], warnings);
}
