import type { IpAddress } from '../addresses/cidr-blocks';
import { compareText } from '../cluster/text-order';
import { ipBlockContains, type CompiledPolicy, type CompiledRule } from '../policy/compiled-policies';
import type { PodClass } from '../policy/pod-classes';
import { PolicyModel } from '../policy/policy-model';
import { workloadName } from '../workloads/pods-from-workloads';
import { externalRanges, workloadInFocus, type ConnectionListOptions, type ConnectionRow } from './connection-list';
import { allConnections, ConnectionInterner, emptyConnections, intersectConnections, unionConnections } from './connection-set';

export interface WorkloadConnectionOptions extends ConnectionListOptions {
  /**
   * Only rows with one of these workloads (`ns/name[Kind]`) as source or destination (and, with
   * `focusWorkload` too, in that focus). What a change can affect is a set of workloads: the rows
   * of the others stay as they were, so a diff needs these rows only.
   */
  focusWorkloads?: ReadonlySet<string>;
}

/**
 * The workload rows of the connection list (workload ↔ workload and workload ↔ External range),
 * exactly as `connectionList` defines them (same rows, same order, same connection sets), without
 * its per-class-pair walk over every policy rule.
 *
 * How: classes are grouped by what decides each direction. Egress: the set of policies that
 * select the class for egress. Ingress: the selecting policies plus the class's named ports.
 * Per group, each rule's peer classes come as a bitset (`PolicyModel.ruleSet`); one pass over
 * those bitsets gives every other class its mask of admitting rules, and the connection set of a
 * (group, mask) is built once. Connection sets are interned: rows carry an integer id until the
 * end, pairs combine by id (with fast paths for "no connections" and "all connections", which is
 * what a non-isolated direction allows) and the few intersections and unions actually needed are
 * memoised under numeric keys. Rows of one id share one `ConnectionSet` object and one text.
 *
 * With a focus (a few workloads of many), only the rows of the groups of focused classes are
 * built; what the other classes' policies say toward (egress) or from (ingress) a focused class
 * is read per group as a column instead (`column`, through `egressId` / `ingressId`), so the cost
 * follows the focus rather than the cluster.
 */
