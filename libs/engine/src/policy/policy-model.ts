import { parseIpAddress, type IpAddress } from '../addresses/cidr-blocks';
import { compareText } from '../cluster/text-order';
import {
  allConnections,
  connectionsOf,
  emptyConnections,
  intersectConnections,
  MAX_PORT,
  MIN_PORT,
  unionConnections,
  type ConnectionSet,
} from '../connectivity/connection-set';
import type { ModelPod, Protocol } from '../workloads/pods-from-workloads';
import {
  compilePolicy,
  ipBlockContains,
  SelectorTable,
  type CompiledPeer,
  type CompiledPolicy,
  type CompiledPort,
  type CompiledRule,
  type Direction,
  type IpBlock,
  type NetworkPolicyInput,
} from './compiled-policies';
import { buildPodClasses, ClassLookup, ipAtomsOf, type IpAtoms, type NamedPort, type PodClass } from './pod-classes';
import { podIndexOf, podKey, type PodIndex } from './pod-index';

/**
 * NetworkPolicy verdicts (semantics.md, NetworkPolicy). `buildPolicyModel` compiles selectors,
 * policies, named ports and CIDRs once and groups pods into classes; `evaluate`, `matrix` and
 * the connection list then work on classes.
 *
 * Persistence: nothing class-level is stored. The worker stores the ClusterModel (pods,
 * namespaces, normalized policies) and the API rebuilds with `policyModelOf`: a build is a few
 * hundred milliseconds even for 10k pods × 10k policies, cheaper than (de)serialising results.
 */
export const NAMESPACE_NAME_LABEL_KEY = 'kubernetes.io/metadata.name';

export interface NamespaceInput {
  name: string;
  labels: Record<string, string>;
}

export interface PolicyModelInput {
  pods: readonly ModelPod[];
  namespaces: readonly NamespaceInput[];
  policies: readonly NetworkPolicyInput[];
  settings: { cni: string };
}

export type Endpoint = { pod: ModelPod } | { ip: string };

export interface AllowingRule {
  policy: string;
  ruleIndex: number;
  peerIndex?: number;
  peer: string;
  port: string;
}

export interface DirectionExplanation {
  isolated: boolean;
  selectingPolicies: string[];
  allowedBy: AllowingRule[];
  allowed: boolean;
  reason: string;
}

export interface Verdict {
  /** Effective: what packets do, given the CNI plugin. */
  allowed: boolean;
  /** What the policies say. */
  policyAllowed: boolean;
  enforced: boolean;
  warnings: string[];
  port?: number;
  egress: DirectionExplanation;
  ingress: DirectionExplanation;
}

export interface MatrixQuery {
  port: number;
  protocol: Protocol;
  namespace?: string;
}

export interface PolicyMatrix {
  pods: string[];
  /** Effective verdicts; rows are sources, columns destinations. */
  allowed: boolean[][];
  /** Present when the CNI does not enforce: what the policies alone would allow. */
  policyAllowed?: boolean[][];
  enforced: boolean;
  warnings: string[];
}

/** Where a connection goes, at class level: a pod class or an external address. */
export type ClassTarget = { cls: PodClass } | { ip: IpAddress };

const ENFORCING_CNI = new Set(['calico', 'cilium', 'antrea', 'weave', 'canal']);

export function enforcementOf(cni: string): { enforced: boolean; warnings: string[] } {
  const name = cni.toLowerCase();
  if (name === 'flannel') {
    return {
      enforced: false,
      warnings: ['CNI plugin flannel does not enforce NetworkPolicy: every connection is allowed in fact, whatever the policies say (the policy verdict is given beside the effective one)'],
    };
  }
  if (ENFORCING_CNI.has(name)) return { enforced: true, warnings: [] };
  return { enforced: true, warnings: [`CNI plugin "${cni}" is not a known one: NetworkPolicy is assumed to be enforced`] };
}

export { podKey };

