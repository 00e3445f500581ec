import { parseIpAddress, type IpAddress } from '../addresses/cidr-blocks';
import type { ModelPod, Protocol } from '../workloads/pods-from-workloads';
import { blockBounds, type CompiledPolicy, type CompiledSelector, type IpBlock } from './compiled-policies';

/**
 * Pods that no selector, ipBlock or named port can tell apart form one class; verdicts are
 * computed per class and hold for every pod of it. A class key is (namespace, the interned pod
 * selectors its labels match, the referenced named ports it declares, the ipBlock atoms holding
 * its IPs).
 */
export interface NamedPort {
  protocol: Protocol;
  port: number;
}

export interface PodClass {
  index: number;
  namespace: string;
  selectorIds: ReadonlySet<number>;
  /** Referenced port names only (first container port of each name wins). */
  namedPorts: ReadonlyMap<string, NamedPort>;
  /** `namedPorts` as a canonical string (`name:protocol:port`, sorted): equal keys resolve names alike. */
  namedPortsKey: string;
  /** IPs of the first pod; all pods of the class share the ipBlock atoms of their IPs. */
  ips: IpAddress[];
  pods: number[];
  ingressPolicies: CompiledPolicy[];
  egressPolicies: CompiledPolicy[];
}

/** Sorted boundaries of the disjoint address ranges that all ipBlocks cut an address family into. */
export interface IpAtoms {
  4: bigint[];
  6: bigint[];
}

/** The maximal address intervals of an ipBlock: its cidr less the union of its excepts. */
export function ipBlockIntervals(block: IpBlock): Array<[bigint, bigint]> {
  const [lo, hi] = blockBounds(block.cidr);
  const holes = block.except
    .filter((e) => e.family === block.cidr.family)
    .map(blockBounds)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Array<[bigint, bigint]> = [];
  let next = lo;
  for (const [a, b] of holes) {
    if (b < next) continue;
    if (a > next) out.push([next, a - 1n < hi ? a - 1n : hi]);
    if (b + 1n > next) next = b + 1n;
  }
  if (next <= hi) out.push([next, hi]);
  return out;
}

/**
 * Atoms are cut at the edges of each block's maximal intervals, not at each cidr and except:
 * two adjacent excepts (10.0.0.0/9 and 10.128.0.0/9) leave one hole, as the peer analyzer
 * (which works on interval sets) reports it.
 */
