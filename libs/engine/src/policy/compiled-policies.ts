import { cidrContainsAddress, cidrLast, parseCidr, type CidrBlock, type IpAddress } from '../addresses/cidr-blocks';
import { compileLabelSelector, type LabelPredicate, type LabelSelector } from '../labels/label-selector';
import type { Protocol } from '../workloads/pods-from-workloads';

/**
 * NetworkPolicy v1 compiled once into small matcher types (semantics.md, NetworkPolicy).
 * Selectors are interned: identical selectors share one id, so pods are tested once per
 * distinct selector, not once per policy.
 */
export interface NetworkPolicyInput {
  namespace: string;
  name: string;
  spec: NetworkPolicySpecInput;
}

export interface NetworkPolicyPortInput {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}

export interface NetworkPolicyPeerInput {
  podSelector?: LabelSelector | null;
  namespaceSelector?: LabelSelector | null;
  ipBlock?: { cidr: string; except?: string[] | null } | null;
}

export interface NetworkPolicySpecInput {
  podSelector?: LabelSelector | null;
  policyTypes?: string[] | null;
  ingress?: Array<{ from?: NetworkPolicyPeerInput[] | null; ports?: NetworkPolicyPortInput[] | null }> | null;
  egress?: Array<{ to?: NetworkPolicyPeerInput[] | null; ports?: NetworkPolicyPortInput[] | null }> | null;
}

export interface CompiledSelector {
  id: number;
  key: string;
  matches: LabelPredicate;
  /** One `matchLabels` pair every match must carry, for an index lookup; undefined when none. */
  anchor?: readonly [string, string];
  text: string;
}

export type CompiledPort =
  | { kind: 'protocol'; protocol: Protocol; text: string }
  | { kind: 'range'; protocol: Protocol; from: number; to: number; text: string }
  | { kind: 'named'; protocol: Protocol; name: string; text: string };

export type CompiledPeer =
  | {
      kind: 'selector';
      index: number;
      /** undefined: the policy's own namespace (namespaceSelector omitted). */
      namespaceSelector?: CompiledSelector;
      /** undefined: every pod of the selected namespaces (podSelector omitted). */
      podSelector?: CompiledSelector;
      text: string;
    }
  | { kind: 'ipBlock'; index: number; block: IpBlock; text: string };

export interface IpBlock {
  cidr: CidrBlock;
  except: CidrBlock[];
}

export interface CompiledRule {
  index: number;
  /** undefined: every peer (from/to omitted or empty). */
  peers?: CompiledPeer[];
  /** undefined: every port and protocol (ports omitted or empty). */
  ports?: CompiledPort[];
}

export interface CompiledPolicy {
  id: number;
  key: string;
  namespace: string;
  name: string;
  podSelector: CompiledSelector;
  /** undefined when the policy does not list that direction in its (defaulted) policyTypes. */
  ingress?: CompiledRule[];
  egress?: CompiledRule[];
}

export type Direction = 'ingress' | 'egress';

function canonicalSelector(selector: LabelSelector): string {
  const labels = Object.entries(selector.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const exprs = (selector.matchExpressions ?? [])
    .map((e) => ({ key: e.key, operator: e.operator, values: [...(e.values ?? [])].sort() }))
    .sort((a, b) => {
      const x = JSON.stringify(a);
      const y = JSON.stringify(b);
      return x < y ? -1 : x > y ? 1 : 0;
    });
  return JSON.stringify([labels, exprs]);
}

export function selectorText(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else parts.push(`!${e.key}`);
  }
  return parts.length ? parts.join(',') : '{}';
}

export class SelectorTable {
  readonly list: CompiledSelector[] = [];
  private readonly byKey = new Map<string, CompiledSelector>();

  intern(selector: LabelSelector): CompiledSelector {
    const key = canonicalSelector(selector);
    let found = this.byKey.get(key);
    if (!found) {
      const first = Object.entries(selector.matchLabels ?? {})[0];
      found = { id: this.list.length, key, matches: compileLabelSelector(selector), text: selectorText(selector), ...(first ? { anchor: first } : {}) };
      this.byKey.set(key, found);
      this.list.push(found);
    }
    return found;
  }
}

export function ipBlockContains(block: IpBlock, address: IpAddress): boolean {
  return cidrContainsAddress(block.cidr, address) && !block.except.some((e) => cidrContainsAddress(e, address));
}

function protocolOf(text: string | undefined): Protocol {
  const p = (text ?? 'TCP').toUpperCase();
  return p === 'UDP' || p === 'SCTP' ? p : 'TCP';
}