/** A bitset over class indexes. */
export class ClassSet {
  readonly words: Uint32Array;
  constructor(size: number) {
    this.words = new Uint32Array((size + 31) >>> 5);
  }
  add(i: number): void {
    this.words[i >>> 5]! |= 1 << (i & 31);
  }
  has(i: number): boolean {
    return (this.words[i >>> 5]! & (1 << (i & 31))) !== 0;
  }
  or(other: ClassSet): void {
    const w = this.words;
    const o = other.words;
    for (let i = 0; i < w.length; i++) w[i]! |= o[i]!;
  }
  fill(size: number): this {
    this.words.fill(0xffffffff);
    const extra = this.words.length * 32 - size;
    if (extra > 0) this.words[this.words.length - 1] = 0xffffffff >>> extra;
    return this;
  }
  /** Calls `fn` with each member, in increasing order. */
  forEach(fn: (i: number) => void): void {
    const w = this.words;
    for (let k = 0; k < w.length; k++) {
      let bits = w[k]!;
      while (bits !== 0) {
        const low = bits & -bits;
        fn((k << 5) + 31 - Math.clz32(low));
        bits ^= low;
      }
    }
  }
}

export class PolicyModel {
  readonly pods: ReadonlyMap<string, ModelPod>;
  readonly policies: readonly CompiledPolicy[];
  readonly classes: readonly PodClass[];
  readonly enforced: boolean;
  readonly enforcementWarnings: readonly string[];
  /** The ipBlock atoms (boundaries per family), for external ranges in connection lists. */
  readonly atoms: IpAtoms;
  readonly ipBlocks: readonly IpBlock[];
  /** ipBlocks of ingress rules and of egress rules, and the atoms each set cuts (external ranges per direction). */
  readonly directionBlocks: Readonly<Record<Direction, { blocks: readonly IpBlock[]; atoms: IpAtoms }>>;

  /** The pods in model order, with lookups by name and address (shared with other models of the same pods). */
  private readonly index: PodIndex;
  private readonly classOf: Int32Array;
  private readonly nsMatches: ReadonlyArray<ReadonlySet<string>>;
  private readonly classLookup: ClassLookup;
  private readonly peerSets = new Map<CompiledPeer, ClassSet>();
  private readonly blockSets = new Map<string, ClassSet>();

  /** Made by `buildPolicyModel` or `buildPolicyModelInSteps`, from the parts `policyModelStages` computes. */
  constructor(parts: PolicyModelParts) {
    this.enforced = parts.enforced;
    this.enforcementWarnings = parts.enforcementWarnings;
    this.index = parts.podIndex;
    this.pods = parts.podIndex.byKey;
    this.policies = parts.policies;
    this.nsMatches = parts.nsMatches;
    this.ipBlocks = parts.ipBlocks;
    this.atoms = parts.atoms;
    this.directionBlocks = parts.directionBlocks;
    this.classes = parts.classes;
    this.classOf = parts.classOf;
    this.classLookup = parts.classLookup;
  }

  findPod(namespace: string, name: string): ModelPod | undefined {
    return this.pods.get(`${namespace}/${name}`);
  }

  podsOfWorkload(kind: string, namespace: string, name: string): ModelPod[] {
    const k = kind.toLowerCase();
    return this.index.list.filter((p) => p.namespace === namespace && p.owner.name === name && p.owner.kind.toLowerCase() === k);
  }

  /** The class of a model pod (by `ns/name`). */
  classOfPod(pod: ModelPod): PodClass {
    const i = this.index.indexByKey.get(podKey(pod));
    if (i === undefined) throw new Error(`pod ${podKey(pod)} is not part of the model`);
    return this.classes[this.classOf[i]!]!;
  }

  /** Pods in model order (sorted by `ns/name`). */
  allPods(): readonly ModelPod[] {
    return this.index.list;
  }

  // ---- matching -------------------------------------------------------------------------

  /** Does a rule peer match the target (a class or an address)? Pod IPs match ipBlocks too (semantics.md convention). */
  peerMatches(policy: CompiledPolicy, peer: CompiledPeer, target: ClassTarget): boolean {
    if (peer.kind === 'ipBlock') {
      if ('ip' in target) return ipBlockContains(peer.block, target.ip);
      return target.cls.ips.some((ip) => ipBlockContains(peer.block, ip));
    }
    if ('ip' in target) return false;
    const cls = target.cls;
    const inNamespace = peer.namespaceSelector ? this.nsMatches[peer.namespaceSelector.id]!.has(cls.namespace) : cls.namespace === policy.namespace;
    return inNamespace && (peer.podSelector ? cls.selectorIds.has(peer.podSelector.id) : true);
  }

