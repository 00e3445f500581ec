import { EXTERNAL_SUFFIX } from '../connectivity/connection-list';
import { cidrLast, formatIpAddress, parseCidr, parseIpAddress, type CidrBlock, type IpAddress, type IpFamily } from '../addresses/cidr-blocks';
import { connectionList, type ConnectionRow } from '../connectivity/connection-list';
import {
  allConnections,
  connectionsOf,
  emptyConnections,
  formatConnections,
  intersectConnections,
  isAllConnections,
  isEmptyConnections,
  unionConnections,
  type ConnectionSet,
} from '../connectivity/connection-set';
import type { CompiledPeer, CompiledPolicy, CompiledRule, Direction } from '../policy/compiled-policies';
import type { PodClass } from '../policy/pod-classes';
import { PolicyModel } from '../policy/policy-model';
import { resolveTargetPort } from '../services/endpoint-slices';
import type { NodeModel, ServiceModel } from '../services/service-model';
import type { GatewayRoutes, GatewayView } from '../gateway/gateway-routes';
import type { IngressRoutingTable } from '../ingress/ingress-routes';
import type { ClusterModel } from '../workloads/cluster-model';
import { workloadName, type ModelPod, type Protocol } from '../workloads/pods-from-workloads';
import { servicesInFront } from './controller-entry';
import { gatewaySource } from './gateway-data-plane';
import type { IngressBackendModel } from './ingress-backends';
import { DEFAULT_INGRESS_CONTROLLERS, ingressTraffic, sourceAllowance, type AllowanceMemo, type ControllerSource, type IngressControllerSetting } from './ingress-controller';

/**
 * Exposure: which workloads can be reached from outside the cluster, by which path, on which
 * ports and from which source addresses (pure; see semantics.md for each path).
 *
 * - `ingress`: an Ingress/Route backend, through the ingress controller (its pod's egress and
 *   the backend's ingress policies both apply; see ingress-controller.ts). With the routing
 *   tables (`northSouth`), only Ingress backends that receive traffic count: not those of an
 *   Ingress no class serves, nor of a path lost to an older Ingress's claim.
 * - `gateway`: an HTTPRoute backend, through the Gateway's proxy (gateway-data-plane.ts): routes
 *   attached to a programmed listener, backendRefs that resolved, weight above 0.
 * - For both, the sources are the clients that reach the proxy's pods through the Services in
 *   front of them (controller-entry.ts), judged as the Service paths below; `any` when no Service
 *   takes outside traffic to them (or the proxy is the `{ingress-controller}` stand-in).
 * - `nodePort` / `loadBalancer` / `externalIP`: a Service exposed outside; the backend pods'
 *   ingress policies judge the client address (LoadBalancer: only `loadBalancerSourceRanges`).
 *   With `externalTrafficPolicy: Cluster` kube-proxy SNATs the client to a node address (as
 *   service-reachability.ts has it), so the policies judge the nodes' addresses instead: the
 *   ports some node's address is admitted on are open to every client (LoadBalancer: to its
 *   source ranges). Without known nodes the client is judged, as there.
 * - `ipBlock`: the backend's ingress policies admit addresses outside the pod and service
 *   CIDRs directly (a pod not isolated for ingress admits any address).
 *
 * Alongside, `workloads` carries the peer analyzer's exposure analysis (np-guard/netpol-analyzer
 * `--exposure`): per workload and direction, exposure to external ranges, to the entire cluster
 * and to pods that policies name but the cluster does not hold (representative peers), and the
 * workloads not protected by policies. `renderExposure(report, 'txt')` prints it in its format.
 */
export type ExposureVia = 'ingress' | 'gateway' | 'nodePort' | 'loadBalancer' | 'externalIP' | 'ipBlock';

/** One way in through a proxy: the Ingress/Route path or the Gateway listener and HTTPRoute match, and its backend. */
export interface ExposureRoute {
  kind: 'Ingress' | 'Route' | 'HTTPRoute';
  /** `ns/name` of the Ingress, Route or HTTPRoute. */
  name: string;
  /** `ns/name` of the Gateway, and its listener. */
  gateway?: string;
  listener?: string;
  /** The host ('' or `*`: every host; HTTPRoute: the hostnames served on the listener, comma-separated). */
  host?: string;
  path?: string;
  pathType?: string;
  defaultBackend?: boolean;
  /** `ns/name` of the backend Service, and the port as referenced. */
  service: string;
  port?: number | string;
}

export interface ExposureRow {
  workload: string;
  via: ExposureVia;
  detail: string;
  /** e.g. `TCP 80,443` or `All Connections`. */
  ports: string;
  /** CIDRs, or `any` (every address outside the cluster). */
  sources: string[];
  /** `ingress` and `gateway` rows: the routes that lead to the workload. */
  routes?: ExposureRoute[];
}

export interface ExposureSettings {
  podCidr: string;
  serviceCidr: string;
  ingressControllers?: readonly IngressControllerSetting[];
}

export interface ExposureInput {
  model: PolicyModel;
  clusterModel: ClusterModel;
  settings: ExposureSettings;
  /**
   * Ingress tables per class and the Gateway API view, as the worker computes them. With them,
   * Ingress rows keep only the backends that receive traffic, and Gateway rows are listed.
   */
  northSouth?: { ingress: readonly IngressRoutingTable[]; gateway: GatewayRoutes };
}

