import { cidrContainsAddress, parseCidr, parseIpAddress } from '../addresses/cidr-blocks';
import { compareText } from '../cluster/text-order';
import { addressSortKey, joinHostPort, nftEndpointChainBase, nftServiceChainBase } from './kube-proxy-names';
import { reachableEndpoints, usesClusterEndpoints, usesLocalEndpoints, type NodeRoutingTable, type RouteEndpoint, type ServicePortRoute } from './routing-table';

/**
 * The `kube-proxy` table of kube-proxy's nftables mode, in `nft list table` layout: one
 * verdict-map lookup (`service-ips`, `service-nodeports`) dispatches to per-service chains, which
 * pick an endpoint with `numgen random mod N vmap`. Rules are spelled as kube-proxy writes them
 * (pkg/proxy/nftables/proxier.go), not as nft re-prints them after parsing. Defaults assumed:
 * masquerade bit 14, --cluster-cidr local detection, nodePortAddresses "primary" (the node IP; the
 * nftables mode's default), no ServiceCIDR objects. Sets and maps come first, then the fixed
 * chains in kube-proxy's creation order, then service and endpoint chains sorted by name.
 */

const MASQ_MARK = '0x4000';

/** nft's duration format: 10800 s is `3h`, 90 s `1m30s`. */
function nftDuration(seconds: number): string {
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('') || '0s';
}

interface Element {
  key: string;
  value?: string;
  comment?: string;
  sortKey: string;
}

/** Sorts keys of the form `ip . proto . port` by address, then protocol, then port. */
function elementSortKey(parts: Array<string | number>): string {
  return parts
    .map((p) => (typeof p === 'number' ? String(p).padStart(5, '0') : (addressSortKey(p) ?? p)))
    .join('|');
}

function renderElements(elements: readonly Element[]): string[] {
  if (elements.length === 0) return [];
  const sorted = [...elements].sort((a, b) => compareText(a.sortKey, b.sortKey));
  const text = sorted.map((e) => `${e.key}${e.comment !== undefined ? ` comment "${e.comment}"` : ''}${e.value !== undefined ? ` : ${e.value}` : ''}`);
  return [`\t\telements = { ${text.join(',\n\t\t\t     ')} }`];
}