  /** The ports of one rule entry, with names resolved on the destination (nothing for an address). */
  static portConnections(port: CompiledPort, destination: ReadonlyMap<string, NamedPort> | undefined): ConnectionSet {
    const span = portSpan(port, destination);
    return span ? connectionsOf(port.protocol, span.from, span.to) : emptyConnections();
  }

  /** Whether one rule entry lets `protocol`/`port` through: `portConnections` for one connection, without building the set (an answer asks this per entry). */
  static portAdmits(entry: CompiledPort, destination: ReadonlyMap<string, NamedPort> | undefined, protocol: Protocol, port: number): boolean {
    const span = entry.protocol === protocol ? portSpan(entry, destination) : undefined;
    return span !== undefined && port >= Math.max(span.from, MIN_PORT) && port <= Math.min(span.to, MAX_PORT);
  }

  static ruleConnections(rule: CompiledRule, destination: ReadonlyMap<string, NamedPort> | undefined): ConnectionSet {
    if (!rule.ports) return allConnections();
    return rule.ports.reduce((acc, p) => unionConnections(acc, PolicyModel.portConnections(p, destination)), emptyConnections());
  }

  /**
   * What one direction of a class allows toward (egress) or from (ingress) a target, as a
   * connection set. `destinationPorts` are the named ports of the destination of the connection.
   */
  directionConnections(direction: Direction, cls: PodClass, other: ClassTarget): ConnectionSet {
    const policies = direction === 'egress' ? cls.egressPolicies : cls.ingressPolicies;
    if (policies.length === 0) return allConnections();
    const destinationPorts = direction === 'egress' ? ('cls' in other ? other.cls.namedPorts : undefined) : cls.namedPorts;
    let acc = emptyConnections();
    for (const policy of policies) {
      for (const rule of (direction === 'egress' ? policy.egress : policy.ingress) ?? []) {
        if (rule.peers && !rule.peers.some((peer) => this.peerMatches(policy, peer, other))) continue;
        acc = unionConnections(acc, PolicyModel.ruleConnections(rule, destinationPorts));
      }
    }
    return acc;
  }

  /** Policy-level connections from a source to a destination (class or address) at class level. */
  classConnections(source: ClassTarget, destination: ClassTarget): ConnectionSet {
    let conns = allConnections();
    if ('cls' in source) conns = intersectConnections(conns, this.directionConnections('egress', source.cls, destination));
    if ('cls' in destination) conns = intersectConnections(conns, this.directionConnections('ingress', destination.cls, source));
    return conns;
  }

  // ---- evaluate -------------------------------------------------------------------------