export function workloadConnectionRows(model: PolicyModel, options: WorkloadConnectionOptions = {}): ConnectionRow[] {
  const classes = model.classes;
  const n = classes.length;
  const sets = new ConnectionInterner();
  const EMPTY = sets.intern(emptyConnections());
  const ALL = sets.intern(allConnections());

  // ---- workloads: name → distinct classes (in pod order, as connectionList) ----------------------
  // Classes list their pods by index in model order: no per-pod lookup by name.
  const classOfPod = new Int32Array(model.allPods().length);
  for (const cls of classes) for (const i of cls.pods) classOfPod[i] = cls.index;
  const classesOf = new Map<string, number[]>();
  for (const [i, pod] of model.allPods().entries()) {
    const name = workloadName(pod);
    const c = classOfPod[i]!;
    const list = classesOf.get(name);
    if (!list) classesOf.set(name, [c]);
    else if (!list.includes(c)) list.push(c);
  }
  const names = [...classesOf.keys()].sort(compareText);
  const lists = names.map((name) => classesOf.get(name)!);
  const focusSet = options.focusWorkloads;
  const focused = names.map((name) => workloadInFocus(name, options.focusWorkload) && (!focusSet || focusSet.has(name)));
  const anyFocused = focused.some((f) => f);
  // Some but not all workloads: the column way (below) instead of every group's row.
  const partial = anyFocused && focused.some((f) => !f);
  const focusedClass = new Uint8Array(n);
  if (partial) lists.forEach((list, w) => focused[w] && list.forEach((c) => (focusedClass[c] = 1)));

  // ---- named-port signatures (what named ports resolve to on a class) ---------------------------
  const namedSig = new Int32Array(n);
  {
    const ids = new Map<string, number>();
    for (const cls of classes) {
      let id = ids.get(cls.namedPortsKey);
      if (id === undefined) ids.set(cls.namedPortsKey, (id = ids.size));
      namedSig[cls.index] = id;
    }
  }

  const unions = new Map<number, number>();
  const union = (a: number, b: number): number => {
    if (a === b || b === EMPTY || a === ALL) return a;
    if (a === EMPTY || b === ALL) return b;
    const key = a < b ? a * 2 ** 26 + b : b * 2 ** 26 + a;
    let id = unions.get(key);
    if (id === undefined) unions.set(key, (id = sets.intern(unionConnections(sets.set(a), sets.set(b)))));
    return id;
  };

  /** The connection-set id of one rule, its named ports resolved on a class (by signature), or on nothing. */
  const plainRuleIds = new Map<CompiledRule, number>();
  const namedRuleIds = new Map<CompiledRule, Map<number, number>>();
  const ruleId = (rule: GroupRule, portsOf: number): number => {
    if (!rule.named || portsOf < 0) {
      let id = plainRuleIds.get(rule.rule);
      if (id === undefined) plainRuleIds.set(rule.rule, (id = sets.intern(PolicyModel.ruleConnections(rule.rule, undefined))));
      return id;
    }
    let bySig = namedRuleIds.get(rule.rule);
    if (!bySig) namedRuleIds.set(rule.rule, (bySig = new Map()));
    const sig = namedSig[portsOf]!;
    let id = bySig.get(sig);
    if (id === undefined) bySig.set(sig, (id = sets.intern(PolicyModel.ruleConnections(rule.rule, classes[portsOf]!.namedPorts))));
    return id;
  };

  // ---- direction groups ------------------------------------------------------------------------
  const egress = groupClasses(classes, (cls) => cls.egressPolicies, (cls) => cls.egressPolicies.map((p) => p.id).join(','), (p) => p.egress);
  const ingress = groupClasses(
    classes,
    (cls) => cls.ingressPolicies,
    (cls) => `${cls.ingressPolicies.map((p) => p.id).join(',')}|${namedSig[cls.index]}`,
    (p) => p.ingress,
  );

  type Row = Int32Array | Uint16Array;
  const scratch = new Int32Array(n);
  const constantRows = new Map<number, Int32Array>();
  const constantRow = (id: number): Int32Array => {
    let row = constantRows.get(id);
    if (!row) constantRows.set(id, (row = new Int32Array(n).fill(id)));
    return row;
  };

  /**
   * For one group: the connection-set id toward (egress) or from (ingress) every class, as the
   * union of the rules whose peers match that class. Named ports resolve on the destination:
   * each other class for egress, the group's own class for ingress.
   */
  const groupRow = (group: Group, direction: 'egress' | 'ingress'): Row => {
    if (!group.isolated) return constantRow(ALL);
    if (group.rules.length === 0) return constantRow(EMPTY);
    const row = scratch.fill(EMPTY);
    for (const rule of group.rules) {
      const words = model.ruleSet(rule.policy, rule.rule).words;
      const perClass = direction === 'egress' && rule.named;
      const fixed = perClass ? EMPTY : ruleId(rule, direction === 'egress' ? -1 : group.first);
      if (!perClass && fixed === EMPTY) continue;
      for (let w = 0; w < words.length; w++) {
        let bits = words[w]!;
        while (bits !== 0) {
          const low = bits & -bits;
          const c = (w << 5) + 31 - Math.clz32(low);
          bits ^= low;
          row[c] = union(row[c]!, perClass ? ruleId(rule, c) : fixed);
        }
      }
    }
    // Half the memory while ids fit in 16 bits (there are rarely more than a few hundred sets).
    return sets.size <= 0xffff ? Uint16Array.from(row) : row.slice();
  };

  const rows: ConnectionRow[] = [];
  const push = (src: string, dst: string, id: number): void => {
    if (id !== EMPTY) rows.push({ src, dst, conn: sets.text(id), connections: sets.set(id) });
  };

  // ---- workload ↔ workload -----------------------------------------------------------------------
  // Only the rows of the groups actually reached are built (with a focus, few are).
  const egressRows: (Row | undefined)[] = new Array(egress.groups.length);
  const ingressRows: (Row | undefined)[] = new Array(ingress.groups.length);
  const egressRowOf = (c: number): Row => {
    const g = egress.groupOf[c]!;
    return (egressRows[g] ??= groupRow(egress.groups[g]!, 'egress'));
  };
  const ingressRowOf = (c: number): Row => {
    const g = ingress.groupOf[c]!;
    return (ingressRows[g] ??= groupRow(ingress.groups[g]!, 'ingress'));
  };
  const ingressRowList: Row[] = [];
  if (anyFocused && !partial) for (let c = 0; c < n; c++) ingressRowList.push(ingressRowOf(c));

  /**
   * A column: per group of one direction, the connection-set id its rules give a focused class
   * (toward it for egress, from it for ingress) — `groupRow(group)[c]` for every group at once.
   */
  const column = (grouping: { groups: Group[] }, direction: 'egress' | 'ingress', c: number): Int32Array => {
    const out = new Int32Array(grouping.groups.length);
    const target = { cls: classes[c]! };
    const admits = new Map<CompiledRule, boolean>();
    grouping.groups.forEach((group, g) => {
      if (!group.isolated) {
        out[g] = ALL;
        return;
      }
      let id = EMPTY;
      for (const rule of group.rules) {
        let yes = admits.get(rule.rule);
        // One class against the rule's peers: cheaper than the rule's set over every class.
        if (yes === undefined) admits.set(rule.rule, (yes = !rule.rule.peers || rule.rule.peers.some((peer) => model.peerMatches(rule.policy, peer, target))));
        // Named ports resolve on the destination: c for egress, the group's class for ingress.
        if (yes) id = union(id, ruleId(rule, direction === 'egress' ? c : group.first));
      }
      out[g] = id;
    });
    return out;
  };
  const egressColumns = new Map<number, Int32Array>();
  const ingressColumns = new Map<number, Int32Array>();
  /** What class s's egress allows toward d (one of them is focused in partial mode). */
  const egressId = (s: number, d: number): number => {
    if (!partial || !focusedClass[d]) return egressRowOf(s)[d]!;
    let col = egressColumns.get(d);
    if (!col) egressColumns.set(d, (col = column(egress, 'egress', d)));
    return col[egress.groupOf[s]!]!;
  };
  /** What class d's ingress allows from s. */
  const ingressId = (d: number, s: number): number => {
    if (!partial) return ingressRowList[d]![s]!;
    if (!focusedClass[s]) return ingressRowOf(d)[s]!;
    let col = ingressColumns.get(s);
    if (!col) ingressColumns.set(s, (col = column(ingress, 'ingress', s)));
    return col[ingress.groupOf[d]!]!;
  };

  const intersections = new Map<number, number>();
  const pair = (e: number, i: number): number => {
    if (e === EMPTY || i === EMPTY) return EMPTY;
    if (e === ALL || e === i) return i;
    if (i === ALL) return e;
    const key = e < i ? e * 2 ** 26 + i : i * 2 ** 26 + e;
    let id = intersections.get(key);
    if (id === undefined) intersections.set(key, (id = sets.intern(intersectConnections(sets.set(e), sets.set(i)))));
    return id;
  };

  // Rows sort by source then destination (string order): sources are workloads and ingress
  // ranges, destinations of a workload are workloads and egress ranges.
  const egressRanges = externalRanges(model, 'egress').sort((a, b) => compareText(a.name, b.name));
  const ingressRanges = externalRanges(model, 'ingress').sort((a, b) => compareText(a.name, b.name));

  /** Which ranges each rule's peers admit (an address matches ipBlock peers only), per rule. */
  const admittedCache = new Map<readonly unknown[], Map<CompiledRule, Uint8Array>>();
  const admittedRanges = (rule: CompiledRule, ranges: readonly { ip: IpAddress }[]): Uint8Array => {
    let byRule = admittedCache.get(ranges);
    if (!byRule) admittedCache.set(ranges, (byRule = new Map()));
    let out = byRule.get(rule);
    if (!out) {
      out = new Uint8Array(ranges.length);
      ranges.forEach((range, k) => {
        out![k] = !rule.peers || rule.peers.some((peer) => peer.kind === 'ipBlock' && ipBlockContains(peer.block, range.ip)) ? 1 : 0;
      });
      byRule.set(rule, out);
    }
    return out;
  };
  const workloadRanges = (ranges: readonly { ip: IpAddress }[], direction: 'egress' | 'ingress'): Int32Array[] => {
    // Per group: the connection-set id of each range; then per workload, the union over its classes.
    // Only the groups of focused workloads' classes are reached.
    const grouping = direction === 'egress' ? egress : ingress;
    const byGroup: (Int32Array | undefined)[] = new Array(grouping.groups.length);
    const groupRanges = (g: number): Int32Array => {
      let out = byGroup[g];
      if (out) return out;
      const group = grouping.groups[g]!;
      out = byGroup[g] = new Int32Array(ranges.length);
      if (!group.isolated) return out.fill(ALL);
      for (const rule of group.rules) {
        const id = ruleId(rule, direction === 'egress' ? -1 : group.first);
        if (id === EMPTY) continue;
        const admitted = admittedRanges(rule.rule, ranges);
        for (let k = 0; k < ranges.length; k++) if (admitted[k]) out[k] = union(out[k]!, id);
      }
      return out;
    };
    return lists.map((list, w) => {
      const out = new Int32Array(ranges.length);
      if (!focused[w]) return out;
      for (let k = 0; k < ranges.length; k++) {
        let id = EMPTY;
        for (const c of list) id = union(id, groupRanges(grouping.groupOf[c]!)[k]!);
        out[k] = id;
      }
      return out;
    });
  };
  const toRanges = workloadRanges(egressRanges, 'egress');
  const fromRanges = workloadRanges(ingressRanges, 'ingress');

  const pairOf = (srcList: readonly number[], dstList: readonly number[]): number => {
    let id = EMPTY;
    for (const s of srcList) {
      if (partial) {
        for (const d of dstList) id = union(id, pair(egressId(s, d), ingressId(d, s)));
        continue;
      }
      const e = egressRowOf(s);
      for (const d of dstList) id = union(id, pair(e[d]!, ingressRowList[d]![s]!));
    }
    return id;
  };

  // Class-pair ids of a block of source workloads, computed destination-major so that each
  // destination's ingress row is read once per block rather than once per pair (cache misses
  // dominate otherwise).
  const BLOCK = 64;
  const blockPairs = new Int32Array(Math.min(BLOCK, names.length) * n);
  const blockSources = new Int32Array(BLOCK);
  let blockStart = -1;
  const fillBlock = (w0: number): void => {
    blockStart = w0;
    const count = Math.min(BLOCK, names.length - w0);
    const egressOfSource: Row[] = [];
    for (let b = 0; b < count; b++) {
      const list = lists[w0 + b]!;
      const s = focused[w0 + b] && list.length === 1 ? list[0]! : -1;
      blockSources[b] = s;
      egressOfSource.push(s >= 0 ? egressRowOf(s) : constantRow(EMPTY));
    }
    if (partial) {
      // Few sources: each one's ingress column covers every destination.
      for (let b = 0; b < count; b++) {
        const s = blockSources[b]!;
        if (s < 0) continue;
        const e = egressOfSource[b]!;
        for (let d = 0; d < n; d++) blockPairs[b * n + d] = pair(e[d]!, ingressId(d, s));
      }
      return;
    }
    for (let d = 0; d < n; d++) {
      const fromSources = ingressRowList[d]!;
      for (let b = 0; b < count; b++) {
        const s = blockSources[b]!;
        if (s >= 0) blockPairs[b * n + d] = pair(egressOfSource[b]![d]!, fromSources[s]!);
      }
    }
  };
  const focusedIndexes = names.map((_, v) => v).filter((v) => focused[v]);

  const workloadRow = (w: number): void => {
    const src = names[w]!;
    const srcList = lists[w]!;
    if (!focused[w]) {
      for (const v of focusedIndexes) if (v !== w) push(src, names[v]!, pairOf(srcList, lists[v]!));
      return;
    }
    if (blockStart < 0 || w < blockStart || w >= blockStart + BLOCK) fillBlock(w);
    const base = (w - blockStart) * n;
    const single = srcList.length === 1;
    let k = 0; // next egress range, merged into the destination order
    const ranges = toRanges[w]!;
    for (let v = 0; v < names.length; v++) {
      const dst = names[v]!;
      while (k < egressRanges.length && egressRanges[k]!.name < dst) {
        push(src, egressRanges[k]!.name, ranges[k]!);
        k++;
      }
      if (v === w) continue;
      const dstList = lists[v]!;
      push(src, dst, single && dstList.length === 1 ? blockPairs[base + dstList[0]!]! : pairOf(srcList, dstList));
    }
    for (; k < egressRanges.length; k++) push(src, egressRanges[k]!.name, ranges[k]!);
  };
  const rangeRow = (k: number): void => {
    const src = ingressRanges[k]!.name;
    for (let w = 0; w < names.length; w++) if (focused[w]) push(src, names[w]!, fromRanges[w]![k]!);
  };

  if (anyFocused) {
    // Merge the two sorted source lists.
    let k = 0;
    for (let w = 0; w < names.length; w++) {
      while (k < ingressRanges.length && ingressRanges[k]!.name < names[w]!) rangeRow(k++);
      workloadRow(w);
    }
    while (k < ingressRanges.length) rangeRow(k++);
  }
  return rows;
}

