import type { NetworkPolicyInput } from '../../policy/compiled-policies';
import { buildPolicyModel, type PolicyModel } from '../../policy/policy-model';
import type { ContainerPort, ModelPod } from '../../workloads/pods-from-workloads';
import { dnsRecords, type DnsRecord } from '../dns-records';
import type { EndpointModel, NodeModel, ServiceEndpointsModel, ServiceModel, ServicePortModel } from '../service-model';

/**
 * A small cluster written directly as engine values (no manifest normalisation), shared by the
 * DNS and service-reachability tests.
 *
 * Nodes node-a (192.168.0.1, pods 10.244.1.0/24) and node-b (192.168.0.2, pods 10.244.2.0/24).
 * shop: web-1/web-2/web-3 (app=web; `http` is 8080 on web-1 and web-3, 9090 on web-2; web-3 not
 * ready), db-0/db-1/db-2 (StatefulSet db, headless service db; db-2 not ready), client, locked
 * (egress only to 10.0.0.0/8), sealed (no egress). ops: mon.
 */
export const ZONE = 'cluster.local';

export function pod(namespace: string, name: string, ip: string, options: Partial<ModelPod> & { ports?: ContainerPort[] } = {}): ModelPod {
  const { ports, ...rest } = options;
  return {
    namespace,
    name,
    labels: {},
    ips: [ip],
    containerPorts: ports ?? [],
    owner: { kind: 'Pod', name },
    ready: true,
    fromTemplate: false,
    ...rest,
  };
}

export function service(namespace: string, name: string, options: Partial<ServiceModel> = {}): ServiceModel {
  return {
    namespace,
    name,
    type: 'ClusterIP',
    clusterIPs: [],
    headless: false,
    ports: [],
    externalIPs: [],
    loadBalancerIPs: [],
    loadBalancerSourceRanges: [],
    sessionAffinity: 'None',
    sessionAffinityTimeout: 10800,
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
    publishNotReadyAddresses: false,
    ...options,
  };
}

export function port(name: string, number: number, targetPort: number | string = number, extra: Partial<ServicePortModel> = {}): ServicePortModel {
  return { name, port: number, protocol: 'TCP', targetPort, ...extra };
}

/** An endpoint of a pod, with its resolved target port per service port name. */
export function endpointOf(p: ModelPod, ports: Record<string, number>, extra: Partial<EndpointModel> = {}): EndpointModel {
  return {
    pod: `${p.namespace}/${p.name}`,
    ip: p.ips[0]!,
    ...(p.nodeName ? { nodeName: p.nodeName } : {}),
    ready: p.ready,
    ports: Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, { port: v, protocol: 'TCP' as const }])),
    ...extra,
  };
}

export function endpoints(svc: ServiceModel, list: EndpointModel[]): ServiceEndpointsModel {
  return { namespace: svc.namespace, service: svc.name, endpoints: list, slices: [] };
}

const http = (n: number): ContainerPort[] => [{ name: 'http', containerPort: n, protocol: 'TCP' }];
const pg: ContainerPort[] = [{ name: 'pg', containerPort: 5432, protocol: 'TCP' }];

export const PODS = {
  web1: pod('shop', 'web-1', '10.244.1.10', { labels: { app: 'web' }, nodeName: 'node-a', ports: http(8080) }),
  web2: pod('shop', 'web-2', '10.244.2.10', { labels: { app: 'web' }, nodeName: 'node-b', ports: http(9090) }),
  web3: pod('shop', 'web-3', '10.244.2.11', { labels: { app: 'web' }, nodeName: 'node-b', ports: http(8080), ready: false }),
  db0: pod('shop', 'db-0', '10.244.1.20', { labels: { app: 'db' }, nodeName: 'node-a', hostname: 'db-0', subdomain: 'db', owner: { kind: 'StatefulSet', name: 'db' }, ports: pg }),
  db1: pod('shop', 'db-1', '10.244.2.20', { labels: { app: 'db' }, nodeName: 'node-b', hostname: 'db-1', subdomain: 'db', owner: { kind: 'StatefulSet', name: 'db' }, ports: pg }),
  db2: pod('shop', 'db-2', '10.244.2.21', { labels: { app: 'db' }, nodeName: 'node-b', hostname: 'db-2', subdomain: 'db', owner: { kind: 'StatefulSet', name: 'db' }, ports: pg, ready: false }),
  client: pod('shop', 'client', '10.244.1.50', { labels: { app: 'client' }, nodeName: 'node-a' }),
  locked: pod('shop', 'locked', '10.244.1.51', { labels: { app: 'locked' }, nodeName: 'node-a' }),
  sealed: pod('shop', 'sealed', '10.244.1.52', { labels: { app: 'sealed' }, nodeName: 'node-a' }),
  mon: pod('ops', 'mon', '10.244.2.50', { labels: { app: 'mon' }, nodeName: 'node-b' }),
  dns: pod('kube-system', 'coredns-1', '10.244.1.2', { labels: { k8s_app: 'kube-dns' }, nodeName: 'node-a' }),
};

export const NODES: NodeModel[] = [
  { name: 'node-a', addresses: ['192.168.0.1'], podCidr: '10.244.1.0/24', labels: {} },
  { name: 'node-b', addresses: ['192.168.0.2'], podCidr: '10.244.2.0/24', labels: {} },
];

const webPorts = [port('http', 80, 'http'), port('metrics', 9100)];