  evaluate(from: Endpoint, to: Endpoint, port: number | string, protocol: Protocol): Verdict {
    const warnings = [...this.enforcementWarnings];
    const src = this.resolveEndpoint(from, warnings);
    const dst = this.resolveEndpoint(to, warnings);
    const srcText = src.pod ? podKey(src.pod) : src.text;
    const dstText = dst.pod ? podKey(dst.pod) : dst.text;

    let resolved: number | undefined;
    if (typeof port === 'number') resolved = port;
    else if (/^\d+$/.test(port)) resolved = Number(port);
    else if (dst.pod) {
      const match = dst.pod.containerPorts.find((p) => p.name === port && p.protocol === protocol) ?? dst.pod.containerPorts.find((p) => p.name === port);
      if (match && match.protocol !== protocol) warnings.push(`port name "${port}" of ${dstText} is ${match.protocol}, not ${protocol}`);
      else if (match) resolved = match.containerPort;
    }
    if (resolved === undefined) {
      const reason = dst.pod ? `port name "${port}" is not declared by any container of ${dstText}` : `port name "${port}" cannot be resolved on an IP destination`;
      warnings.push(`${reason}: there is no connection to judge`);
      const none: DirectionExplanation = { isolated: false, selectingPolicies: [], allowedBy: [], allowed: false, reason };
      return { allowed: false, policyAllowed: false, enforced: this.enforced, warnings, egress: none, ingress: { ...none } };
    }

    if (src.pod && dst.pod && podKey(src.pod) === podKey(dst.pod)) {
      const loop: DirectionExplanation = { isolated: false, selectingPolicies: [], allowedBy: [], allowed: true, reason: 'loopback: a pod can always reach itself' };
      return { allowed: true, policyAllowed: true, enforced: this.enforced, warnings, port: resolved, egress: loop, ingress: { ...loop } };
    }
    const egress = src.cls
      ? this.explain('egress', src.cls, src.pod!, dst.cls ? { cls: dst.cls } : { ip: dst.ip! }, dstText, dst.cls?.namedPorts, resolved, protocol)
      : external('egress');
    const ingress = dst.cls
      ? this.explain('ingress', dst.cls, dst.pod!, src.cls ? { cls: src.cls } : { ip: src.ip! }, srcText, dst.cls.namedPorts, resolved, protocol)
      : external('ingress');
    if (!src.cls && !dst.cls) warnings.push('neither endpoint is a pod of the cluster: no policy applies');
    const policyAllowed = egress.allowed && ingress.allowed;
    if (!this.enforced && !policyAllowed) warnings.push(`the policies deny ${protocol} ${resolved} from ${srcText} to ${dstText}, but the CNI plugin does not enforce them`);
    return { allowed: this.enforced ? policyAllowed : true, policyAllowed, enforced: this.enforced, warnings, port: resolved, egress, ingress };
  }

  private resolveEndpoint(endpoint: Endpoint, warnings: string[]): { pod?: ModelPod; cls?: PodClass; ip?: IpAddress; text: string } {
    if ('pod' in endpoint) {
      const i = this.index.indexByKey.get(podKey(endpoint.pod));
      if (i === undefined) throw new Error(`pod ${podKey(endpoint.pod)} is not part of the model`);
      const pod = this.index.list[i]!;
      return { pod, cls: this.classes[this.classOf[i]!]!, text: podKey(pod) };
    }
    const ip = parseIpAddress(endpoint.ip);
    if (!ip) throw new Error(`"${endpoint.ip}" is not an IP address`);
    const owner = this.index.indexByIp.get(endpoint.ip);
    if (owner !== undefined) {
      const pod = this.index.list[owner]!;
      warnings.push(`${endpoint.ip} is the address of pod ${podKey(pod)}: judged as that pod`);
      return { pod, cls: this.classes[this.classOf[owner]!]!, text: podKey(pod) };
    }
    return { ip, text: endpoint.ip };
  }

  private explain(
    direction: Direction,
    cls: PodClass,
    pod: ModelPod,
    other: ClassTarget,
    otherText: string,
    destinationPorts: ReadonlyMap<string, NamedPort> | undefined,
    port: number,
    protocol: Protocol,
  ): DirectionExplanation {
    const policies = direction === 'egress' ? cls.egressPolicies : cls.ingressPolicies;
    const selectingPolicies = policies.map((p) => p.key);
    if (policies.length === 0) {
      return { isolated: false, selectingPolicies, allowedBy: [], allowed: true, reason: `not isolated: no policy in ns ${pod.namespace} selects ${podKey(pod)} for ${direction}` };
    }
    const allowedBy: AllowingRule[] = [];
    for (const policy of policies) {
      for (const rule of (direction === 'egress' ? policy.egress : policy.ingress) ?? []) {
        const portEntry = rule.ports
          ? rule.ports.find((p) => PolicyModel.portAdmits(p, destinationPorts, protocol, port))
          : undefined;
        if (rule.ports && !portEntry) continue;
        const portText = portEntry ? portTextOf(portEntry, destinationPorts) : 'all ports (ports omitted)';
        if (!rule.peers) {
          allowedBy.push({ policy: policy.key, ruleIndex: rule.index, peer: `any peer (${direction === 'egress' ? 'to' : 'from'} omitted)`, port: portText });
          continue;
        }
        const peer = rule.peers.find((p) => this.peerMatches(policy, p, other));
        if (peer) allowedBy.push({ policy: policy.key, ruleIndex: rule.index, peerIndex: peer.index, peer: peer.text, port: portText });
      }
    }
    const allowed = allowedBy.length > 0;
    const reason = allowed
      ? `allowed by ${allowedBy.map((a) => `${a.policy} ${direction} rule ${a.ruleIndex}`).join(', ')}`
      : `no ${direction} rule of policies [${selectingPolicies.join(', ')}] allows ${protocol} ${port} ${direction === 'egress' ? 'to' : 'from'} ${otherText}`;
    return { isolated: true, selectingPolicies, allowedBy, allowed, reason };
  }