/** One line of the peer's exposure analysis: `workload <= peer : conns` (ingress) or `=>` (egress). */
export interface WorkloadExposureLine {
  workload: string;
  direction: Direction;
  /** `entire-cluster`, an external range `a-b[External]`, or a representative `ns/[pod with {…}]`. */
  peer: string;
  connections: string;
}

export interface ExposureReport {
  rows: ExposureRow[];
  /** The workload connection list (with `{ingress-controller}` rows). */
  connections: ConnectionRow[];
  lines: WorkloadExposureLine[];
  /** Workloads not isolated by any policy, per direction. */
  unprotected: { workload: string; direction: Direction }[];
}

// ---- address intervals -----------------------------------------------------------------------

type Interval = [bigint, bigint];

const familyEnd = (family: IpFamily): bigint => (family === 4 ? 1n << 32n : 1n << 128n) - 1n;

const cidrInterval = (c: CidrBlock): Interval => [c.network, cidrLast(c)];

/** The smallest list of CIDRs covering an interval exactly. */
export function intervalToCidrs(family: IpFamily, [lo, hi]: Interval): string[] {
  const bits = family === 4 ? 32 : 128;
  const out: string[] = [];
  let start = lo;
  while (start <= hi) {
    let size = 0;
    while (size < bits) {
      const next = 1n << BigInt(size + 1);
      if (start % next !== 0n || start + next - 1n > hi) break;
      size++;
    }
    out.push(`${formatIpAddress(family, start)}/${bits - size}`);
    start += 1n << BigInt(size);
  }
  return out;
}

function subtractIntervals(from: Interval[], holes: Interval[]): Interval[] {
  let out = from;
  for (const [a, b] of holes) {
    const next: Interval[] = [];
    for (const [lo, hi] of out) {
      if (b < lo || a > hi) next.push([lo, hi]);
      else {
        if (a > lo) next.push([lo, a - 1n]);
        if (b < hi) next.push([b + 1n, hi]);
      }
    }
    out = next;
  }
  return out;
}

function intersectIntervals(a: Interval[], b: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const [x1, x2] of a) for (const [y1, y2] of b) if (x1 <= y2 && y1 <= x2) out.push([x1 > y1 ? x1 : y1, x2 < y2 ? x2 : y2]);
  return out.sort((p, q) => (p[0] < q[0] ? -1 : p[0] > q[0] ? 1 : 0));
}

function mergeIntervals(list: Interval[]): Interval[] {
  const sorted = [...list].sort((p, q) => (p[0] < q[0] ? -1 : p[0] > q[0] ? 1 : 0));
  const out: Interval[] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1n) {
      if (hi > last[1]) last[1] = hi;
    } else out.push([lo, hi]);
  }
  return out;
}

interface ExternalAccess {
  /** Per family: the external intervals and what each admits (intervals cut where the answer changes). */
  pieces: { family: IpFamily; interval: Interval; connections: ConnectionSet }[];
  isolated: boolean;
}

/**
 * What a pod class admits from addresses outside the pod and service CIDRs: the address space
 * is cut at every ingress ipBlock edge and at the cluster CIDRs; each piece is judged once.
 */
function externalAccess(model: PolicyModel, cls: PodClass, clusterCidrs: CidrBlock[]): ExternalAccess {
  const isolated = cls.ingressPolicies.length > 0;
  const pieces: ExternalAccess['pieces'] = [];
  const families: IpFamily[] = model.directionBlocks.ingress.blocks.some((b) => b.cidr.family === 6) || clusterCidrs.some((c) => c.family === 6) ? [4, 6] : [4];
  for (const family of families) {
    const cuts = new Set<bigint>([0n, ...model.directionBlocks.ingress.atoms[family]]);
    const holes = clusterCidrs.filter((c) => c.family === family).map(cidrInterval);
    for (const [a, b] of holes) {
      cuts.add(a);
      if (b < familyEnd(family)) cuts.add(b + 1n);
    }
    const sorted = [...cuts].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    sorted.forEach((start, i) => {
      const end = i + 1 < sorted.length ? sorted[i + 1]! - 1n : familyEnd(family);
      if (holes.some(([a, b]) => start >= a && end <= b)) return;
      const connections = isolated ? model.classConnections({ ip: { family, value: start } }, { cls }) : allConnections();
      pieces.push({ family, interval: [start, end], connections });
    });
  }
  return { pieces, isolated };
}

/** Sources admitting some of `requested`, as CIDRs (or `any`), and the union of what they admit. */
function sourcesFor(access: ExternalAccess, requested: ConnectionSet, allowList?: CidrBlock[]): { sources: string[]; connections: ConnectionSet } {
  let connections = emptyConnections();
  const byFamily = new Map<IpFamily, Interval[]>();
  let everything = true;
  for (const piece of access.pieces) {
    const got = intersectConnections(piece.connections, requested);
    if (isEmptyConnections(got)) {
      everything = false;
      continue;
    }
    if (!isSameConnections(got, requested)) everything = false;
    connections = unionConnections(connections, got);
    byFamily.set(piece.family, [...(byFamily.get(piece.family) ?? []), piece.interval]);
  }
  if (allowList && allowList.length > 0) {
    everything = false;
    for (const [family, list] of byFamily) byFamily.set(family, intersectIntervals(list, allowList.filter((c) => c.family === family).map(cidrInterval)));
  }
  if (everything && !allowList?.length && access.pieces.length > 0) return { sources: ['any'], connections };
  const sources: string[] = [];
  for (const family of [4, 6] as const) for (const iv of mergeIntervals(byFamily.get(family) ?? [])) sources.push(...intervalToCidrs(family, iv));
  if (sources.length === 0) return { sources: [], connections: emptyConnections() };
  return { sources, connections };
}

