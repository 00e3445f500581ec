import { parseIpAddress, type IpAddress } from '../addresses/cidr-blocks';
import { compareText } from '../cluster/text-order';
import type { ModelPod } from '../workloads/pods-from-workloads';
import type { CompiledSelector } from './compiled-policies';

export const podKey = (pod: { namespace: string; name: string }): string => `${pod.namespace}/${pod.name}`;

/**
 * What a list of pods yields whatever the policies are: the pods in `ns/name` order, lookups by
 * name and address, parsed addresses, distinct label sets, and which label sets each selector
 * matches. A policy change leaves the pods alone (the cluster model keeps the same array), so a
 * model built after it reuses all of this instead of redoing it for every pod: see `podIndexOf`.
 *
 * Pod lists are never changed once made (the cluster model replaces the whole array when pods
 * change), which is what makes keying by the array itself sound.
 */
export class PodIndex {
  /** Pods sorted by `ns/name`: the model's pod order. */
  readonly list: readonly ModelPod[];
  readonly byKey = new Map<string, ModelPod>();
  readonly indexByKey = new Map<string, number>();
  /** The first pod (in model order) holding each address. */
  readonly indexByIp = new Map<string, number>();
  /** Namespaces that hold pods. */
  readonly namespaces: ReadonlySet<string>;
  /** Parsed addresses per pod (unparsable ones left out). */
  readonly ips: readonly IpAddress[][];
  /** The label set each pod carries, as an index into `groupLabels`. */
  readonly groupOf: Int32Array;
  /** Distinct label sets (equal sets in any key order are one). */
  readonly groupLabels: readonly Record<string, string>[];
  /** Label sets per `key\0value` pair, for selectors with a matchLabels anchor. */
  private readonly groupsByPair = new Map<string, number[]>();
  private readonly allGroups: readonly number[];
  /** Label sets each selector matched, by canonical selector key; only the last build's selectors are kept. */
  private selectorMatches = new Map<string, readonly number[]>();
  /** Values of `derived`, with the inputs they were derived from. */
  private readonly derivedValues = new Map<string, { inputs: unknown; value: unknown }>();

  constructor(pods: readonly ModelPod[]) {
    // Keys are computed once per pod, not once per comparison.
    const keyed = pods.map((pod) => ({ pod, key: podKey(pod) })).sort((a, b) => compareText(a.key, b.key));
    this.list = keyed.map((k) => k.pod);
    keyed.forEach(({ pod, key }, i) => {
      this.byKey.set(key, pod);
      this.indexByKey.set(key, i);
      for (const ip of pod.ips) if (!this.indexByIp.has(ip)) this.indexByIp.set(ip, i);
    });
    this.ips = this.list.map(parsedIps);
    this.namespaces = new Set(this.list.map((pod) => pod.namespace));
    const { groupOf, groupLabels } = labelGroups(this.list);
    this.groupOf = groupOf;
    this.groupLabels = groupLabels;
    groupLabels.forEach((labels, g) => {
      for (const [k, v] of Object.entries(labels)) {
        const key = `${k}\u0000${v}`;
        let list = this.groupsByPair.get(key);
        if (!list) this.groupsByPair.set(key, (list = []));
        list.push(g);
      }
    });
    this.allGroups = groupLabels.map((_, g) => g);
  }

  /**
   * For each distinct label set, the ids of the selectors it matches. Selectors seen by the
   * previous call on this index are not evaluated again.
   */
  matchSelectors(selectors: readonly CompiledSelector[]): number[][] {
    const matched: number[][] = this.groupLabels.map(() => []);
    const kept = new Map<string, readonly number[]>();
    for (const selector of selectors) {
      let groups = this.selectorMatches.get(selector.key) ?? kept.get(selector.key);
      if (!groups) {
        const candidates = selector.anchor ? (this.groupsByPair.get(`${selector.anchor[0]}\u0000${selector.anchor[1]}`) ?? []) : this.allGroups;
        groups = candidates.filter((g) => selector.matches(this.groupLabels[g]!));
      }
      kept.set(selector.key, groups);
      for (const g of groups) matched[g]!.push(selector.id);
    }
    this.selectorMatches = kept;
    return matched;
  }

  /**
   * A value derived from the pods and `inputs` (e.g. the referenced port names), kept in `slot`
   * and returned again while later calls pass inputs `same` finds equal to the kept ones.
   */
  derived<I, T>(slot: string, inputs: I, same: (a: I, b: I) => boolean, compute: () => T): T {
    const held = this.derivedValues.get(slot) as { inputs: I; value: T } | undefined;
    if (held && same(held.inputs, inputs)) return held.value;
    const value = compute();
    this.derivedValues.set(slot, { inputs, value });
    return value;
  }
}

const indexes = new WeakMap<readonly ModelPod[], PodIndex>();

/** The index of a pod list, made on first use and shared by every model built on the same list. */
export function podIndexOf(pods: readonly ModelPod[]): PodIndex {
  let index = indexes.get(pods);
  if (!index) indexes.set(pods, (index = new PodIndex(pods)));
  return index;
}

function parsedIps(pod: ModelPod): IpAddress[] {
  const out: IpAddress[] = [];
  for (const ip of pod.ips) {
    const a = parseIpAddress(ip);
    if (a) out.push(a);
  }
  return out;
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
