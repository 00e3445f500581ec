import { parseCidr, type IpFamily } from '../addresses/cidr-blocks';
import { compareText } from '../cluster/text-order';
import type { Protocol } from '../workloads/pods-from-workloads';
import { joinHostPort, servicePortNameString } from './kube-proxy-names';
import type { NodeModel, ServiceEndpointsModel, ServiceModel } from './service-model';

/**
 * What kube-proxy programs on ONE node (semantics.md, "Services, endpoints and kube-proxy"):
 * for every service port with a ClusterIP, where each frontend (ClusterIP, external IP,
 * load-balancer IP, NodePort) sends a packet. Follows pkg/proxy's CategorizeEndpoints and the
 * iptables proxier's chain logic, so the renderers only have to spell it.
 */

export type RouteFrontendKind = 'ClusterIP' | 'ExternalIP' | 'LoadBalancer' | 'NodePort';

export interface RouteEndpoint {
  ip: string;
  /** The resolved target port. */
  port: number;
  nodeName?: string;
  /** `ns/name` of the pod, when the endpoint is one. */
  pod?: string;
  /** On the node this table is for (kube-proxy's IsLocal). */
  local: boolean;
}

export interface RouteFrontend {
  kind: RouteFrontendKind;
  /** The destination matched: the VIP, or for a NodePort one of the node's addresses. */
  ip: string;
  port: number;
  protocol: Protocol;
  /**
   * forward: DNAT to one of `endpoints`; drop: a Local policy and no ready endpoint on this node;
   * reject: the service port has no ready endpoint anywhere (kube-proxy's REJECT).
   */
  action: 'forward' | 'drop' | 'reject';
  /** Which endpoints the frontend balances over: every ready endpoint, or this node's. */
  policy: 'Cluster' | 'Local';
  /** The endpoints picked from (empty unless `action` is forward). */
  endpoints: RouteEndpoint[];
  /**
   * Source NAT: 'off-cluster' (ClusterIP: only sources outside the cluster CIDR are masqueraded),
   * 'always' (external traffic with Cluster policy), 'never' (Local policy: client IP preserved).
   */
  masquerade: 'off-cluster' | 'always' | 'never';
  /**
   * External traffic with Local policy: pods (cluster CIDR) and the node itself bypass the
   * policy and reach every ready endpoint, as if they went out to the load balancer and back.
   */
  shortCircuitsClusterTraffic: boolean;
  /** LoadBalancer: the allowed client CIDRs (loadBalancerSourceRanges); other sources are dropped. Empty: all. */
  sourceRanges: string[];
}

export interface ServicePortRoute {
  namespace: string;
  service: string;
  /** '' for the single unnamed port. */
  portName: string;
  /** kube-proxy's ServicePortName: `ns/svc:port`, or `ns/svc` for an unnamed port. */
  servicePortName: string;
  protocol: Protocol;
  clusterIP: string;
  port: number;
  nodePort?: number;
  externalIPs: string[];
  loadBalancerIPs: string[];
  loadBalancerSourceRanges: string[];
  /** ClientIP affinity: a client sticks to its endpoint for this long. Undefined: none. */
  sessionAffinity?: { timeoutSeconds: number };
  internalTrafficPolicy: 'Cluster' | 'Local';
  /** Effective policy: Local only counts when the port is reachable from outside the cluster. */
  externalTrafficPolicy: 'Cluster' | 'Local';
  /** Reachable from outside: a NodePort, external IPs or load-balancer IPs. */
  externallyAccessible: boolean;
  /** Endpoints kube-proxy tracks for the port, ready or not (sizes iptables' large-cluster mode). */
  knownEndpoints: number;
  /** Ready endpoints on every node, in kube-proxy's order (`ip:port` as strings). */
  clusterEndpoints: RouteEndpoint[];
  /** Ready endpoints on this node. */
  localEndpoints: RouteEndpoint[];
  /** ClusterIP first, then external IPs, load-balancer IPs, and NodePorts on the node's addresses. */
  frontends: RouteFrontend[];
}

