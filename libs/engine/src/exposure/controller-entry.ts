import type { Endpoint, PolicyModel } from '../policy/policy-model';
import { reachService, type ReachAnswer, type ServiceTarget } from '../services/service-reachability';
import type { NodeModel, ServiceEndpointsModel, ServiceModel, ServiceType } from '../services/service-model';
import type { ControllerSource } from './ingress-controller';

/**
 * How a client outside the cluster reaches a controller's pods: through the Service in front
 * of them that exposes the URL's port outside (a LoadBalancer address, an external IP, or a node
 * port). The path is the one `reachService` follows for any such Service, so
 * loadBalancerSourceRanges, externalTrafficPolicy (SNAT to a node address or the client's own)
 * and the controller pods' ingress rules, ipBlocks included, apply exactly as there.
 */
export interface ControllerEntry {
  service: { namespace: string; name: string; type: ServiceType };
  via: 'loadBalancer' | 'externalIP' | 'nodePort';
  /** The address and port the client connects to. */
  address: string;
  port: number;
  loadBalancerSourceRanges: string[];
  externalTrafficPolicy: 'Cluster' | 'Local';
  /** How many of the controller pods receiving the Service's traffic the client reaches. */
  allowed: ReachAnswer;
  reason: string;
  /** The address NetworkPolicy sees instead of the client's (SNAT to a node). */
  policySource?: string;
  pods: { pod?: string; ip: string; nodeName?: string; port: number; allowed: boolean; reason: string }[];
  warnings: string[];
}

export interface ControllerEntryInput {
  policy: PolicyModel;
  services: readonly ServiceModel[];
  endpoints: readonly ServiceEndpointsModel[];
  nodes: readonly NodeModel[];
  clusterDomain: string;
  from: Endpoint;
  /** The URL's port: what the client dials. */
  port: number;
}

interface Candidate {
  service: ServiceModel;
  via: ControllerEntry['via'];
  address: string;
  target: ServiceTarget;
}

const keyOf = (o: { namespace: string; name: string }) => `${o.namespace}/${o.name}`;

/**
 * The Services in front of a set of pods (a controller's or a Gateway's proxy pods): those with
 * one of the pods among their endpoints, ExternalName ones aside. Which of them reach outside, and
 * on which port, is the caller's question (the URL's port here; every port in the exposure report).
 */
export function servicesInFront(services: readonly ServiceModel[], endpoints: readonly ServiceEndpointsModel[], pods: ReadonlyArray<{ namespace: string; name: string }>): ServiceModel[] {
  if (pods.length === 0) return [];
  const keys = new Set(pods.map(keyOf));
  const endpointsOf = new Map(endpoints.map((e) => [`${e.namespace}/${e.service}`, e.endpoints]));
  return services.filter((service) => service.type !== 'ExternalName' && (endpointsOf.get(keyOf(service)) ?? []).some((e) => e.pod !== undefined && keys.has(e.pod)));
}

const ORDER: Record<Candidate['via'], number> = { loadBalancer: 0, externalIP: 1, nodePort: 2 };

/**
 * The entry to a controller's pods for a client dialling `port`, or why there is none to judge
 * (`notes`): no controller pods, no Service exposing them on that port, or a LoadBalancer still
 * without an address. When several Services qualify, the first (LoadBalancer, then external IP,
 * then node port; by namespace/name) is judged and the others are named in the notes.
 */
export function controllerEntry(input: ControllerEntryInput, source: ControllerSource): { entry?: ControllerEntry; notes: string[] } {
  const notes: string[] = [];
  if (source.pods.length === 0) return { notes };
  const node = input.nodes.find((n) => n.addresses[0] !== undefined);
  const candidates: Candidate[] = [];
  for (const service of servicesInFront(input.services, input.endpoints, source.pods)) {
    const tcp = service.ports.filter((p) => p.protocol === 'TCP');
    if (tcp.some((p) => p.port === input.port)) {
      if (service.type === 'LoadBalancer') {
        const address = service.loadBalancerIPs[0];
        if (address) candidates.push({ service, via: 'loadBalancer', address, target: { clusterIP: address, port: input.port } });
        else notes.push(`service ${keyOf(service)} is a LoadBalancer without an address (status.loadBalancer.ingress is empty): clients cannot use it yet`);
      }
      const external = service.externalIPs[0];
      if (external) candidates.push({ service, via: 'externalIP', address: external, target: { clusterIP: external, port: input.port } });
    }
    if ((service.type === 'NodePort' || service.type === 'LoadBalancer') && node && tcp.some((p) => p.nodePort === input.port)) {
      candidates.push({ service, via: 'nodePort', address: node.addresses[0]!, target: { nodePort: { nodeIP: node.addresses[0]!, port: input.port } } });
    }
  }
  if (candidates.length === 0) {
    notes.push(`no Service exposes ${source.name} on TCP ${input.port} outside the cluster (LoadBalancer address, external IP or node port): the client's address is not checked`);
    return { notes };
  }
  candidates.sort((a, b) => ORDER[a.via] - ORDER[b.via] || (keyOf(a.service) < keyOf(b.service) ? -1 : keyOf(a.service) > keyOf(b.service) ? 1 : 0));
  const chosen = candidates[0]!;
  const others = [...new Set(candidates.slice(1).map((c) => `${c.address}:${input.port} (service ${keyOf(c.service)})`))];
  if (others.length > 0) notes.push(`${source.name} is also reachable at ${others.join(', ')}; judged through ${chosen.address}:${input.port}`);

  const answer = reachService({
    policy: input.policy,
    services: input.services,
    endpoints: input.endpoints,
    records: [],
    nodes: input.nodes,
    clusterDomain: input.clusterDomain,
    from: 'pod' in input.from ? { pod: input.from.pod } : { ip: input.from.ip },
    target: chosen.target,
    protocol: 'TCP',
  });
  const { service } = chosen;
  return {
    notes,
    entry: {
      service: { namespace: service.namespace, name: service.name, type: service.type },
      via: chosen.via,
      address: chosen.address,
      port: input.port,
      loadBalancerSourceRanges: service.loadBalancerSourceRanges,
      externalTrafficPolicy: service.externalTrafficPolicy,
      allowed: answer.allowed,
      reason: answer.reason,
      ...(answer.path.policySource !== undefined ? { policySource: answer.path.policySource } : {}),
      pods: answer.endpoints.map((e) => ({ ...(e.pod !== undefined ? { pod: e.pod } : {}), ip: e.ip, ...(e.nodeName !== undefined ? { nodeName: e.nodeName } : {}), port: e.port, allowed: e.allowed, reason: e.reason })),
      warnings: answer.warnings,
    },
  };
}