export const SERVICES = {
  kubernetes: service('default', 'kubernetes', { clusterIPs: ['10.96.0.1'], ports: [port('https', 443, 6443)] }),
  kubeDns: service('kube-system', 'kube-dns', { clusterIPs: ['10.96.0.10'], selector: { k8s_app: 'kube-dns' }, ports: [port('dns', 53, 53, { protocol: 'UDP' }), port('dns-tcp', 53)] }),
  web: service('shop', 'web', { clusterIPs: ['10.96.0.20'], selector: { app: 'web' }, ports: webPorts }),
  plain: service('shop', 'plain', { clusterIPs: ['10.96.0.21'], selector: { app: 'web' }, ports: [port('', 80, 8080)] }),
  db: service('shop', 'db', { headless: true, selector: { app: 'db' }, ports: [port('pg', 5432)] }),
  cache: service('shop', 'cache', { headless: true, selector: { app: 'cache' }, ports: [port('redis', 6379)] }),
  legacy: service('shop', 'legacy', { type: 'ExternalName', externalName: 'Legacy.Example.com.', ports: [port('https', 443)] }),
  alias: service('shop', 'alias', { type: 'ExternalName', externalName: 'web.shop.svc.cluster.local' }),
  empty: service('shop', 'empty', { clusterIPs: ['10.96.0.22'], selector: { app: 'nothing' }, ports: [port('http', 80)] }),
  front: service('shop', 'front', { type: 'NodePort', clusterIPs: ['10.96.0.30'], selector: { app: 'web' }, ports: [port('http', 80, 'http', { nodePort: 30080 })], externalTrafficPolicy: 'Local' }),
  frontCluster: service('shop', 'front-cluster', { type: 'NodePort', clusterIPs: ['10.96.0.31'], selector: { app: 'web' }, ports: [port('http', 80, 'http', { nodePort: 30081 })] }),
  lb: service('shop', 'lb', {
    type: 'LoadBalancer',
    clusterIPs: ['10.96.0.40'],
    selector: { app: 'web' },
    ports: [port('http', 80, 'http', { nodePort: 30082 })],
    loadBalancerIPs: ['203.0.113.10'],
    loadBalancerSourceRanges: ['198.51.100.0/24'],
    externalTrafficPolicy: 'Local',
  }),
  local: service('shop', 'local', { clusterIPs: ['10.96.0.50'], selector: { app: 'web' }, ports: [port('http', 80, 'http')], internalTrafficPolicy: 'Local' }),
};

const webEndpoints = (names: string[]) => [
  endpointOf(PODS.web1, Object.fromEntries(names.map((n) => [n, n === 'metrics' ? 9100 : 8080]))),
  endpointOf(PODS.web2, Object.fromEntries(names.map((n) => [n, n === 'metrics' ? 9100 : 9090]))),
  endpointOf(PODS.web3, Object.fromEntries(names.map((n) => [n, n === 'metrics' ? 9100 : 8080]))),
];

export const ENDPOINTS: ServiceEndpointsModel[] = [
  endpoints(SERVICES.kubeDns, [endpointOf(PODS.dns, { dns: 53, 'dns-tcp': 53 })]),
  endpoints(SERVICES.web, webEndpoints(['http', 'metrics'])),
  // targetPort 8080 (a number): the same on every pod.
  endpoints(SERVICES.plain, [PODS.web1, PODS.web2, PODS.web3].map((p) => endpointOf(p, { '': 8080 }))),
  // The StatefulSet's endpoints carry their hostnames (subdomain = service).
  endpoints(SERVICES.db, [PODS.db0, PODS.db1, PODS.db2].map((p) => endpointOf(p, { pg: 5432 }, { hostname: p.hostname! }))),
  endpoints(SERVICES.cache, []),
  endpoints(SERVICES.empty, []),
  endpoints(SERVICES.front, webEndpoints(['http'])),
  endpoints(SERVICES.frontCluster, webEndpoints(['http'])),
  endpoints(SERVICES.lb, webEndpoints(['http'])),
  endpoints(SERVICES.local, webEndpoints(['http'])),
];

export const POLICIES: NetworkPolicyInput[] = [
  {
    namespace: 'shop',
    name: 'web-ingress',
    spec: {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [
        // 8080 only: web-2, whose `http` is 9090, refuses the client.
        { from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 8080 }] },
        // The named port resolves on each pod: 8080 on web-1, 9090 on web-2.
        { from: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [{ port: 'http' }] },
      ],
    },
  },
  {
    namespace: 'shop',
    name: 'db-ingress',
    spec: { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 5432 }] }] },
  },
  {
    namespace: 'shop',
    name: 'locked-egress',
    spec: { podSelector: { matchLabels: { app: 'locked' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] },
  },
  { namespace: 'shop', name: 'sealed-egress', spec: { podSelector: { matchLabels: { app: 'sealed' } }, policyTypes: ['Egress'], egress: [] } },
];

export const ALL_PODS: ModelPod[] = Object.values(PODS);
export const ALL_SERVICES: ServiceModel[] = Object.values(SERVICES);

export function records(): DnsRecord[] {
  return dnsRecords({ services: ALL_SERVICES, endpoints: ENDPOINTS, pods: ALL_PODS, clusterDomain: ZONE });
}

export function policyModel(cni = 'calico'): PolicyModel {
  return buildPolicyModel({ pods: ALL_PODS, namespaces: [{ name: 'shop', labels: {} }, { name: 'ops', labels: {} }, { name: 'kube-system', labels: {} }], policies: POLICIES, settings: { cni } });
}