function compilePort(port: NetworkPolicyPortInput): CompiledPort {
  const protocol = protocolOf(port.protocol);
  if (port.port === undefined || port.port === null) return { kind: 'protocol', protocol, text: `all ${protocol} ports` };
  if (typeof port.port === 'string') {
    // An all-digit string is how some exports write a number (intstr); a name has a letter.
    if (/^\d+$/.test(port.port)) return compilePort({ ...port, port: Number(port.port) });
    return { kind: 'named', protocol, name: port.port, text: `${protocol} ${port.port}` };
  }
  // endPort below port: an empty range (Warn mode keeps it, rule endPortBelowPort).
  const to = port.endPort ?? port.port;
  return { kind: 'range', protocol, from: port.port, to, text: port.endPort !== undefined ? `${protocol} ${port.port}-${port.endPort}` : `${protocol} ${port.port}` };
}

function compilePeer(peer: NetworkPolicyPeerInput, index: number, namespace: string, selectors: SelectorTable, nsSelectors: SelectorTable): CompiledPeer | undefined {
  if (peer.ipBlock) {
    const cidr = parseCidr(peer.ipBlock.cidr);
    if (!cidr) return undefined; // validation rejects bad CIDRs; a stored one that slipped through matches nothing
    const except = (peer.ipBlock.except ?? []).map(parseCidr).filter((c): c is CidrBlock => c !== undefined);
    const text = `ipBlock ${peer.ipBlock.cidr}${except.length ? ` except ${except.map((e) => e.text).join(', ')}` : ''}`;
    return { kind: 'ipBlock', index, block: { cidr, except }, text };
  }
  const podSelector = peer.podSelector ? selectors.intern(peer.podSelector) : undefined;
  const namespaceSelector = peer.namespaceSelector ? nsSelectors.intern(peer.namespaceSelector) : undefined;
  if (!podSelector && !namespaceSelector) return undefined; // an empty peer is a validation error
  const pods = podSelector ? (podSelector.text === '{}' ? 'all pods' : `pods matching ${podSelector.text}`) : 'all pods';
  const where = namespaceSelector
    ? namespaceSelector.text === '{}'
      ? 'in every namespace'
      : `in namespaces matching ${namespaceSelector.text}`
    : `in namespace ${namespace}`;
  return { kind: 'selector', index, ...(podSelector ? { podSelector } : {}), ...(namespaceSelector ? { namespaceSelector } : {}), text: `${pods} ${where}` };
}

function compileRules(
  rules: ReadonlyArray<{ peers?: NetworkPolicyPeerInput[] | null; ports?: NetworkPolicyPortInput[] | null }>,
  namespace: string,
  selectors: SelectorTable,
  nsSelectors: SelectorTable,
): CompiledRule[] {
  return rules.map((rule, index) => {
    const out: CompiledRule = { index };
    // from/to omitted or empty: every peer; ports omitted or empty: every port (semantics.md, Rules).
    if (rule.peers && rule.peers.length > 0) {
      out.peers = rule.peers
        .map((p, i) => compilePeer(p, i, namespace, selectors, nsSelectors))
        .filter((p): p is CompiledPeer => p !== undefined);
    }
    if (rule.ports && rule.ports.length > 0) out.ports = rule.ports.map(compilePort);
    return out;
  });
}

export function compilePolicy(input: NetworkPolicyInput, id: number, selectors: SelectorTable, nsSelectors: SelectorTable): CompiledPolicy {
  const spec = input.spec ?? {};
  const types = spec.policyTypes && spec.policyTypes.length > 0 ? spec.policyTypes : undefined;
  // policyTypes omitted: Ingress always, Egress when the egress section has rules (API defaulting).
  const hasIngress = types ? types.includes('Ingress') : true;
  const hasEgress = types ? types.includes('Egress') : (spec.egress?.length ?? 0) > 0;
  const policy: CompiledPolicy = {
    id,
    key: `${input.namespace}/${input.name}`,
    namespace: input.namespace,
    name: input.name,
    // A struct in the Go type: omitted means the empty selector, every pod of the namespace.
    podSelector: selectors.intern(spec.podSelector ?? {}),
  };
  if (hasIngress) policy.ingress = compileRules((spec.ingress ?? []).map((r) => ({ peers: r.from ?? null, ports: r.ports ?? null })), input.namespace, selectors, nsSelectors);
  if (hasEgress) policy.egress = compileRules((spec.egress ?? []).map((r) => ({ peers: r.to ?? null, ports: r.ports ?? null })), input.namespace, selectors, nsSelectors);
  return policy;
}

/** First and last address of an ipBlock's cidr, for boundary collection. */
export function blockBounds(block: CidrBlock): [bigint, bigint] {
  return [block.network, cidrLast(block)];
}
