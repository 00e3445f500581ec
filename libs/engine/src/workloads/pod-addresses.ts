import { formatIpAddress, parseCidr, type CidrBlock } from '../addresses/cidr-blocks';
import { fnv1a } from './stable-hash';

/** Per-node pod ranges are /24 for IPv4 and /64 for IPv6, as kube-controller-manager defaults. */
export const NODE_PREFIX = { 4: 24, 6: 64 } as const;

/**
 * Hands out pod addresses from the cluster's pod CIDR, split into one range per node: the node's
 * own `spec.podCIDR` (allocated at apply time) when it has one, else a range by name order. An address depends on the pod's identity, not on how many pods came before it,
 * so adding or removing a pod leaves every other pod's address unchanged (barring a collision,
 * which moves only the later-hashed pod to the next free slot).
 *
 * Pods without a (known) node first take the range right after the nodes' ones, as before;
 * when it is full, and for pods whose node range is full, the address comes from the rest of
 * the pod CIDR: every node-sized range that no node owns, slot chosen by the pod's identity.
 * When that is full too, `tryAllocate` leaves the pod without an address (with a warning in
 * `warnings`); `allocate` throws.
 */
export class PodAddressPool {
  private readonly block: CidrBlock;
  private readonly nodeIndex = new Map<string, number>();
  private readonly nodeBlocks = new Map<string, CidrBlock>();
  private readonly used = new Set<string>();
  /** Size of the node-sized ranges the CIDR is cut into, and their number. */
  private readonly rangeSize: bigint;
  private readonly rangeCount: bigint;
  /** Ranges (by index in the CIDR) that belong to a node, as sorted disjoint inclusive intervals. */
  private readonly owned: Array<[bigint, bigint]>;
  private readonly freeRanges: bigint;
  private readonly exhaustedNodes = new Set<string>();
  private poolExhausted = false;
  /** One line per pod left without an address (the whole pod CIDR is taken). */
  readonly warnings: string[] = [];

  constructor(podCidr: string, nodes: readonly (string | { name: string; podCidr?: string })[]) {
    const block = parseCidr(podCidr);
    if (!block) throw new Error(`invalid pod CIDR ${podCidr}`);
    this.block = block;
    const named = nodes.map((n) => (typeof n === 'string' ? { name: n } : n));
    [...named].sort((a, b) => (a.name < b.name ? -1 : 1)).forEach((node, i) => {
      this.nodeIndex.set(node.name, i);
      const own = node.podCidr ? parseCidr(node.podCidr) : undefined;
      if (own && own.family === block.family) this.nodeBlocks.set(node.name, own);
    });
    const bits = block.family === 4 ? 32 : 128;
    const nodePrefix = Math.max(NODE_PREFIX[block.family], block.prefix);
    this.rangeSize = 1n << BigInt(bits - nodePrefix);
    this.rangeCount = 1n << BigInt(nodePrefix - block.prefix);

    const intervals: Array<[bigint, bigint]> = [];
    const cidrLast = block.network + this.rangeCount * this.rangeSize - 1n;
    for (const [name, index] of this.nodeIndex) {
      const own = this.nodeBlocks.get(name);
      if (!own) {
        const r = BigInt(index) % this.rangeCount;
        intervals.push([r, r]);
        continue;
      }
      const first = own.network;
      const last = own.network + (1n << BigInt(bits - own.prefix)) - 1n;
      if (last < block.network || first > cidrLast) continue; // a node range outside the pod CIDR takes nothing from it
      const lo = first > block.network ? first : block.network;
      const hi = last < cidrLast ? last : cidrLast;
      intervals.push([(lo - block.network) / this.rangeSize, (hi - block.network) / this.rangeSize]);
    }
    intervals.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    this.owned = [];
    for (const [lo, hi] of intervals) {
      const last = this.owned[this.owned.length - 1];
      if (last && lo <= last[1] + 1n) {
        if (hi > last[1]) last[1] = hi;
      } else this.owned.push([lo, hi]);
    }
    this.freeRanges = this.rangeCount - this.owned.reduce((n, [lo, hi]) => n + (hi - lo + 1n), 0n);
  }