export interface NodeRoutingTable {
  nodeName: string;
  /** The family kube-proxy programs here (that of `clusterCidr`); dual-stack runs one table per family. */
  family: IpFamily;
  /** The node's addresses of that family; the first is kube-proxy's node IP. */
  nodeAddresses: string[];
  /** Pod traffic detection (kube-proxy's --cluster-cidr local detector). */
  clusterCidr: string;
  routes: ServicePortRoute[];
}

export interface RoutingTableOptions {
  clusterCidr: string;
}

/** The family of an address the model already validated (the hot path cannot afford a parse per endpoint). */
const familyOf = (ip: string): IpFamily => (ip.includes(':') ? 6 : 4);

/** The kube-proxy routing table of node `nodeName`. Services without a ClusterIP (headless, ExternalName) are not proxied. */
export function routingTable(
  services: readonly ServiceModel[],
  endpoints: readonly ServiceEndpointsModel[],
  nodes: readonly NodeModel[],
  nodeName: string,
  options: RoutingTableOptions,
): NodeRoutingTable {
  const family: IpFamily = parseCidr(options.clusterCidr)?.family ?? 4;
  const node = nodes.find((n) => n.name === nodeName);
  const nodeAddresses = (node?.addresses ?? []).filter((a) => familyOf(a) === family);
  const endpointsByService = new Map<string, ServiceEndpointsModel>();
  for (const e of endpoints) endpointsByService.set(`${e.namespace}/${e.service}`, e);

  const routes: ServicePortRoute[] = [];
  const ordered = [...services].sort((a, b) => (a.namespace === b.namespace ? compareText(a.name, b.name) : compareText(a.namespace, b.namespace)));
  for (const service of ordered) {
    if (service.type === 'ExternalName' || service.headless) continue;
    const clusterIP = service.clusterIPs.find((ip) => familyOf(ip) === family);
    if (!clusterIP) continue; // No address of this family (or none assigned yet): not proxied here.
    const serviceEndpoints = endpointsByService.get(`${service.namespace}/${service.name}`)?.endpoints ?? [];
    const externalIPs = service.externalIPs.filter((ip) => familyOf(ip) === family);
    const loadBalancerIPs = service.type === 'LoadBalancer' ? service.loadBalancerIPs.filter((ip) => familyOf(ip) === family) : [];
    const sourceRanges = service.loadBalancerSourceRanges.filter((c) => parseCidr(c)?.family === family);

    for (const port of service.ports) {
      const nodePort = service.type === 'NodePort' || service.type === 'LoadBalancer' ? port.nodePort : undefined;
      const externallyAccessible = nodePort !== undefined || externalIPs.length > 0 || loadBalancerIPs.length > 0;
      const internalLocal = service.internalTrafficPolicy === 'Local';
      const externalLocal = externallyAccessible && service.externalTrafficPolicy === 'Local';

      // kube-proxy keeps one endpoint per `ip:port` and sorts them as strings.
      const known = new Map<string, { endpoint: RouteEndpoint; ready: boolean }>();
      for (const e of serviceEndpoints) {
        const target = e.ports[port.name];
        if (!target || target.protocol !== port.protocol || familyOf(e.ip) !== family) continue;
        const key = joinHostPort(e.ip, target.port);
        const previous = known.get(key);
        if (previous && (previous.ready || !e.ready)) continue;
        const endpoint: RouteEndpoint = { ip: e.ip, port: target.port, local: e.nodeName === nodeName };
        if (e.nodeName) endpoint.nodeName = e.nodeName;
        if (e.pod) endpoint.pod = e.pod;
        known.set(key, { endpoint, ready: e.ready });
      }
      const sortedKeys = [...known.keys()].sort(); // Code-unit order: Go's string order for these ASCII keys.
      const clusterEndpoints = sortedKeys.map((k) => known.get(k)!).filter((k) => k.ready).map((k) => k.endpoint);
      const localEndpoints = clusterEndpoints.filter((e) => e.local);
      const hasEndpoints = clusterEndpoints.length > 0;

      const internalEndpoints = internalLocal ? localEndpoints : clusterEndpoints;
      const externalEndpoints = externalLocal ? localEndpoints : clusterEndpoints;
      const internalAction = !hasEndpoints ? 'reject' : internalEndpoints.length === 0 ? 'drop' : 'forward';
      const externalAction = !hasEndpoints ? 'reject' : externalEndpoints.length === 0 ? 'drop' : 'forward';
      const external = (kind: RouteFrontendKind, ip: string, frontendPort: number, ranges: string[]): RouteFrontend => ({
        kind,
        ip,
        port: frontendPort,
        protocol: port.protocol,
        action: externalAction,
        policy: externalLocal ? 'Local' : 'Cluster',
        endpoints: externalAction === 'forward' ? externalEndpoints : [],
        masquerade: externalLocal ? 'never' : 'always',
        shortCircuitsClusterTraffic: externalLocal && hasEndpoints,
        sourceRanges: ranges,
      });

      const frontends: RouteFrontend[] = [
        {
          kind: 'ClusterIP',
          ip: clusterIP,
          port: port.port,
          protocol: port.protocol,
          action: internalAction,
          policy: internalLocal ? 'Local' : 'Cluster',
          endpoints: internalAction === 'forward' ? internalEndpoints : [],
          masquerade: 'off-cluster',
          shortCircuitsClusterTraffic: false,
          sourceRanges: [],
        },
        ...externalIPs.map((ip) => external('ExternalIP', ip, port.port, [])),
        ...loadBalancerIPs.map((ip) => external('LoadBalancer', ip, port.port, sourceRanges)),
        ...(nodePort !== undefined ? nodeAddresses.map((ip) => external('NodePort', ip, nodePort, [])) : []),
      ];

      routes.push({
        namespace: service.namespace,
        service: service.name,
        portName: port.name,
        servicePortName: servicePortNameString(service.namespace, service.name, port.name),
        protocol: port.protocol,
        clusterIP,
        port: port.port,
        ...(nodePort !== undefined ? { nodePort } : {}),
        externalIPs,
        loadBalancerIPs,
        loadBalancerSourceRanges: sourceRanges,
        ...(service.sessionAffinity === 'ClientIP' ? { sessionAffinity: { timeoutSeconds: service.sessionAffinityTimeout } } : {}),
        internalTrafficPolicy: service.internalTrafficPolicy,
        externalTrafficPolicy: externalLocal ? 'Local' : 'Cluster',
        externallyAccessible,
        knownEndpoints: known.size,
        clusterEndpoints,
        localEndpoints,
        frontends,
      });
    }
  }
  return { nodeName, family, nodeAddresses, clusterCidr: options.clusterCidr, routes };
}