interface GroupRule {
  policy: CompiledPolicy;
  rule: CompiledRule;
  named: boolean;
}

interface Group {
  isolated: boolean;
  /** A class of the group (its named ports stand for the group's, where the key includes them). */
  first: number;
  rules: GroupRule[];
}

function groupClasses(
  classes: readonly PodClass[],
  policiesOf: (cls: PodClass) => readonly CompiledPolicy[],
  keyOf: (cls: PodClass) => string,
  rulesOf: (policy: CompiledPolicy) => readonly CompiledRule[] | undefined,
): { groups: Group[]; groupOf: Int32Array } {
  const groups: Group[] = [];
  const groupOf = new Int32Array(classes.length);
  const byKey = new Map<string, number>();
  for (const cls of classes) {
    const policies = policiesOf(cls);
    const key = policies.length === 0 ? '' : `+${keyOf(cls)}`;
    let g = byKey.get(key);
    if (g === undefined) {
      g = groups.length;
      byKey.set(key, g);
      const rules: GroupRule[] = [];
      for (const policy of policies) for (const rule of rulesOf(policy) ?? []) rules.push({ policy, rule, named: rule.ports?.some((p) => p.kind === 'named') ?? false });
      groups.push({ isolated: policies.length > 0, first: cls.index, rules });
    }
    groupOf[cls.index] = g;
  }
  return { groups, groupOf };
}
