import { formatIpAddress, parseCidr, type CidrBlock, type IpFamily } from '../addresses/cidr-blocks';
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
import type { ServiceModel } from '../services/service-model';
import type { ClusterModel } from '../workloads/cluster-model';
import type { ModelPod, Protocol } from '../workloads/pods-from-workloads';
import { ingressTraffic, type IngressControllerSetting } from './ingress-controller';

/**
 * Exposure: which workloads can be reached from outside the cluster, by which path, on which
 * ports and from which source addresses (pure; see semantics.md for each path).
 *
 * - `ingress`: an Ingress/Route backend, through the ingress controller (its pod's egress and
 *   the backend's ingress policies both apply; see ingress-controller.ts).
 * - `nodePort` / `loadBalancer` / `externalIP`: a Service exposed outside; the backend pods'
 *   ingress policies judge the client address (LoadBalancer: only `loadBalancerSourceRanges`).
 * - `ipBlock`: the backend's ingress policies admit addresses outside the pod and service
 *   CIDRs directly (a pod not isolated for ingress admits any address).
 *
 * Alongside, `workloads` carries the peer analyzer's exposure analysis (np-guard/netpol-analyzer
 * `--exposure`): per workload and direction, exposure to external ranges, to the entire cluster
 * and to pods that policies name but the cluster does not hold (representative peers), and the
 * workloads not protected by policies. `renderExposure(report, 'txt')` prints it in its format.
 */
export type ExposureVia = 'ingress' | 'nodePort' | 'loadBalancer' | 'externalIP' | 'ipBlock';

export interface ExposureRow {
  workload: string;
  via: ExposureVia;
  detail: string;
  /** e.g. `TCP 80,443` or `All Connections`. */
  ports: string;
  /** CIDRs, or `any` (every address outside the cluster). */
  sources: string[];
}

export interface ExposureSettings {
  podCidr: string;
  serviceCidr: string;
  ingressControllers?: readonly IngressControllerSetting[];
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

const workloadNameOf = (pod: ModelPod): string => `${pod.namespace}/${pod.owner.name}[${pod.owner.kind}]`;

// ---- address intervals -----------------------------------------------------------------------

type Interval = [bigint, bigint];

const familyEnd = (family: IpFamily): bigint => (family === 4 ? 1n << 32n : 1n << 128n) - 1n;

function cidrInterval(c: CidrBlock): Interval {
  const size = 1n << BigInt((c.family === 4 ? 32 : 128) - c.prefix);
  return [c.network, c.network + size - 1n];
}

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
    const name = workloadNameOf(pod);
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
      const external = connections.filter((r) => (direction === 'ingress' ? r.dst === workload && r.src.endsWith('[External]') : r.src === workload && r.dst.endsWith('[External]')));
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

export function exposureReport(input: { model: PolicyModel; clusterModel: ClusterModel; settings: ExposureSettings }): ExposureReport {
  const { model, clusterModel: cluster, settings } = input;
  const controllers = settings.ingressControllers ? { ingressControllers: settings.ingressControllers } : {};
  const clusterCidrs = [settings.podCidr, settings.serviceCidr].map(parseCidr).filter((c): c is CidrBlock => c !== undefined);
  const accessMemo = new Map<number, ExternalAccess>();
  const accessOf = (cls: PodClass): ExternalAccess => {
    let a = accessMemo.get(cls.index);
    if (!a) accessMemo.set(cls.index, (a = externalAccess(model, cls, clusterCidrs)));
    return a;
  };

  const rows: ExposureRow[] = [];
  const push = (workload: string, via: ExposureVia, detail: string, connections: ConnectionSet, sources: string[]): void => {
    if (isEmptyConnections(connections) || sources.length === 0) return;
    const existing = rows.find((r) => r.workload === workload && r.via === via && r.detail === detail);
    if (existing) {
      existing.sources = [...new Set([...existing.sources, ...sources])];
      return;
    }
    rows.push({ workload, via, detail, ports: formatConnections(connections), sources });
  };

  // Ingress / Route, through the controller.
  const perWorkload = new Map<string, { connections: ConnectionSet; detail: string }>();
  for (const t of ingressTraffic(model, cluster, controllers)) {
    if (isEmptyConnections(t.allowed)) continue;
    const objects = [...new Set(t.backends.map((b) => `${b.source} ${b.namespace}/${b.name}${b.host ? ` host ${b.host}` : ''}${b.path ? ` path ${b.path}` : ''} → service ${b.service}${b.port !== undefined ? `:${b.port}` : ''}`))];
    const key = `${workloadNameOf(t.pod)}\u0000${t.source}\u0000${objects.join('; ')}`;
    const prev = perWorkload.get(key);
    perWorkload.set(key, { connections: unionConnections(prev?.connections ?? emptyConnections(), t.allowed), detail: `${objects.join('; ')} (from ${t.source}, controller ${t.controller})` });
  }
  for (const [key, { connections, detail }] of perWorkload) push(key.split('\u0000')[0]!, 'ingress', detail, connections, ['any']);

  // Services exposed outside: NodePort, LoadBalancer, externalIPs.
  const endpoints = new Map((cluster.endpoints ?? []).map((e) => [`${e.namespace}/${e.service}`, e]));
  for (const service of cluster.services ?? []) {
    const paths: { via: ExposureVia; detail: string; nodePorts: boolean; allow?: CidrBlock[] }[] = [];
    if (service.type === 'NodePort' || service.type === 'LoadBalancer') {
      paths.push({ via: 'nodePort', detail: `service ${service.namespace}/${service.name} node ports ${servicePortsText(service, true)}`, nodePorts: true });
    }
    if (service.type === 'LoadBalancer') {
      const allow = service.loadBalancerSourceRanges.map(parseCidr).filter((c): c is CidrBlock => c !== undefined);
      const where = service.loadBalancerIPs.length ? ` at ${service.loadBalancerIPs.join(', ')}` : '';
      paths.push({ via: 'loadBalancer', detail: `service ${service.namespace}/${service.name}${where} ports ${servicePortsText(service, false)}`, nodePorts: false, allow });
    }
    if (service.externalIPs.length > 0 && service.type !== 'ExternalName') {
      paths.push({ via: 'externalIP', detail: `service ${service.namespace}/${service.name} at ${service.externalIPs.join(', ')} ports ${servicePortsText(service, false)}`, nodePorts: false });
    }
    if (paths.length === 0) continue;
    for (const endpoint of endpoints.get(`${service.namespace}/${service.name}`)?.endpoints ?? []) {
      if (!endpoint.pod || !endpoint.ready) continue;
      const slash = endpoint.pod.indexOf('/');
      const pod = model.findPod(endpoint.pod.slice(0, slash), endpoint.pod.slice(slash + 1));
      if (!pod) continue;
      const access = accessOf(model.classOfPod(pod));
      for (const path of paths) {
        const requested = serviceRequested(service, pod, path.nodePorts);
        const { sources, connections } = sourcesFor(access, requested, path.allow);
        push(workloadNameOf(pod), path.via, path.detail, connections, sources);
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
      push(workloadNameOf(pod), 'ipBlock', access.isolated ? 'ingress policy admits external addresses' : 'not isolated for ingress: any external address', connections, everything ? ['any'] : sources);
    }
  }

  const order: Record<ExposureVia, number> = { ingress: 0, loadBalancer: 1, nodePort: 2, externalIP: 3, ipBlock: 4 };
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