/** The frontend a packet to (ip, port, protocol) hits on this node, if any. */
export function findFrontend(table: NodeRoutingTable, ip: string, port: number, protocol: Protocol): { route: ServicePortRoute; frontend: RouteFrontend } | undefined {
  for (const route of table.routes) {
    if (route.protocol !== protocol) continue;
    for (const frontend of route.frontends) if (frontend.ip === ip && frontend.port === port) return { route, frontend };
  }
  return undefined;
}

/** kube-proxy's UsesClusterEndpoints: Cluster internal policy, or any external access (short-circuiting needs them). */
export function usesClusterEndpoints(route: ServicePortRoute): boolean {
  return route.internalTrafficPolicy !== 'Local' || route.externallyAccessible;
}

/** kube-proxy's UsesLocalEndpoints. */
export function usesLocalEndpoints(route: ServicePortRoute): boolean {
  return route.internalTrafficPolicy === 'Local' || route.externalTrafficPolicy === 'Local';
}

/** kube-proxy's allLocallyReachableEndpoints: the endpoints this node may DNAT to, sorted as kube-proxy sorts. */
export function reachableEndpoints(route: ServicePortRoute): RouteEndpoint[] {
  const cluster = usesClusterEndpoints(route);
  const local = usesLocalEndpoints(route);
  if (cluster && !local) return route.clusterEndpoints;
  if (local && !cluster) return route.localEndpoints;
  return route.clusterEndpoints; // Local endpoints are a subset of the cluster ones.
}