  // ---- matrix ---------------------------------------------------------------------------

  /** Classes matched by one peer (cached: it does not depend on the port). */
  private peerSet(policy: CompiledPolicy, peer: CompiledPeer): ClassSet {
    let set = this.peerSets.get(peer);
    if (set) return set;
    set = new ClassSet(this.classes.length);
    if (peer.kind === 'ipBlock') {
      // Identical blocks of different policies share one scan.
      const same = this.blockSets.get(peer.text);
      if (same) {
        this.peerSets.set(peer, same);
        return same;
      }
      for (const cls of this.classes) if (cls.ips.some((ip) => ipBlockContains(peer.block, ip))) set.add(cls.index);
      this.blockSets.set(peer.text, set);
    } else {
      const namespaces = peer.namespaceSelector ? this.nsMatches[peer.namespaceSelector.id]! : [policy.namespace];
      for (const ns of namespaces) {
        const list = peer.podSelector ? this.classLookup.ofSelector(ns, peer.podSelector.id) : this.classLookup.ofNamespace(ns);
        for (const c of list ?? []) set.add(c);
      }
    }
    this.peerSets.set(peer, set);
    return set;
  }

  private readonly ruleSets = new Map<CompiledRule, ClassSet>();

  /**
   * Classes matched by any peer of a rule (cached: it does not depend on the port). The set is
   * shared: callers must not modify it.
   */
  ruleSet(policy: CompiledPolicy, rule: CompiledRule): ClassSet {
    let set = this.ruleSets.get(rule);
    if (set) return set;
    set = new ClassSet(this.classes.length);
    if (!rule.peers) set.fill(this.classes.length);
    else for (const peer of rule.peers) set.or(this.peerSet(policy, peer));
    this.ruleSets.set(rule, set);
    return set;
  }

  /**
   * Class × class verdicts for one port: `allowed(s, d)` is the policy verdict between two
   * different pods of classes s and d. Rows are memoised per set of selecting policies.
   */
  classMatrix(port: number, protocol: Protocol): (s: number, d: number) => boolean {
    const n = this.classes.length;
    const everything = new ClassSet(n).fill(n);
    const numericMatch = (rule: CompiledRule): boolean =>
      !rule.ports || rule.ports.some((p) => p.protocol === protocol && (p.kind === 'protocol' || (p.kind === 'range' && port >= p.from && port <= p.to)));
    const namedMatch = (rule: CompiledRule, cls: PodClass): boolean =>
      (rule.ports ?? []).some((p) => {
        if (p.kind !== 'named' || p.protocol !== protocol) return false;
        const r = cls.namedPorts.get(p.name);
        return r !== undefined && r.protocol === protocol && r.port === port;
      });

    const egressMemo = new Map<string, ClassSet>();
    const egressRows = this.classes.map((cls) => {
      if (cls.egressPolicies.length === 0) return everything;
      const key = cls.egressPolicies.map((p) => p.id).join(',');
      let row = egressMemo.get(key);
      if (row) return row;
      row = new ClassSet(n);
      for (const policy of cls.egressPolicies) {
        for (const rule of policy.egress ?? []) {
          const peers = this.ruleSet(policy, rule);
          if (numericMatch(rule)) row.or(peers);
          else if (rule.ports?.some((p) => p.kind === 'named' && p.protocol === protocol)) {
            // Named ports resolve on each destination class.
            for (let d = 0; d < n; d++) if (peers.has(d) && namedMatch(rule, this.classes[d]!)) row.add(d);
          }
        }
      }
      egressMemo.set(key, row);
      return row;
    });

    const ingressMemo = new Map<string, ClassSet>();
    const ingressRows = this.classes.map((cls) => {
      if (cls.ingressPolicies.length === 0) return everything;
      const key = `${cls.ingressPolicies.map((p) => p.id).join(',')}|${cls.namedPortsKey}`;
      let row = ingressMemo.get(key);
      if (row) return row;
      row = new ClassSet(n);
      for (const policy of cls.ingressPolicies) {
        for (const rule of policy.ingress ?? []) {
          if (numericMatch(rule) || namedMatch(rule, cls)) row.or(this.ruleSet(policy, rule));
        }
      }
      ingressMemo.set(key, row);
      return row;
    });
    // Final rows: walk only the destinations egress allows and check the other side's ingress.
    const rows = egressRows.map((egress, s) => {
      const row = new ClassSet(n);
      const words = egress.words;
      for (let w = 0; w < words.length; w++) {
        let bits = words[w]!;
        while (bits !== 0) {
          const low = bits & -bits;
          const d = (w << 5) + 31 - Math.clz32(low);
          if (ingressRows[d]!.has(s)) row.add(d);
          bits ^= low;
        }
      }
      return row;
    });
    return (s, d) => rows[s]!.has(d);
  }