export function renderNftables(table: NodeRoutingTable): string {
  const v6 = table.family === 6;
  const ipX = v6 ? 'ip6' : 'ip';
  const addrType = v6 ? 'ipv6_addr' : 'ipv4_addr';
  const clusterCidr = table.clusterCidr;
  const nodeIP = table.nodeAddresses[0];
  const nodeIPParsed = nodeIP ? parseIpAddress(nodeIP) : undefined;

  const clusterIPs = new Map<string, Element>();
  const serviceIPs: Element[] = [];
  const serviceNodePorts: Element[] = [];
  const noEndpointServices: Element[] = [];
  const noEndpointNodePorts: Element[] = [];
  const firewallIPs: Element[] = [];
  const affinitySets: Array<{ name: string; timeout: number }> = [];
  const chains = new Map<string, string[]>();
  const rule = (chain: string, text: string) => {
    const list = chains.get(chain);
    if (list) list.push(text);
    else chains.set(chain, [text]);
  };

  for (const route of table.routes) {
    const p = route.protocol.toLowerCase();
    const base = nftServiceChainBase(route.namespace, route.service, route.protocol, route.portName);
    const clusterChain = `service-${base}`;
    const localChain = `local-${base}`;
    const externalChain = `external-${base}`;
    const firewallChain = `firewall-${base}`;
    const names = new Map<RouteEndpoint, { chain: string; affinity: string }>();
    const endpointNames = (e: RouteEndpoint) => {
      let found = names.get(e);
      if (!found) {
        const epBase = nftEndpointChainBase(route.namespace, route.service, route.protocol, route.portName, e.ip, e.port);
        names.set(e, (found = { chain: `endpoint-${epBase}`, affinity: `affinity-${epBase}` }));
      }
      return found;
    };

    const hasEndpoints = route.clusterEndpoints.length > 0;
    const internalLocal = route.internalTrafficPolicy === 'Local';
    const externalLocal = route.externalTrafficPolicy === 'Local';
    const internalChain = internalLocal ? localChain : clusterChain;
    const externalPolicyChain = externalLocal ? localChain : clusterChain;
    const hasInternalEndpoints = hasEndpoints && (!internalLocal || route.localEndpoints.length > 0);
    const hasExternalEndpoints = hasEndpoints && (!externalLocal || route.localEndpoints.length > 0);
    const internalVerdict = !hasEndpoints ? 'goto reject-chain' : 'drop';
    const externalVerdict = !hasEndpoints ? 'goto reject-chain' : 'drop';
    const usesExternalChain = hasEndpoints && route.externallyAccessible;
    const usesFirewall = route.loadBalancerIPs.length > 0 && route.loadBalancerSourceRanges.length > 0;
    const reachable = hasEndpoints ? reachableEndpoints(route) : [];

    for (const ep of reachable) chains.set(endpointNames(ep).chain, chains.get(endpointNames(ep).chain) ?? []);
    if (hasEndpoints && usesClusterEndpoints(route)) chains.set(clusterChain, chains.get(clusterChain) ?? []);
    if (route.localEndpoints.length > 0 && usesLocalEndpoints(route)) chains.set(localChain, chains.get(localChain) ?? []);
    if (usesExternalChain) chains.set(externalChain, chains.get(externalChain) ?? []);
    if (usesFirewall) chains.set(firewallChain, chains.get(firewallChain) ?? []);

    clusterIPs.set(route.clusterIP, { key: route.clusterIP, sortKey: elementSortKey([route.clusterIP]) });
    const key3 = (ip: string, port: number) => ({ key: `${ip} . ${p} . ${port}`, sortKey: elementSortKey([ip, p, port]) });
    if (hasInternalEndpoints) serviceIPs.push({ ...key3(route.clusterIP, route.port), value: `goto ${internalChain}` });
    else noEndpointServices.push({ ...key3(route.clusterIP, route.port), value: internalVerdict, comment: route.servicePortName });

    for (const ip of route.externalIPs) {
      if (hasEndpoints) serviceIPs.push({ ...key3(ip, route.port), value: `goto ${externalChain}` });
      if (!hasExternalEndpoints) noEndpointServices.push({ ...key3(ip, route.port), value: externalVerdict, comment: route.servicePortName });
    }
    for (const ip of route.loadBalancerIPs) {
      if (hasEndpoints) serviceIPs.push({ ...key3(ip, route.port), value: `goto ${externalChain}` });
      if (usesFirewall) firewallIPs.push({ ...key3(ip, route.port), value: `goto ${firewallChain}` });
    }
    if (!hasExternalEndpoints) for (const ip of route.loadBalancerIPs) noEndpointServices.push({ ...key3(ip, route.port), value: externalVerdict, comment: route.servicePortName });
    if (route.nodePort !== undefined) {
      const key2 = { key: `${p} . ${route.nodePort}`, sortKey: elementSortKey([p, route.nodePort]) };
      if (hasEndpoints) serviceNodePorts.push({ ...key2, value: `goto ${externalChain}` });
      if (!hasExternalEndpoints) noEndpointNodePorts.push({ ...key2, value: externalVerdict, comment: route.servicePortName });
    }

    if (hasInternalEndpoints) rule(internalChain, `${ipX} daddr ${route.clusterIP} ${p} dport ${route.port} ${ipX} saddr != ${clusterCidr} jump mark-for-masquerade`);

    if (usesExternalChain) {
      if (!externalLocal) rule(externalChain, 'jump mark-for-masquerade');
      else {
        rule(externalChain, `${ipX} saddr ${clusterCidr} goto ${clusterChain} comment "short-circuit pod traffic"`);
        rule(externalChain, 'fib saddr type local jump mark-for-masquerade comment "masquerade local traffic"');
        rule(externalChain, `fib saddr type local goto ${clusterChain} comment "short-circuit local traffic"`);
      }
      if (hasExternalEndpoints) rule(externalChain, `goto ${externalPolicyChain}`);
    }

    if (usesFirewall) {
      const sources = [...route.loadBalancerSourceRanges];
      // A VIP that loops back from this node arrives with the VIP as its source.
      const allowFromNode = route.loadBalancerSourceRanges.some((r) => {
        const range = parseCidr(r);
        return range !== undefined && nodeIPParsed !== undefined && cidrContainsAddress(range, nodeIPParsed);
      });
      if (allowFromNode) sources.push(...route.loadBalancerIPs);
      rule(firewallChain, `${ipX} saddr != { ${sources.join(' , ')} } drop`);
    }

    if (route.sessionAffinity) for (const ep of reachable) affinitySets.push({ name: endpointNames(ep).affinity, timeout: route.sessionAffinity.timeoutSeconds });

    const toEndpoints = (chain: string, endpoints: readonly RouteEndpoint[]) => {
      if (route.sessionAffinity) for (const ep of endpoints) rule(chain, `${ipX} saddr @${endpointNames(ep).affinity} goto ${endpointNames(ep).chain}`);
      const vmap = endpoints.map((ep, i) => `${i} : goto ${endpointNames(ep).chain}`).join(' , ');
      rule(chain, `numgen random mod ${endpoints.length} vmap { ${vmap} }`);
    };
    if (hasEndpoints && usesClusterEndpoints(route)) toEndpoints(clusterChain, route.clusterEndpoints);
    if (route.localEndpoints.length > 0 && usesLocalEndpoints(route)) toEndpoints(localChain, route.localEndpoints);

    for (const ep of reachable) {
      const { chain, affinity } = endpointNames(ep);
      rule(chain, `${ipX} saddr ${ep.ip} jump mark-for-masquerade`);
      if (route.sessionAffinity) rule(chain, `update @${affinity} { ${ipX} saddr }`);
      rule(chain, `meta l4proto ${p} dnat to ${joinHostPort(ep.ip, ep.port)}`);
    }
  }

  const out: string[] = [`table ${ipX} kube-proxy {`, '\tcomment "rules for kube-proxy"'];
  const block = (head: string, body: string[]) => out.push('', `\t${head} {`, ...body, '\t}');
  const verdictMap = (keyType: string, comment: string, elements: Element[]) => [`\t\ttype ${keyType} : verdict`, `\t\tcomment "${comment}"`, ...renderElements(elements)];

  block('set cluster-ips', [`\t\ttype ${addrType}`, '\t\tcomment "Active ClusterIPs"', ...renderElements([...clusterIPs.values()])]);
  if (nodeIP) block('set nodeport-ips', [`\t\ttype ${addrType}`, '\t\tcomment "IPs that accept NodePort traffic"', ...renderElements([{ key: nodeIP, sortKey: nodeIP }])]);
  block('map no-endpoint-services', verdictMap(`${addrType} . inet_proto . inet_service`, 'vmap to drop or reject packets to services with no endpoints', noEndpointServices));
  block('map no-endpoint-nodeports', verdictMap('inet_proto . inet_service', 'vmap to drop or reject packets to service nodeports with no endpoints', noEndpointNodePorts));
  block('map firewall-ips', verdictMap(`${addrType} . inet_proto . inet_service`, 'destinations that are subject to LoadBalancerSourceRanges', firewallIPs));
  block('map service-ips', verdictMap(`${addrType} . inet_proto . inet_service`, 'ClusterIP, ExternalIP and LoadBalancer IP traffic', serviceIPs));
  block('map service-nodeports', verdictMap('inet_proto . inet_service', 'NodePort traffic', serviceNodePorts));
  for (const set of affinitySets.sort((a, b) => compareText(a.name, b.name))) block(`set ${set.name}`, [`\t\ttype ${addrType}`, '\t\tflags dynamic,timeout', `\t\ttimeout ${nftDuration(set.timeout)}`]);

  const nodePortMatch = nodeIP ? `${ipX} daddr @nodeport-ips` : `${ipX} daddr != ${v6 ? '::1' : '127.0.0.0/8'}`;
  const base = (type: string, hook: string, priority: string, rules: string[]) => [`\t\ttype ${type} hook ${hook} priority ${priority}; policy accept;`, ...rules.map((r) => `\t\t${r}`)];
  block('chain filter-prerouting', base('filter', 'prerouting', 'dstnat - 10', ['ct state new jump firewall-check']));
  block('chain filter-input', base('filter', 'input', 'dstnat - 10', ['ct state new jump nodeport-endpoints-check', 'ct state new jump service-endpoints-check']));
  block('chain filter-forward', base('filter', 'forward', 'dstnat - 10', ['ct state new jump service-endpoints-check', 'ct state new jump cluster-ips-check']));
  block('chain filter-output', base('filter', 'output', 'dstnat - 10', ['ct state new jump service-endpoints-check', 'ct state new jump firewall-check']));
  block('chain filter-output-post-dnat', base('filter', 'output', 'dstnat + 10', ['ct state new jump cluster-ips-check']));
  block('chain nat-prerouting', base('nat', 'prerouting', 'dstnat', ['jump services']));
  block('chain nat-output', base('nat', 'output', 'dstnat', ['jump services']));
  block('chain nat-postrouting', base('nat', 'postrouting', 'srcnat', ['jump masquerading']));
  block('chain nodeport-endpoints-check', [`\t\t${nodePortMatch} meta l4proto . th dport vmap @no-endpoint-nodeports`]);
  block('chain service-endpoints-check', [`\t\t${ipX} daddr . meta l4proto . th dport vmap @no-endpoint-services`]);
  block('chain firewall-check', [`\t\t${ipX} daddr . meta l4proto . th dport vmap @firewall-ips`]);
  block('chain services', [`\t\t${ipX} daddr . meta l4proto . th dport vmap @service-ips`, `\t\t${nodePortMatch} meta l4proto . th dport vmap @service-nodeports`]);
  block('chain masquerading', [`\t\tmark and ${MASQ_MARK} == 0 return`, `\t\tmark set mark xor ${MASQ_MARK}`, '\t\tmasquerade fully-random']);
  block('chain cluster-ips-check', [`\t\t${ipX} daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"`]);
  block('chain mark-for-masquerade', [`\t\tmark set mark or ${MASQ_MARK}`]);
  block('chain reject-chain', ['\t\tcomment "helper for @no-endpoint-services / @no-endpoint-nodeports"', '\t\treject']);
  for (const name of [...chains.keys()].sort(compareText)) block(`chain ${name}`, chains.get(name)!.map((r) => `\t\t${r}`));
  out.push('}');
  return `${out.join('\n')}\n`;
}
