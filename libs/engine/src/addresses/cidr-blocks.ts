import ipaddr from 'ipaddr.js';

/**
 * IP addresses and CIDR blocks as plain numbers, so containment and overlap are arithmetic.
 * ipaddr.js does the parsing; IPv4 must be dotted quad (ipaddr.js would also take "10.1" or
 * hex parts, which Kubernetes' net.ParseIP rejects).
 */
export type IpFamily = 4 | 6;

export interface IpAddress {
  family: IpFamily;
  value: bigint;
}

export interface CidrBlock {
  family: IpFamily;
  /** First address of the block (host bits cleared). */
  network: bigint;
  prefix: number;
  /** The text as written, e.g. `10.0.0.1/8` (Kubernetes accepts host bits in ipBlock). */
  text: string;
}

function bitsOf(family: IpFamily): number {
  return family === 4 ? 32 : 128;
}

function toBigInt(bytes: number[]): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/** Only these characters make up an address; anything else is not one (and ipaddr.js is slow to say so). */
const ADDRESS_CHARACTERS = /^[0-9a-fA-F.:]+$/;
const DOTTED_QUAD = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;

export function parseIpAddress(text: string): IpAddress | undefined {
  if (typeof text !== 'string') return undefined;
  // Fast path for plain dotted-quad IPv4 (what almost every pod and service address is).
  const quad = DOTTED_QUAD.exec(text);
  if (quad) {
    const [a, b, c, d] = [Number(quad[1]), Number(quad[2]), Number(quad[3]), Number(quad[4])];
    if (a <= 255 && b <= 255 && c <= 255 && d <= 255) return { family: 4, value: BigInt(a * 16777216 + b * 65536 + c * 256 + d) };
  }
  if (!ADDRESS_CHARACTERS.test(text)) return undefined;
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) {
    return { family: 4, value: toBigInt(ipaddr.IPv4.parse(text).toByteArray()) };
  }
  if (text.includes(':') && ipaddr.IPv6.isValid(text) && !text.includes('%')) {
    return { family: 6, value: toBigInt(ipaddr.IPv6.parse(text).toByteArray()) };
  }
  return undefined;
}

export function parseCidr(text: string): CidrBlock | undefined {
  if (typeof text !== 'string') return undefined;
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = parseIpAddress(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!address || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const bits = bitsOf(address.family);
  if (prefix > bits) return undefined;
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  return { family: address.family, network: address.value & ~hostMask, prefix, text };
}

/** Last address of the block. */
export function cidrLast(block: CidrBlock): bigint {
  return block.network | ((1n << BigInt(bitsOf(block.family) - block.prefix)) - 1n);
}

export function cidrContainsAddress(block: CidrBlock, address: IpAddress): boolean {
  return block.family === address.family && address.value >= block.network && address.value <= cidrLast(block);
}

/** True when every address of `inner` lies in `outer` (same family only). */
export function cidrContainsCidr(outer: CidrBlock, inner: CidrBlock): boolean {
  return outer.family === inner.family && inner.prefix >= outer.prefix && cidrContainsAddress(outer, { family: inner.family, value: inner.network });
}

/** Two blocks overlap iff one contains the other's first address (blocks are aligned). */
export function cidrsOverlap(a: CidrBlock, b: CidrBlock): boolean {
  return a.family === b.family && (cidrContainsCidr(a, b) || cidrContainsCidr(b, a));
}

/** The text form of an address: dotted quad, or RFC 5952 compressed IPv6. */
export function formatIpAddress(family: IpFamily, value: bigint): string {
  const bytes: number[] = [];
  for (let i = (family === 4 ? 4 : 16) - 1; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}
