import type { NodeModel, ServiceEndpointsModel, ServiceModel } from './service-model';

/**
 * A synthetic cluster for the routing-table benchmark: `services` services with
 * `endpointsPerService` pod endpoints each, spread over 200 nodes. Deterministic: a small seeded
 * PRNG (mulberry32), nothing from the platform. Mix: 80% ClusterIP, 15% NodePort (a third with
 * externalTrafficPolicy Local), 5% LoadBalancer with source ranges; 10% ClientIP affinity;
 * 10% UDP; 5% of endpoints not ready.
 */

export interface SyntheticServiceCluster {
  services: ServiceModel[];
  endpoints: ServiceEndpointsModel[];
  nodes: NodeModel[];
  nodeName: string;
  clusterCidr: string;
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    let t = (state = (state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ipv4 = (value: number) => `${(value >>> 24) & 255}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;

const NODE_COUNT = 200;
const SERVICE_BASE = (10 << 24) | (96 << 16); // 10.96.0.0/12
const POD_BASE = (100 << 24) | (64 << 16); // 100.64.0.0/10, 1024 addresses per node

export function syntheticServiceCluster(services: number, endpointsPerService: number, seed = 42): SyntheticServiceCluster {
  const random = mulberry32(seed);
  const nodes: NodeModel[] = [];
  for (let n = 0; n < NODE_COUNT; n++) {
    nodes.push({ name: `node-${String(n).padStart(3, '0')}`, addresses: [ipv4(((172 << 24) | (18 << 16)) + n + 2)], podCidr: `${ipv4(POD_BASE + n * 1024)}/22`, labels: {} });
  }
  const perNode = new Array<number>(NODE_COUNT).fill(0);
  const serviceModels: ServiceModel[] = [];
  const endpointModels: ServiceEndpointsModel[] = [];

  for (let s = 0; s < services; s++) {
    const roll = random();
    const type = roll < 0.8 ? 'ClusterIP' : roll < 0.95 ? 'NodePort' : 'LoadBalancer';
    const namespace = `ns-${String(s % 50).padStart(2, '0')}`;
    const name = `svc-${String(s).padStart(5, '0')}`;
    const protocol = random() < 0.1 ? 'UDP' : 'TCP';
    const port = 80 + (s % 7);
    serviceModels.push({
      namespace,
      name,
      type,
      clusterIPs: [ipv4(SERVICE_BASE + s + 10)],
      headless: false,
      selector: { app: name },
      ports: [{ name: random() < 0.5 ? 'http' : '', port, protocol, targetPort: 8080, ...(type !== 'ClusterIP' ? { nodePort: 30000 + (s % 2768) } : {}) }],
      externalIPs: [],
      loadBalancerIPs: type === 'LoadBalancer' ? [ipv4(((198 << 24) | (51 << 16)) + s)] : [],
      loadBalancerSourceRanges: type === 'LoadBalancer' ? ['203.0.113.0/24'] : [],
      sessionAffinity: random() < 0.1 ? 'ClientIP' : 'None',
      sessionAffinityTimeout: 10800,
      externalTrafficPolicy: type !== 'ClusterIP' && random() < 0.33 ? 'Local' : 'Cluster',
      internalTrafficPolicy: 'Cluster',
      publishNotReadyAddresses: false,
      ipFamilies: ['IPv4'],
    });
    const endpoints: ServiceEndpointsModel['endpoints'] = [];
    for (let e = 0; e < endpointsPerService; e++) {
      const n = Math.floor(random() * NODE_COUNT);
      const ip = ipv4(POD_BASE + n * 1024 + (perNode[n]!++ % 1024));
      endpoints.push({ pod: `${namespace}/${name}-${e}`, ip, nodeName: nodes[n]!.name, ready: random() >= 0.05, ports: { [serviceModels[s]!.ports[0]!.name]: { port: 8080, protocol } } });
    }
    endpointModels.push({ namespace, service: name, endpoints, slices: [] });
  }
  return { services: serviceModels, endpoints: endpointModels, nodes, nodeName: nodes[0]!.name, clusterCidr: '100.64.0.0/10' };
}
