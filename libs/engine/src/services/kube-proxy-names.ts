import * as crypto from 'node:crypto';
import { parseIpAddress } from '../addresses/cidr-blocks';
import type { Protocol } from '../workloads/pods-from-workloads';

/**
 * The names kube-proxy gives its chains, sets and maps, and the numbers it prints, computed
 * exactly as pkg/proxy/iptables and pkg/proxy/nftables do, so a rendered rule set can be
 * diffed against a real node's.
 */

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The first `chars` characters of RFC 4648 base32 (Go's base32.StdEncoding) of `bytes`. */
export function base32Prefix(bytes: Uint8Array, chars: number): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < bytes.length && out.length < chars; i++) {
    buffer = ((buffer << 8) | bytes[i]!) & 0xffff;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += BASE32[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** One-shot crypto.hash (Node ≥ 20.12) is twice as fast as createHash; a 10k-service table needs 110k of them. */
const sha256: (text: string) => Uint8Array =
  typeof crypto.hash === 'function' ? (text) => crypto.hash('sha256', text, 'buffer') : (text) => crypto.createHash('sha256').update(text).digest();

function sha256Base32(text: string, chars: number): string {
  return base32Prefix(sha256(text), chars);
}

/** kube-proxy's ServicePortName.String(): `ns/svc:port`, or `ns/svc` for an unnamed port. */
export function servicePortNameString(namespace: string, service: string, portName: string): string {
  return `${namespace}/${service}${portName ? `:${portName}` : ''}`;
}

/** iptables `portProtoHash`: base32(sha256(servicePortName + protocol))[:16], protocol lower-case. */
export function portProtoHash(servicePortName: string, protocol: Protocol): string {
  return sha256Base32(servicePortName + protocol.toLowerCase(), 16);
}

export interface IptablesServiceChains {
  /** KUBE-SVC-*: endpoints for Cluster traffic policy. */
  cluster: string;
  /** KUBE-SVL-*: this node's endpoints for Local traffic policy. */
  local: string;
  /** KUBE-EXT-*: external destinations (NodePort, external IPs, load-balancer IPs). */
  external: string;
  /** KUBE-FW-*: loadBalancerSourceRanges. */
  firewall: string;
}

export function iptablesServiceChains(servicePortName: string, protocol: Protocol): IptablesServiceChains {
  const hash = portProtoHash(servicePortName, protocol);
  return { cluster: `KUBE-SVC-${hash}`, local: `KUBE-SVL-${hash}`, external: `KUBE-EXT-${hash}`, firewall: `KUBE-FW-${hash}` };
}

/** `ip:port` as Go's net.JoinHostPort writes it (IPv6 in brackets). */
export function joinHostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/**
 * A string that sorts like the address's bytes within one family (ipvsadm and nft order addresses
 * by their bytes): zero-padded dotted quad, or 32 hex digits. Undefined for what is no address.
 */
export function addressSortKey(ip: string): string | undefined {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return ip.split('.').map((o) => o.padStart(3, '0')).join('.');
  const parsed = ip.includes(':') ? parseIpAddress(ip) : undefined;
  return parsed?.value.toString(16).padStart(32, '0');
}

/** KUBE-SEP-*: base32(sha256(servicePortName + protocol + "ip:port"))[:16]. */
export function iptablesEndpointChain(servicePortName: string, protocol: Protocol, ip: string, port: number): string {
  return `KUBE-SEP-${sha256Base32(servicePortName + protocol.toLowerCase() + joinHostPort(ip, port), 16)}`;
}

/** nftables `hashAndTruncate`: `<base32(sha256(name))[:8]>-<name>`, cut to 240 characters. */
function hashAndTruncate(name: string): string {
  const out = `${sha256Base32(name, 8)}-${name}`;
  const max = 256 - 16; // knftables.NameLengthMax - chainNamePrefixLengthMax
  return out.length > max ? `${out.slice(0, max - 3)}...` : out;
}

/** nftables `servicePortChainNameBase`: `HASH-ns/svc/proto/port`. */
export function nftServiceChainBase(namespace: string, service: string, protocol: Protocol, portName: string): string {
  return hashAndTruncate(`${namespace}/${service}/${protocol.toLowerCase()}/${portName}`);
}

/** nftables `servicePortEndpointChainNameBase`: `HASH-ns/svc/proto/port__ip/port` (IPv6 colons become dots). */
export function nftEndpointChainBase(namespace: string, service: string, protocol: Protocol, portName: string, ip: string, port: number): string {
  return hashAndTruncate(`${namespace}/${service}/${protocol.toLowerCase()}/${portName}__${ip.replaceAll(':', '.')}/${port}`);
}

/**
 * kube-proxy writes `--probability` as Go's `%0.10f` of 1/n. The statistic match stores
 * lround(p × 2³¹) and iptables-save prints that fraction back with `%.11f`, which is why a real
 * node shows 0.33333333349 for 1/3.
 */
export function kubeProxyProbability(n: number): string {
  return (1 / n).toFixed(10);
}

/** Like kube-proxy's precomputedProbabilities: the same few values are printed 100k times. */
const savedProbabilities: string[] = [];

export function iptablesSavedProbability(n: number): string {
  return (savedProbabilities[n] ??= computeSavedProbability(n));
}

function computeSavedProbability(n: number): string {
  const written = Number(kubeProxyProbability(n));
  // C's lround rounds halves away from zero; the product is positive, so floor(x + 0.5) matches.
  const stored = Math.floor(written * 0x80000000 + 0.5);
  return (stored / 0x80000000).toFixed(11);
}
