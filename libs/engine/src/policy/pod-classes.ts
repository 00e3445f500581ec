import type { IpAddress } from '../addresses/cidr-blocks';
import type { ModelPod, Protocol } from '../workloads/pods-from-workloads';
import { blockBounds, type CompiledPolicy, type CompiledSelector, type IpBlock } from './compiled-policies';
import type { PodIndex } from './pod-index';

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

/**
 * Pods no selector can tell apart from each other: same namespace, labels, referenced named
 * ports and ipBlock atoms. Every pod of a kind lands in the same class, so classes are built per
 * kind. `base` numbers what kinds share but their labels (namespace, named ports, atoms).
 */
interface PodKinds {
  kindOf: Int32Array;
  /** The first pod (in model order) of each kind. */
  firstPod: readonly number[];
  base: Int32Array;
  /** The referenced named ports of each kind, as a map and as a canonical string. */
  namedPorts: readonly ReadonlyMap<string, NamedPort>[];
  namedPortsKey: readonly string[];
}

interface KindInputs {
  referencedNames: ReadonlySet<string>;
  atoms: IpAtoms;
}

const sameList = <T>(a: readonly T[], b: readonly T[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);
const sameKindInputs = (a: KindInputs, b: KindInputs): boolean =>
  a.referencedNames.size === b.referencedNames.size && [...a.referencedNames].every((n) => b.referencedNames.has(n)) && sameList(a.atoms[4], b.atoms[4]) && sameList(a.atoms[6], b.atoms[6]);

function podKinds(index: PodIndex, { referencedNames, atoms }: KindInputs): PodKinds {
  const groups = index.groupLabels.length;
  const kindOf = new Int32Array(index.list.length);
  const firstPod: number[] = [];
  const baseOfKind: number[] = [];
  const namedPorts: ReadonlyMap<string, NamedPort>[] = [];
  const namedPortsKey: string[] = [];
  const bases = new Map<string, number>();
  const kinds = new Map<number, number>();
  index.list.forEach((pod, i) => {
    const ips = index.ips[i]!;
    const named = namedPortsSignature(pod, referencedNames);
    const atomSig = ips.length === 1 ? `${ips[0]!.family}:${atomOf(atoms, ips[0]!)}` : ips.map((a) => `${a.family}:${atomOf(atoms, a)}`).sort().join(',');
    const baseKey = `${pod.namespace}\u0000${named}\u0000${atomSig}`;
    let base = bases.get(baseKey);
    if (base === undefined) bases.set(baseKey, (base = bases.size));
    const kindKey = base * groups + index.groupOf[i]!;
    let kind = kinds.get(kindKey);
    if (kind === undefined) {
      kinds.set(kindKey, (kind = firstPod.length));
      firstPod.push(i);
      baseOfKind.push(base);
      namedPorts.push(namedPortsOf(pod, referencedNames));
      namedPortsKey.push(named);
    }
    kindOf[i] = kind;
  });
  return { kindOf, firstPod, base: Int32Array.from(baseOfKind), namedPorts, namedPortsKey };
}

/**
 * Groups the pods of `index` into classes. What depends on the pods alone comes from the index,
 * and so do the pod kinds while the referenced names and the atoms stay the same: after a policy
 * change that adds no named port or ipBlock edge, this is one pass over the kinds and the pods.
 */
export function buildPodClasses(
  index: PodIndex,
  selectors: readonly CompiledSelector[],
  referencedNames: ReadonlySet<string>,
  atoms: IpAtoms,
): { classes: PodClass[]; classOf: Int32Array } {
  const matched = index.matchSelectors(selectors);
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
  const kinds = index.derived('podKinds', { referencedNames, atoms }, sameKindInputs, () => podKinds(index, { referencedNames, atoms }));
  const classes: PodClass[] = [];
  const byKey = new Map<number, number>();
  const classOfKind = kinds.firstPod.map((i, kind) => {
    const sel = selOfGroup[index.groupOf[i]!]!;
    const key = kinds.base[kind]! * selSets.length + sel;
    let c = byKey.get(key);
    if (c === undefined) {
      byKey.set(key, (c = classes.length));
      classes.push({
        index: c,
        namespace: index.list[i]!.namespace,
        selectorIds: selSets[sel]!,
        namedPorts: kinds.namedPorts[kind]!,
        namedPortsKey: kinds.namedPortsKey[kind]!,
        ips: index.ips[i]!,
        pods: [],
        ingressPolicies: [],
        egressPolicies: [],
      });
    }
    return c;
  });
  const classOf = new Int32Array(index.list.length);
  for (let i = 0; i < classOf.length; i++) {
    const c = classOfKind[kinds.kindOf[i]!]!;
    classOf[i] = c;
    classes[c]!.pods.push(i);
  }
  return { classes, classOf };
}

/**
 * Classes by namespace, and by (namespace, pod selector), the latter found on first use: a build
 * asks for the selectors of policies only, and answers for the few peers they touch.
 */
export class ClassLookup {
  private readonly byNamespace = new Map<string, number[]>();
  private readonly bySelector = new Map<string, Map<number, readonly number[]>>();

  constructor(private readonly classes: readonly PodClass[]) {
    for (const cls of classes) {
      const list = this.byNamespace.get(cls.namespace);
      if (list) list.push(cls.index);
      else this.byNamespace.set(cls.namespace, [cls.index]);
    }
  }

  ofNamespace(namespace: string): readonly number[] {
    return this.byNamespace.get(namespace) ?? [];
  }

  /** Classes of `namespace` whose pods the selector with this id matches. */
  ofSelector(namespace: string, selectorId: number): readonly number[] {
    let memo = this.bySelector.get(namespace);
    if (!memo) this.bySelector.set(namespace, (memo = new Map()));
    let list = memo.get(selectorId);
    if (!list) memo.set(selectorId, (list = this.ofNamespace(namespace).filter((c) => this.classes[c]!.selectorIds.has(selectorId))));
    return list;
  }
}