const isSameConnections = (a: ConnectionSet, b: ConnectionSet): boolean => formatConnections(a) === formatConnections(b);

// ---- service paths ---------------------------------------------------------------------------

function serviceRequested(service: ServiceModel, pod: ModelPod, nodePorts: boolean): ConnectionSet {
  let requested = emptyConnections();
  for (const port of service.ports) {
    if (nodePorts && port.nodePort === undefined) continue;
    const target = resolveTargetPort(pod, port);
    if (target !== undefined) requested = unionConnections(requested, connectionsOf(port.protocol, target, target));
  }
  return requested;
}

function servicePortsText(service: ServiceModel, nodePorts: boolean): string {
  return service.ports
    .filter((p) => !nodePorts || p.nodePort !== undefined)
    .map((p) => `${nodePorts ? `${p.nodePort}` : `${p.port}`}/${p.protocol}→${p.targetPort}`)
    .join(', ');
}

// ---- the peer's exposure analysis ---------------------------------------------------------------

/** Go's `%v` of a LabelSelectorRequirement, as the peer prints selectors with matchExpressions. */
function goRequirement(e: { key: string; operator: string; values?: readonly string[] }): string {
  return `{Key:${e.key},Operator:${e.operator},Values:[${(e.values ?? []).join(' ')}],}`;
}

interface SelectorLike {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: ReadonlyArray<{ key: string; operator: string; values?: readonly string[] | null }> | null;
}

function selectorLabelsText(sel: SelectorLike): string {
  const labels = Object.entries(sel.matchLabels ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`);
  const exprs = [...(sel.matchExpressions ?? [])]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((e) => goRequirement({ key: e.key, operator: e.operator, values: e.values ?? [] }));
  return `{${[...labels, ...exprs].join(',')}}`;
}

const isEmptySelector = (sel: SelectorLike | undefined | null): boolean =>
  !!sel && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;

/** The peer's name of a policy-rule peer that no cluster pod stands for. */
function representativeName(policyNamespace: string, raw: { podSelector?: SelectorLike | null; namespaceSelector?: SelectorLike | null }): string {
  const ns = raw.namespaceSelector;
  let nsPart: string;
  if (!ns) nsPart = policyNamespace;
  else if (isEmptySelector(ns)) nsPart = '[all namespaces]';
  else {
    const labels = Object.entries(ns.matchLabels ?? {});
    const onlyName = labels.length === 1 && labels[0]![0] === 'kubernetes.io/metadata.name' && (ns.matchExpressions ?? []).length === 0;
    nsPart = onlyName ? labels[0]![1] : `[namespace with ${selectorLabelsText(ns)}]`;
  }
  const pod = raw.podSelector;
  const podPart = !pod || isEmptySelector(pod) ? '[all pods]' : `[pod with ${selectorLabelsText(pod)}]`;
  return `${nsPart}/${podPart}`;
}

/** A rule's ports as the peer prints them toward a peer it cannot resolve names on (`TCP http`). */
function rulePortsText(rule: CompiledRule, destination: ReadonlyMap<string, { protocol: Protocol; port: number }> | undefined): { set: ConnectionSet; names: { protocol: Protocol; name: string }[] } {
  if (!rule.ports) return { set: allConnections(), names: [] };
  let set = emptyConnections();
  const names: { protocol: Protocol; name: string }[] = [];
  for (const p of rule.ports) {
    if (p.kind === 'named' && !destination) names.push({ protocol: p.protocol, name: p.name });
    else set = unionConnections(set, PolicyModel.portConnections(p, destination));
  }
  return { set, names };
}

function connectionsText(set: ConnectionSet, names: { protocol: Protocol; name: string }[]): string {
  if (names.length === 0) return formatConnections(set);
  const parts: string[] = [];
  for (const protocol of ['SCTP', 'TCP', 'UDP'] as const) {
    const ranges = set[protocol].map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`));
    const named = names.filter((n) => n.protocol === protocol).map((n) => n.name);
    if (ranges.length || named.length) parts.push(`${protocol} ${[...ranges, ...named].join(',')}`);
  }
  return parts.join(',');
}

interface RawPolicy {
  namespace: string;
  name: string;
  spec: {
    ingress?: Array<{ from?: Array<{ podSelector?: SelectorLike | null; namespaceSelector?: SelectorLike | null; ipBlock?: unknown }> | null }> | null;
    egress?: Array<{ to?: Array<{ podSelector?: SelectorLike | null; namespaceSelector?: SelectorLike | null; ipBlock?: unknown }> | null }> | null;
  };
}

/** A rule peer's namespace and pod parts, as keys: `*` (any), `name:<ns>`, or `sel:<canonical selector>`. */
interface PeerKeys {
  ns: string;
  pod: string;
  /** The peer names no set of pods by labels only (a matchExpressions requirement somewhere). */
  expressions: boolean;
}

/** A selector up to equivalence: matchLabels as `In [v]`, requirements and values sorted. */
function semanticSelectorKey(sel: SelectorLike): string {
  const reqs = [
    ...Object.entries(sel.matchLabels ?? {}).map(([key, v]) => ({ key, operator: 'In', values: [v] })),
    ...(sel.matchExpressions ?? []).map((e) => ({ key: e.key, operator: e.operator, values: [...(e.values ?? [])].sort() })),
  ].map((r) => JSON.stringify([r.key, r.operator, r.values]));
  return [...new Set(reqs)].sort().join(';');
}