  matrix(query: MatrixQuery): PolicyMatrix {
    const indexes: number[] = [];
    this.index.list.forEach((p, i) => {
      if (query.namespace === undefined || p.namespace === query.namespace) indexes.push(i);
    });
    const verdict = this.classMatrix(query.port, query.protocol);
    const policyAllowed = indexes.map((i) => indexes.map((j) => i === j || verdict(this.classOf[i]!, this.classOf[j]!)));
    const result: PolicyMatrix = {
      pods: indexes.map((i) => podKey(this.index.list[i]!)),
      allowed: this.enforced ? policyAllowed : policyAllowed.map((row) => row.map(() => true)),
      enforced: this.enforced,
      warnings: [...this.enforcementWarnings],
    };
    if (!this.enforced) result.policyAllowed = policyAllowed;
    return result;
  }

}

/** The ports (of the entry's protocol) one rule entry lets through, names resolved on the destination; undefined for none. */
function portSpan(port: CompiledPort, destination: ReadonlyMap<string, NamedPort> | undefined): { from: number; to: number } | undefined {
  switch (port.kind) {
    case 'protocol':
      return { from: MIN_PORT, to: MAX_PORT };
    case 'range':
      return { from: port.from, to: port.to };
    case 'named': {
      // A named port matches only where the destination declares it with the rule's protocol.
      const resolved = destination?.get(port.name);
      return resolved && resolved.protocol === port.protocol ? { from: resolved.port, to: resolved.port } : undefined;
    }
  }
}

function portTextOf(port: CompiledPort, destination: ReadonlyMap<string, NamedPort> | undefined): string {
  if (port.kind === 'named') {
    const r = destination?.get(port.name);
    return r ? `${port.protocol} ${port.name} (= ${r.port} on the destination)` : port.text;
  }
  return port.text;
}

function external(direction: Direction): DirectionExplanation {
  return {
    isolated: false,
    selectingPolicies: [],
    allowedBy: [],
    allowed: true,
    reason: `external peer: ${direction} of an IP is not governed by policies`,
  };
}

/** What a model is made of (see `policyModelStages`). */
export interface PolicyModelParts {
  enforced: boolean;
  enforcementWarnings: readonly string[];
  podIndex: PodIndex;
  policies: readonly CompiledPolicy[];
  nsMatches: ReadonlyArray<ReadonlySet<string>>;
  ipBlocks: readonly IpBlock[];
  atoms: IpAtoms;
  directionBlocks: Readonly<Record<Direction, { blocks: readonly IpBlock[]; atoms: IpAtoms }>>;
  classes: readonly PodClass[];
  classOf: Int32Array;
  classLookup: ClassLookup;
}

/** Policies compiled between two pauses of a stepped build. */
const POLICIES_PER_STEP = 250;

/**
 * Compiles selectors, policies, named ports and CIDRs once and groups pods into classes,
 * yielding between stages: each stage is a few milliseconds at 10k pods, so a caller driving it
 * step by step (`buildPolicyModelInSteps`) can serve other work in between.
 */