  /** Addresses already taken by imported pods are never handed out again. */
  reserve(address: string): void {
    this.used.add(address);
  }

  /** The node range index: the node's position, or a range past all nodes for unscheduled pods. */
  private range(nodeName: string | undefined): { base: bigint; size: bigint } {
    const own = nodeName !== undefined ? this.nodeBlocks.get(nodeName) : undefined;
    if (own) return { base: own.network, size: 1n << BigInt((own.family === 4 ? 32 : 128) - own.prefix) };
    const index = BigInt(nodeName !== undefined && this.nodeIndex.has(nodeName) ? this.nodeIndex.get(nodeName)! : this.nodeIndex.size);
    return { base: this.block.network + (index % this.rangeCount) * this.rangeSize, size: this.rangeSize };
  }

  /** Usable slots of a range: skip its network address and the one gateways conventionally take (.1), and the last. */
  private static usable(size: bigint): { usable: bigint; offset: bigint } {
    return size > 4n ? { usable: size - 3n, offset: 2n } : { usable: size, offset: 0n };
  }

  /** An address of the range, from the identity's slot on; undefined when the range is full. */
  private fromRange(identity: string, base: bigint, size: bigint): string | undefined {
    const { usable, offset } = PodAddressPool.usable(size);
    const slot = BigInt(fnv1a(identity)) % usable;
    for (let tries = 0n; tries < usable; tries++) {
      const address = formatIpAddress(this.block.family, base + offset + ((slot + tries) % usable));
      if (!this.used.has(address)) {
        this.used.add(address);
        return address;
      }
    }
    return undefined;
  }

  /** The index of the k-th range that no node owns. */
  private freeRange(k: bigint): bigint {
    let index = k;
    for (const [lo, hi] of this.owned) {
      if (lo > index) break;
      index += hi - lo + 1n;
    }
    return index;
  }

  /** An address from the ranges no node owns, by the identity's slot over all of them; undefined when all are full. */
  private fromSharedPool(identity: string): string | undefined {
    if (this.poolExhausted || this.freeRanges <= 0n) return undefined;
    const { usable, offset } = PodAddressPool.usable(this.rangeSize);
    const total = this.freeRanges * usable;
    // A second hash spreads pods over the whole pool (the first one picks the slot within a range).
    const start = (BigInt(fnv1a(`pool/${identity}`)) * 0x100000000n + BigInt(fnv1a(identity))) % total;
    for (let tries = 0n; tries < total; tries++) {
      const slot = (start + tries) % total;
      const base = this.block.network + this.freeRange(slot / usable) * this.rangeSize;
      const address = formatIpAddress(this.block.family, base + offset + (slot % usable));
      if (!this.used.has(address)) {
        this.used.add(address);
        return address;
      }
    }
    this.poolExhausted = true;
    return undefined;
  }

  /**
   * A stable address for the pod: from its node's range, else (no node, unknown node, or the
   * node's range is full) from the rest of the pod CIDR. Undefined, with a warning, only when
   * the whole pod CIDR is taken.
   */
  tryAllocate(identity: string, nodeName: string | undefined): string | undefined {
    const key = nodeName ?? '';
    if (!this.exhaustedNodes.has(key)) {
      const { base, size } = this.range(nodeName);
      const address = this.fromRange(identity, base, size);
      if (address !== undefined) return address;
      this.exhaustedNodes.add(key); // full once is full for good: later pods go straight to the shared pool
    }
    const address = this.fromSharedPool(identity);
    if (address === undefined) {
      this.warnings.push(`pod ${identity} has no address: the pod CIDR ${this.block.text} is exhausted`);
    }
    return address;
  }

  /** `tryAllocate` for callers that need an address: throws only when the whole pod CIDR is taken. */
  allocate(identity: string, nodeName: string | undefined): string {
    const address = this.tryAllocate(identity, nodeName);
    if (address === undefined) throw new Error(`the pod CIDR ${this.block.text} is exhausted (pod ${identity}, node ${nodeName ?? '(none)'})`);
    return address;
  }
}