export function ipAtomsOf(blocks: readonly IpBlock[]): IpAtoms {
  const sets = { 4: new Set<bigint>([0n]), 6: new Set<bigint>([0n]) };
  for (const b of blocks) {
    for (const [lo, hi] of ipBlockIntervals(b)) {
      sets[b.cidr.family].add(lo);
      sets[b.cidr.family].add(hi + 1n);
    }
  }
  const max = { 4: 1n << 32n, 6: 1n << 128n };
  const sorted = (f: 4 | 6) => [...sets[f]].filter((v) => v < max[f]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { 4: sorted(4), 6: sorted(6) };
}

/** Index of the atom holding the address (the last boundary ≤ it). */
export function atomOf(atoms: IpAtoms, address: IpAddress): number {
  const list = atoms[address.family];
  let lo = 0;
  let hi = list.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (list[mid]! <= address.value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The canonical key of a label set. Pods made from one template carry their labels in the same
 * order, so the key in insertion order is looked up first and the sorted one only for new orders.
 */
function labelGroups(pods: readonly ModelPod[]): { groupOf: Int32Array; groupLabels: Record<string, string>[] } {
  const groupOf = new Int32Array(pods.length);
  const byRaw = new Map<string, number>();
  const byCanonical = new Map<string, number>();
  const groupLabels: Record<string, string>[] = [];
  pods.forEach((pod, i) => {
    const raw = JSON.stringify(pod.labels);
    let g = byRaw.get(raw);
    if (g === undefined) {
      const canonical = JSON.stringify(Object.entries(pod.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      g = byCanonical.get(canonical);
      if (g === undefined) {
        g = groupLabels.length;
        byCanonical.set(canonical, g);
        groupLabels.push(pod.labels);
      }
      byRaw.set(raw, g);
    }
    groupOf[i] = g;
  });
  return { groupOf, groupLabels };
}

/** Which interned selectors each distinct label set matches, through a `key=value` index. */
function matchSelectors(pods: readonly ModelPod[], selectors: readonly CompiledSelector[]): { groupOf: Int32Array; matched: number[][] } {
  const { groupOf, groupLabels } = labelGroups(pods);
  const byPair = new Map<string, number[]>();
  groupLabels.forEach((labels, g) => {
    for (const [k, v] of Object.entries(labels)) {
      const key = `${k}\u0000${v}`;
      let list = byPair.get(key);
      if (!list) byPair.set(key, (list = []));
      list.push(g);
    }
  });
  const all = groupLabels.map((_, g) => g);
  const matched: number[][] = groupLabels.map(() => []);
  for (const selector of selectors) {
    const candidates = selector.anchor ? (byPair.get(`${selector.anchor[0]}\u0000${selector.anchor[1]}`) ?? []) : all;
    for (const g of candidates) if (selector.matches(groupLabels[g]!)) matched[g]!.push(selector.id);
  }
  return { groupOf, matched };
}

export function podIps(pod: ModelPod): IpAddress[] {
  const out: IpAddress[] = [];
  for (const ip of pod.ips) {
    const a = parseIpAddress(ip);
    if (a) out.push(a);
  }
  return out;
}

export function namedPortsOf(pod: ModelPod, referenced: ReadonlySet<string>): Map<string, NamedPort> {
  const out = new Map<string, NamedPort>();
  for (const p of pod.containerPorts) {
    if (p.name && referenced.has(p.name) && !out.has(p.name)) out.set(p.name, { protocol: p.protocol, port: p.containerPort });
  }
  return out;
}

/** `namedPortsOf`'s result as a canonical string, without building the map (most pods declare none that are referenced). */
function namedPortsSignature(pod: ModelPod, referenced: ReadonlySet<string>): string {
  let parts: string[] | undefined;
  let seen: string[] | undefined;
  for (const p of pod.containerPorts) {
    if (!p.name || !referenced.has(p.name)) continue;
    if (seen?.includes(p.name)) continue;
    (seen ??= []).push(p.name);
    (parts ??= []).push(`${p.name}:${p.protocol}:${p.containerPort}`);
  }
  if (!parts) return '';
  return parts.length === 1 ? parts[0]! : parts.sort().join(',');
}

export function buildPodClasses(
  pods: readonly ModelPod[],
  selectors: readonly CompiledSelector[],
  referencedNames: ReadonlySet<string>,
  atoms: IpAtoms,
): { classes: PodClass[]; classOf: Int32Array } {
  const { groupOf, matched } = matchSelectors(pods, selectors);
  // Label groups that match the same selectors share one id (and one set).
  const selIds = new Map<string, number>();
  const selSets: ReadonlySet<number>[] = [];
  const selOfGroup = matched.map((sel) => {
    const key = sel.join(',');
    let id = selIds.get(key);
    if (id === undefined) {
      id = selSets.length;
      selIds.set(key, id);
      selSets.push(new Set(sel));
    }
    return id;
  });
  const classes: PodClass[] = [];
  const classOf = new Int32Array(pods.length);
  const byKey = new Map<string, PodClass>();
  pods.forEach((pod, i) => {
    const ips = podIps(pod);
    const sel = selOfGroup[groupOf[i]!]!;
    const namedSig = namedPortsSignature(pod, referencedNames);
    const atomSig = ips.length === 1 ? `${ips[0]!.family}:${atomOf(atoms, ips[0]!)}` : ips.map((a) => `${a.family}:${atomOf(atoms, a)}`).sort().join(',');
    const key = `${pod.namespace}\u0000${sel}\u0000${namedSig}\u0000${atomSig}`;
    let cls = byKey.get(key);
    if (!cls) {
      cls = { index: classes.length, namespace: pod.namespace, selectorIds: selSets[sel]!, namedPorts: namedPortsOf(pod, referencedNames), namedPortsKey: namedSig, ips, pods: [], ingressPolicies: [], egressPolicies: [] };
      byKey.set(key, cls);
      classes.push(cls);
    }
    cls.pods.push(i);
    classOf[i] = cls.index;
  });
  return { classes, classOf };
}