function* policyModelStages(input: PolicyModelInput): Generator<void, PolicyModelParts, void> {
  const { enforced, warnings } = enforcementOf(input.settings.cni);
  // Pod order, lookups and label sets depend on the pods alone: shared with earlier models of the same pods.
  const podIndex = podIndexOf(input.pods);
  yield;

  const selectors = new SelectorTable();
  const nsSelectors = new SelectorTable();
  const sortedPolicies = input.policies
    .map((policy) => ({ policy, key: `${policy.namespace}/${policy.name}` }))
    .sort((a, b) => compareText(a.key, b.key))
    .map((k) => k.policy);
  const policies: CompiledPolicy[] = [];
  for (const policy of sortedPolicies) {
    policies.push(compilePolicy(policy, policies.length, selectors, nsSelectors));
    if (policies.length % POLICIES_PER_STEP === 0) yield;
  }

  // Every namespace carries kubernetes.io/metadata.name; namespaces used but not declared exist with it.
  const namespaces = new Map<string, Record<string, string>>();
  for (const ns of input.namespaces) namespaces.set(ns.name, { ...ns.labels, [NAMESPACE_NAME_LABEL_KEY]: ns.name });
  for (const name of [...podIndex.namespaces, ...policies.map((p) => p.namespace)]) {
    if (!namespaces.has(name)) namespaces.set(name, { [NAMESPACE_NAME_LABEL_KEY]: name });
  }
  const nsMatches = nsSelectors.list.map((s) => new Set([...namespaces].filter(([, labels]) => s.matches(labels)).map(([name]) => name)));

  const referencedNames = new Set<string>();
  const byDirection: Record<Direction, IpBlock[]> = { ingress: [], egress: [] };
  for (const policy of policies) {
    for (const direction of ['ingress', 'egress'] as const) {
      for (const rule of policy[direction] ?? []) {
        for (const port of rule.ports ?? []) if (port.kind === 'named') referencedNames.add(port.name);
        for (const peer of rule.peers ?? []) if (peer.kind === 'ipBlock') byDirection[direction].push(peer.block);
      }
    }
  }
  const ipBlocks = [...byDirection.ingress, ...byDirection.egress];
  const atoms = ipAtomsOf(ipBlocks);
  const directionBlocks = {
    ingress: { blocks: byDirection.ingress, atoms: ipAtomsOf(byDirection.ingress) },
    egress: { blocks: byDirection.egress, atoms: ipAtomsOf(byDirection.egress) },
  };
  yield;

  const { classes, classOf } = buildPodClasses(podIndex, selectors.list, referencedNames, atoms);
  yield;

  // Isolation: only policies of the pod's own namespace select it (semantics.md, NetworkPolicy).
  const classLookup = new ClassLookup(classes);
  for (const policy of policies) {
    for (const c of classLookup.ofSelector(policy.namespace, policy.podSelector.id)) {
      if (policy.ingress) classes[c]!.ingressPolicies.push(policy);
      if (policy.egress) classes[c]!.egressPolicies.push(policy);
    }
  }
  return {
    enforced,
    enforcementWarnings: warnings,
    podIndex,
    policies,
    nsMatches,
    ipBlocks,
    atoms,
    directionBlocks,
    classes,
    classOf,
    classLookup,
  };
}

export function buildPolicyModel(input: PolicyModelInput): PolicyModel {
  const stages = policyModelStages(input);
  for (;;) {
    const step = stages.next();
    if (step.done) return new PolicyModel(step.value);
  }
}

/**
 * `buildPolicyModel`, awaiting `pause()` between stages. A server answering on one thread passes
 * something like `() => new Promise((resolve) => setImmediate(resolve))`, so a build (tens to
 * hundreds of milliseconds at 10k pods) never holds other requests for more than one stage.
 */
export async function buildPolicyModelInSteps(input: PolicyModelInput, pause: () => Promise<void>): Promise<PolicyModel> {
  const stages = policyModelStages(input);
  for (;;) {
    const step = stages.next();
    if (step.done) return new PolicyModel(step.value);
    await pause();
  }
}