function peerKeys(policy: CompiledPolicy, raw: { podSelector?: SelectorLike | null; namespaceSelector?: SelectorLike | null }): PeerKeys {
  let ns: string;
  const nsSel = raw.namespaceSelector;
  const nameOnly = nsSel ? semanticSelectorKey(nsSel).match(/^\["kubernetes\.io\/metadata\.name","In",\["([^"]*)"\]\]$/) : null;
  if (!nsSel) ns = `name:${policy.namespace}`;
  else if (isEmptySelector(nsSel)) ns = '*';
  else if (nameOnly) ns = `name:${nameOnly[1]}`;
  else ns = `sel:${semanticSelectorKey(nsSel)}`;
  const pod = !raw.podSelector || isEmptySelector(raw.podSelector) ? '*' : `sel:${semanticSelectorKey(raw.podSelector)}`;
  const expressions = (nsSel?.matchExpressions ?? []).length > 0 || (raw.podSelector?.matchExpressions ?? []).length > 0;
  return { ns, pod, expressions };
}

const covers = (outer: PeerKeys, inner: { ns: string; pod: string }): boolean => (outer.ns === '*' || outer.ns === inner.ns) && (outer.pod === '*' || outer.pod === inner.pod);

/**
 * The peer analyzer's exposure lines. Per workload and direction: a direction no policy
 * isolates is exposed to everything (and listed as not protected); otherwise the external rows
 * of the connection list, `entire-cluster` with what rules admitting every pod of every
 * namespace allow, and one representative per rule peer the cluster does not stand for, with
 * all its rules would allow it (shown only when that is more than the entire-cluster exposure).
 * A peer selecting by labels only (matchLabels) that some cluster pod matches is stood for by
 * that pod; a peer with `podSelector: {}` or with matchExpressions always gets a representative.
 */
function peerExposure(model: PolicyModel, cluster: Pick<ClusterModel, 'pods' | 'namespaces' | 'policies'>, connections: readonly ConnectionRow[]): { lines: WorkloadExposureLine[]; unprotected: ExposureReport['unprotected'] } {
  const lines: WorkloadExposureLine[] = [];
  const unprotected: ExposureReport['unprotected'] = [];
  const rawPolicies = new Map((cluster.policies as unknown as RawPolicy[]).map((p) => [`${p.namespace}/${p.name}`, p]));
  const rawPeerOf = (policy: CompiledPolicy, direction: Direction, rule: CompiledRule, peer: CompiledPeer): { podSelector?: SelectorLike | null; namespaceSelector?: SelectorLike | null } | undefined => {
    const raw = rawPolicies.get(policy.key);
    const peers = raw ? (direction === 'ingress' ? raw.spec.ingress?.[rule.index]?.from : raw.spec.egress?.[rule.index]?.to) : undefined;
    return peers?.[peer.index] ?? undefined;
  };
  const workloads = new Map<string, PodClass[]>();
  for (const pod of model.allPods()) {
    const name = workloadName(pod);
    const cls = model.classOfPod(pod);
    const list = workloads.get(name);
    if (!list) workloads.set(name, [cls]);
    else if (!list.includes(cls)) list.push(cls);
  }
  const matchedByPod = (policy: CompiledPolicy, peer: CompiledPeer): boolean => model.classes.some((cls) => model.peerMatches(policy, peer, { cls }));
  // One name per representative across all policies (policies by ns/name, rules and peers in order): the first spelling wins.
  const displayName = new Map<string, string>();
  for (const policy of model.policies) {
    for (const direction of ['ingress', 'egress'] as const) {
      for (const rule of (direction === 'ingress' ? policy.ingress : policy.egress) ?? []) {
        for (const peer of rule.peers ?? []) {
          const raw = peer.kind === 'selector' ? rawPeerOf(policy, direction, rule, peer) : undefined;
          if (!raw) continue;
          const k = peerKeys(policy, raw);
          const key = `${k.ns}\u0000${k.pod}`;
          if (!displayName.has(key)) displayName.set(key, representativeName(policy.namespace, raw));
        }
      }
    }
  }

  for (const [workload, classes] of workloads) {
    for (const direction of ['egress', 'ingress'] as const) {
      const isolated = classes.some((c) => (direction === 'ingress' ? c.ingressPolicies : c.egressPolicies).length > 0);
      const external = connections.filter((r) => (direction === 'ingress' ? r.dst === workload && r.src.endsWith(EXTERNAL_SUFFIX) : r.src === workload && r.dst.endsWith(EXTERNAL_SUFFIX)));
      for (const r of external) lines.push({ workload, direction, peer: direction === 'ingress' ? r.src : r.dst, connections: r.conn });
      if (!isolated) {
        unprotected.push({ workload, direction });
        lines.push({ workload, direction, peer: 'entire-cluster', connections: 'All Connections' });
        continue;
      }
      // Every rule of the selecting policies, with the keys of its selector peers.
      const rules: { rule: CompiledRule; keys?: PeerKeys[]; set: ConnectionSet; names: { protocol: Protocol; name: string }[] }[] = [];
      const representatives = new Map<string, { ns: string; pod: string }>();
      for (const cls of classes) {
        for (const policy of direction === 'ingress' ? cls.ingressPolicies : cls.egressPolicies) {
          for (const rule of (direction === 'ingress' ? policy.ingress : policy.egress) ?? []) {
            const { set, names } = rulePortsText(rule, direction === 'ingress' ? cls.namedPorts : undefined);
            if (!rule.peers) {
              rules.push({ rule, set, names });
              continue;
            }
            const keys: PeerKeys[] = [];
            for (const peer of rule.peers) {
              if (peer.kind !== 'selector') continue;
              const raw = rawPeerOf(policy, direction, rule, peer);
              if (!raw) continue;
              const k = peerKeys(policy, raw);
              keys.push(k);
              if (k.ns === '*' && k.pod === '*') continue;
              // Pods selected by labels alone in named namespaces: the cluster's matching pods stand for them.
              if (!k.expressions && k.pod !== '*' && k.ns !== '*' && matchedByPod(policy, peer)) continue;
              const name = displayName.get(`${k.ns}\u0000${k.pod}`) ?? representativeName(policy.namespace, raw);
              if (!representatives.has(name)) representatives.set(name, { ns: k.ns, pod: k.pod });
            }
            rules.push({ rule, keys, set, names });
          }
        }
      }
      const admitted = (target: { ns: string; pod: string }): { set: ConnectionSet; names: { protocol: Protocol; name: string }[] } => {
        let set = emptyConnections();
        let names: { protocol: Protocol; name: string }[] = [];
        for (const r of rules) {
          if (r.keys && !r.keys.some((k) => covers(k, target))) continue;
          set = unionConnections(set, r.set);
          names = [...names, ...r.names];
        }
        return { set, names: dedupeNames(names) };
      };
      const entire = admitted({ ns: '\u0000', pod: '\u0000' });
      if (!isEmptyConnections(entire.set) || entire.names.length) lines.push({ workload, direction, peer: 'entire-cluster', connections: connectionsText(entire.set, entire.names) });
      for (const [peer, target] of representatives) {
        const got = admitted(target);
        const contained = got.names.every((n) => entire.names.some((e) => e.name === n.name && e.protocol === n.protocol)) && isSameConnections(intersectConnections(got.set, entire.set), got.set);
        if (contained) continue;
        lines.push({ workload, direction, peer, connections: connectionsText(got.set, got.names) });
      }
    }
  }
  return { lines, unprotected };
}

function dedupeNames(names: { protocol: Protocol; name: string }[]): { protocol: Protocol; name: string }[] {
  const seen = new Set<string>();
  return names.filter((n) => (seen.has(`${n.protocol}/${n.name}`) ? false : (seen.add(`${n.protocol}/${n.name}`), true))).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

// ---- the report ----------------------------------------------------------------------------------

/** The ways outside traffic enters a Service, with who NetworkPolicy sees as the source on each. */
interface ServicePath {
  via: 'nodePort' | 'loadBalancer' | 'externalIP';
  detail: string;
  nodePorts: boolean;
  /** loadBalancerSourceRanges: the clients the load balancer lets through. */
  allow?: CidrBlock[];
  /** externalTrafficPolicy Cluster with known nodes: policies see these node addresses, not the client. */
  snat?: IpAddress[];
}

/**
 * Who policy sees on external traffic (service-reachability.ts, "who policy sees as the source"):
 * with externalTrafficPolicy Cluster kube-proxy SNATs the client to a node's address; with Local,
 * or when no node is known, the client's own address.
 */
function snatAddresses(service: ServiceModel, nodes: readonly NodeModel[]): IpAddress[] | undefined {
  if (service.externalTrafficPolicy === 'Local') return undefined;
  const addresses = nodes.map((n) => (n.addresses[0] ? parseIpAddress(n.addresses[0]) : undefined)).filter((a): a is IpAddress => a !== undefined);
  return addresses.length > 0 ? addresses : undefined;
}

function servicePathsOf(service: ServiceModel, nodes: readonly NodeModel[]): ServicePath[] {
  const paths: ServicePath[] = [];
  const name = `service ${service.namespace}/${service.name}`;
  const snat = snatAddresses(service, nodes);
  const seen = snat ? ` (externalTrafficPolicy Cluster: policies see node addresses ${nodes.map((n) => n.addresses[0]).filter(Boolean).join(', ')})` : '';
  // A LoadBalancer may have no node ports (allocateLoadBalancerNodePorts: false).
  if ((service.type === 'NodePort' || service.type === 'LoadBalancer') && service.ports.some((p) => p.nodePort !== undefined)) {
    paths.push({ via: 'nodePort', detail: `${name} node ports ${servicePortsText(service, true)}${seen}`, nodePorts: true, ...(snat ? { snat } : {}) });
  }
  if (service.type === 'LoadBalancer') {
    const allow = service.loadBalancerSourceRanges.map(parseCidr).filter((c): c is CidrBlock => c !== undefined);
    const where = service.loadBalancerIPs.length ? ` at ${service.loadBalancerIPs.join(', ')}` : '';
    paths.push({ via: 'loadBalancer', detail: `${name}${where} ports ${servicePortsText(service, false)}${seen}`, nodePorts: false, allow, ...(snat ? { snat } : {}) });
  }
  if (service.externalIPs.length > 0 && service.type !== 'ExternalName') {
    paths.push({ via: 'externalIP', detail: `${name} at ${service.externalIPs.join(', ')} ports ${servicePortsText(service, false)}${seen}`, nodePorts: false, ...(snat ? { snat } : {}) });
  }
  return paths;
}

/** Sources as one list: `any` when one of them is, else their CIDRs merged. */
function unionSources(lists: readonly (readonly string[])[]): string[] {
  if (lists.some((l) => l.includes('any'))) return ['any'];
  const byFamily = new Map<IpFamily, Interval[]>();
  for (const cidr of lists.flat().map(parseCidr)) {
    if (cidr) byFamily.set(cidr.family, [...(byFamily.get(cidr.family) ?? []), cidrInterval(cidr)]);
  }
  return ([4, 6] as const).flatMap((family) => mergeIntervals(byFamily.get(family) ?? []).flatMap((iv) => intervalToCidrs(family, iv)));
}

const routeText = (r: ExposureRoute): string => {
  const service = `service ${r.service}${r.port !== undefined ? `:${r.port}` : ''}`;
  if (r.kind === 'HTTPRoute') return `HTTPRoute ${r.name} on Gateway ${r.gateway} listener ${r.listener} host ${r.host} path ${r.path} (${r.pathType}) → ${service}`;
  const where = `${r.defaultBackend ? ' defaultBackend' : ''}${r.host ? ` host ${r.host}` : ''}${r.path ? ` path ${r.path}` : ''}`;
  return `${r.kind} ${r.name}${where} → ${service}`;
};

function routeOfBackend(b: IngressBackendModel): ExposureRoute {
  return {
    kind: b.source,
    name: `${b.namespace}/${b.name}`,
    ...(b.host ? { host: b.host } : {}),
    ...(b.path ? { path: b.path } : {}),
    ...(b.pathType ? { pathType: b.pathType } : {}),
    ...(b.defaultBackend ? { defaultBackend: true } : {}),
    service: `${b.namespace}/${b.service}`,
    ...(b.port !== undefined ? { port: b.port } : {}),
  };
}

/**
 * Which Ingress backends receive traffic, by the routing tables: those of a class that exists,
 * on a path that lost no conflict (ingress-routes.ts), or the class's winning defaultBackend.
 * Routes are not in the tables and always count.
 */
export function servedIngressBackends(tables: readonly IngressRoutingTable[]): (backend: IngressBackendModel) => boolean {
  const key = (ingress: string, host: string, path: string, pathType: string, service: string) => [ingress, host.toLowerCase(), path, pathType, service].join('\u0000');
  const served = new Set<string>();
  for (const table of tables) {
    if (!table.exists) continue;
    for (const host of table.hosts) {
      for (const p of host.paths) if (p.lostTo === undefined && p.backend.service) served.add(key(p.ingress, host.host, p.path, p.pathType, p.backend.service.name));
    }
    const d = table.defaultBackend;
    if (d?.service) served.add(key(d.ingress, '', '', 'defaultBackend', d.service.name));
  }
  return (b) => {
    if (b.source !== 'Ingress') return true;
    const ingress = `${b.namespace}/${b.name}`;
    if (b.defaultBackend) return served.has(key(ingress, '', '', 'defaultBackend', b.service));
    // The tables read an empty ImplementationSpecific path as `/`.
    const path = b.path ?? (b.pathType === 'ImplementationSpecific' ? '/' : '');
    return served.has(key(ingress, b.host ?? '', path, b.pathType ?? '', b.service));
  };
}

export function exposureReport(input: ExposureInput): ExposureReport {
  const { model, clusterModel: cluster, settings } = input;
  const controllers = settings.ingressControllers ? { ingressControllers: settings.ingressControllers } : {};
  const clusterCidrs = [settings.podCidr, settings.serviceCidr].map(parseCidr).filter((c): c is CidrBlock => c !== undefined);
  const nodes = cluster.nodes ?? [];
  const accessMemo = new Map<number, ExternalAccess>();
  const accessOf = (cls: PodClass): ExternalAccess => {
    let a = accessMemo.get(cls.index);
    if (!a) accessMemo.set(cls.index, (a = externalAccess(model, cls, clusterCidrs)));
    return a;
  };
  const fromNodesMemo = new Map<string, ConnectionSet>();
  const fromNodes = (cls: PodClass, addresses: readonly IpAddress[]): ConnectionSet => {
    const key = `${cls.index}\u0000${addresses.map((a) => a.value).join(',')}`;
    let c = fromNodesMemo.get(key);
    if (!c) fromNodesMemo.set(key, (c = addresses.reduce((acc, ip) => unionConnections(acc, model.classConnections({ ip }, { cls })), emptyConnections())));
    return c;
  };
  /** What a Service path lets in to one of its pods, and from which clients. */
  const pathAccess = (service: ServiceModel, path: ServicePath, pod: ModelPod): { sources: string[]; connections: ConnectionSet } => {
    const requested = serviceRequested(service, pod, path.nodePorts);
    if (!path.snat) return sourcesFor(accessOf(model.classOfPod(pod)), requested, path.allow);
    // The client can enter through any node (node port) or the load balancer picks one: what
    // some node's address is admitted on is open to every client the entry takes.
    const connections = intersectConnections(requested, fromNodes(model.classOfPod(pod), path.snat));
    if (isEmptyConnections(connections)) return { sources: [], connections };
    return { sources: path.allow?.length ? unionSources([path.allow.map((c) => `${formatIpAddress(c.family, c.network)}/${c.prefix}`)]) : ['any'], connections };
  };
  const endpoints = new Map((cluster.endpoints ?? []).map((e) => [`${e.namespace}/${e.service}`, e]));
  /** The ready endpoint pods of a Service. */
  const podsOf = (service: ServiceModel): ModelPod[] =>
    (endpoints.get(`${service.namespace}/${service.name}`)?.endpoints ?? []).flatMap((e) => {
      const pod = e.ready && e.pod !== undefined ? model.pods.get(e.pod) : undefined;
      return pod ? [pod] : [];
    });

  const rows: ExposureRow[] = [];
  const rowConnections = new Map<ExposureRow, ConnectionSet>();
  const push = (workload: string, via: ExposureVia, detail: string, connections: ConnectionSet, sources: string[], routes?: ExposureRoute[]): void => {
    if (isEmptyConnections(connections) || sources.length === 0) return;
    const existing = rows.find((r) => r.workload === workload && r.via === via && r.detail === detail);
    if (existing) {
      const merged = unionConnections(rowConnections.get(existing)!, connections);
      rowConnections.set(existing, merged);
      existing.ports = formatConnections(merged);
      existing.sources = unionSources([existing.sources, sources]);
      return;
    }
    const row: ExposureRow = { workload, via, detail, ports: formatConnections(connections), sources, ...(routes ? { routes } : {}) };
    rows.push(row);
    rowConnections.set(row, connections);
  };

  // Who reaches a proxy's pods from outside: through the Services in front of them.
  const entryMemo = new Map<ControllerSource, string[]>();
  const entrySources = (source: ControllerSource): string[] => {
    let sources = entryMemo.get(source);
    if (sources) return sources;
    const lists: string[][] = [];
    let entries = 0;
    const proxies = new Set(source.pods.map((p) => `${p.namespace}/${p.name}`));
    for (const service of servicesInFront(cluster.services ?? [], cluster.endpoints ?? [], source.pods)) {
      for (const path of servicePathsOf(service, nodes)) {
        entries++;
        for (const pod of podsOf(service)) if (proxies.has(`${pod.namespace}/${pod.name}`)) lists.push(pathAccess(service, path, pod).sources);
      }
    }
    // No Service takes outside traffic to the proxy (or it is the stand-in): the client is not checked.
    sources = entries === 0 ? ['any'] : unionSources(lists);
    entryMemo.set(source, sources);
    return sources;
  };

  // Through a proxy (ingress controller or Gateway): per backend workload, source and proxy, the routes leading there.
  const proxied = new Map<string, { workload: string; via: 'ingress' | 'gateway'; source: ControllerSource; connections: ConnectionSet; routes: ExposureRoute[] }>();
  const addProxied = (via: 'ingress' | 'gateway', source: ControllerSource, pod: ModelPod, allowed: ConnectionSet, routes: ExposureRoute[]): void => {
    if (isEmptyConnections(allowed)) return;
    const workload = workloadName(pod);
    const texts = [...new Set(routes.map(routeText))];
    const key = [workload, via, source.name, source.controller, texts.join('; ')].join('\u0000');
    const entry = proxied.get(key);
    if (entry) entry.connections = unionConnections(entry.connections, allowed);
    else proxied.set(key, { workload, via, source, connections: allowed, routes });
  };

  // Ingress / Route, through the controller.
  const serves = input.northSouth ? servedIngressBackends(input.northSouth.ingress) : undefined;
  const sourceOfTraffic = new Map<string, ControllerSource>();
  for (const t of ingressTraffic(model, cluster, controllers, serves)) {
    const id = `${t.source}\u0000${t.controller}`;
    let source = sourceOfTraffic.get(id);
    if (!source) sourceOfTraffic.set(id, (source = { name: t.source, controller: t.controller, pods: t.sourcePods }));
    const seen = new Set<string>();
    const routes = t.backends.map(routeOfBackend).filter((r) => (seen.has(routeText(r)) ? false : (seen.add(routeText(r)), true)));
    addProxied('ingress', source, t.pod, t.allowed, routes);
  }

  // HTTPRoutes, through the Gateway's proxy.
  if (input.northSouth) {
    const gateways = new Map(input.northSouth.gateway.gateways.map((g) => [g.key, g]));
    const sourceOfGateway = new Map<GatewayView, ControllerSource>();
    const memo: AllowanceMemo = new Map();
    const perPod = new Map<string, { source: ControllerSource; pod: ModelPod; requested: ConnectionSet; routes: ExposureRoute[] }>();
    for (const route of input.northSouth.gateway.routes) {
      for (const parent of route.parents) {
        const gateway = parent.gateway ? gateways.get(parent.gateway) : undefined;
        if (!gateway || parent.listeners.length === 0) continue;
        let source = sourceOfGateway.get(gateway);
        if (!source) sourceOfGateway.set(gateway, (source = gatewaySource(model, gateway, settings.ingressControllers ?? DEFAULT_INGRESS_CONTROLLERS)));
        for (const listener of parent.listeners) {
          for (const rule of route.rules) {
            // RegularExpression matches are never matched here (gateway-routes.ts).
            const matches = rule.matches.filter((m) => !m.unsupported);
            for (const backend of rule.backends) {
              if (backend.problem || backend.share === 0) continue;
              const service = `${backend.namespace}/${backend.name}`;
              const routes: ExposureRoute[] = matches.map((m) => ({
                kind: 'HTTPRoute',
                name: route.key,
                gateway: gateway.key,
                listener: listener.name,
                host: listener.hostnames.join(','),
                path: m.path.value,
                pathType: m.path.type,
                service,
                ...(backend.port !== undefined ? { port: backend.port } : {}),
              }));
              if (routes.length === 0) continue;
              for (const e of backend.endpoints) {
                const pod = e.ready && e.pod !== undefined ? model.pods.get(e.pod) : undefined;
                if (!pod) continue;
                const key = `${source.name}\u0000${gateway.key}\u0000${e.pod}`;
                const entry = perPod.get(key) ?? { source, pod, requested: emptyConnections(), routes: [] };
                entry.requested = unionConnections(entry.requested, connectionsOf('TCP', e.port, e.port));
                for (const r of routes) if (!entry.routes.some((x) => routeText(x) === routeText(r))) entry.routes.push(r);
                perPod.set(key, entry);
              }
            }
          }
        }
      }
    }
    for (const { source, pod, requested, routes } of perPod.values()) addProxied('gateway', source, pod, sourceAllowance(model, source, pod, requested, memo), routes);
  }

  for (const { workload, via, source, connections, routes } of proxied.values()) {
    const detail = `${[...new Set(routes.map(routeText))].join('; ')} (from ${source.name}, controller ${source.controller || '(none)'})`;
    push(workload, via, detail, connections, entrySources(source), routes);
  }

  // Services exposed outside: NodePort, LoadBalancer, externalIPs.
  for (const service of cluster.services ?? []) {
    const paths = servicePathsOf(service, nodes);
    if (paths.length === 0) continue;
    for (const pod of podsOf(service)) {
      for (const path of paths) {
        const { sources, connections } = pathAccess(service, path, pod);
        push(workloadName(pod), path.via, path.detail, connections, sources);
      }
    }
  }

  // Policies admitting external addresses directly (or no ingress isolation at all).
  for (const pod of model.allPods()) {
    const access = accessOf(model.classOfPod(pod));
    const byConnections = new Map<string, { connections: ConnectionSet; pieces: ExternalAccess['pieces'] }>();
    for (const piece of access.pieces) {
      if (isEmptyConnections(piece.connections)) continue;
      const key = formatConnections(piece.connections);
      const entry = byConnections.get(key) ?? { connections: piece.connections, pieces: [] };
      entry.pieces.push(piece);
      byConnections.set(key, entry);
    }
    for (const { connections, pieces } of byConnections.values()) {
      const { sources } = sourcesFor({ pieces, isolated: access.isolated }, connections);
      const everything = !access.isolated || (pieces.length === access.pieces.length && sources[0] === 'any');
      push(workloadName(pod), 'ipBlock', access.isolated ? 'ingress policy admits external addresses' : 'not isolated for ingress: any external address', connections, everything ? ['any'] : sources);
    }
  }

  const order: Record<ExposureVia, number> = { ingress: 0, gateway: 1, loadBalancer: 2, nodePort: 3, externalIP: 4, ipBlock: 5 };
  rows.sort((a, b) => (a.workload !== b.workload ? (a.workload < b.workload ? -1 : 1) : order[a.via] - order[b.via] || (a.detail < b.detail ? -1 : a.detail > b.detail ? 1 : 0)));

  const connections = connectionList(model, { clusterModel: cluster, ...(settings.ingressControllers ? { ingressControllers: settings.ingressControllers } : {}) });
  const { lines, unprotected } = peerExposure(model, cluster, connections);
  return { rows, connections, lines, unprotected };
}

/**
 * `txt`: the peer analyzer's exposure output (its `*_exposure_output.txt`): the connection list,
 * then `Exposure Analysis Result:` with egress and ingress exposure lines (workload names padded
 * to one width, then a tab) and the workloads not protected by network policies. The paths from
 * outside (`rows`) are in `json` (the whole report) and `renderExposurePaths`.
 */
export function renderExposure(report: ExposureReport, format: 'txt' | 'json'): string {
  if (format === 'json') return JSON.stringify({ rows: report.rows, connections: report.connections.map(({ src, dst, conn }) => ({ src, dst, conn })), lines: report.lines, unprotected: report.unprotected }, null, 2);
  const out: string[] = report.connections.map((r) => `${r.src} => ${r.dst} : ${r.conn}`);
  const width = Math.max(0, ...report.lines.map((l) => l.workload.length));
  const section = (direction: Direction): string[] =>
    report.lines
      .filter((l) => l.direction === direction)
      .map((l) => `${l.workload.padEnd(width)} \t${direction === 'egress' ? '=>' : '<='} \t${l.peer} : ${l.connections}`)
      .sort();
  const egress = section('egress');
  const ingress = section('ingress');
  if (out.length) out.push('');
  out.push('Exposure Analysis Result:');
  if (egress.length) out.push('Egress Exposure:', ...egress, '');
  if (ingress.length) out.push('Ingress Exposure:', ...ingress, '');
  if (report.unprotected.length) {
    out.push('Workloads not protected by network policies:');
    const sorted = [...report.unprotected].sort((a, b) => (a.workload !== b.workload ? (a.workload < b.workload ? -1 : 1) : a.direction < b.direction ? -1 : 1));
    for (const u of sorted) out.push(`${u.workload} is not protected on ${u.direction === 'egress' ? 'Egress' : 'Ingress'}`);
  }
  return out.join('\n');
}

/** Our own paths from outside, one line each (not part of the peer's format). */
export function renderExposurePaths(report: ExposureReport): string {
  return report.rows.map((r) => `${r.workload} <= ${r.sources.join(',')} via ${r.via} (${r.detail}) : ${r.ports}`).join('\n');
}
