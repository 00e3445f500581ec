import { formatIpAddress, parseCidr, type CidrBlock } from '../addresses/cidr-blocks';
import { fnv1a } from './stable-hash';

/** Per-node pod ranges are /24 for IPv4 and /64 for IPv6, as kube-controller-manager defaults. */
const NODE_PREFIX = { 4: 24, 6: 64 } as const;

/**
 * Hands out pod addresses from the cluster's pod CIDR, split into one range per node: the node's
 * own `spec.podCIDR` (allocated at apply time) when it has one, else a range by name order. An address depends on the pod's identity, not on how many pods came before it,
 * so adding or removing a pod leaves every other pod's address unchanged (barring a collision,
 * which moves only the later-hashed pod to the next free slot).
 */
export class PodAddressPool {
  private readonly block: CidrBlock;
  private readonly nodeIndex = new Map<string, number>();
  private readonly nodeBlocks = new Map<string, CidrBlock>();
  private readonly used = new Set<string>();

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
  }

  /** Addresses already taken by imported pods are never handed out again. */
  reserve(address: string): void {
    this.used.add(address);
  }

  /** The node range index: the node's position, or a range past all nodes for unscheduled pods. */
  private range(nodeName: string | undefined): { base: bigint; size: bigint } {
    const own = nodeName !== undefined ? this.nodeBlocks.get(nodeName) : undefined;
    if (own) return { base: own.network, size: 1n << BigInt((own.family === 4 ? 32 : 128) - own.prefix) };
    const nodePrefix = Math.max(NODE_PREFIX[this.block.family], this.block.prefix);
    const size = 1n << BigInt((this.block.family === 4 ? 32 : 128) - nodePrefix);
    const ranges = 1n << BigInt(nodePrefix - this.block.prefix);
    const index = BigInt(nodeName !== undefined && this.nodeIndex.has(nodeName) ? this.nodeIndex.get(nodeName)! : this.nodeIndex.size);
    return { base: this.block.network + (index % ranges) * size, size };
  }

  allocate(identity: string, nodeName: string | undefined): string {
    const { base, size } = this.range(nodeName);
    // Skip the range's network address and the one gateways conventionally take (.1).
    const usable = size > 4n ? size - 3n : size;
    const offset = size > 4n ? 2n : 0n;
    let slot = BigInt(fnv1a(identity)) % usable;
    for (let tries = 0n; tries < usable; tries++) {
      const address = formatIpAddress(this.block.family, base + offset + ((slot + tries) % usable));
      if (!this.used.has(address)) {
        this.used.add(address);
        return address;
      }
    }
    throw new Error(`pod range of node ${nodeName ?? '(none)'} is exhausted`);
  }
}
