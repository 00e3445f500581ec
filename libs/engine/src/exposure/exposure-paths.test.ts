import { describe, expect, it } from 'vitest';
import { connectionList } from '../connectivity/connection-list';
import { policyModelOf } from '../policy/cluster-policy-model';
import { node, objectsFromYaml, pod, SMALL_SETTINGS } from '../services/small-cluster.fixture';
import { computeClusterModel } from '../workloads/cluster-model';
import { exposureReport, type ExposureRow } from './exposure-report';
import { ingressBackendsOf } from './ingress-backends';
import { controllerOfBackend, ingressTraffic, type IngressControllerSetting } from './ingress-controller';
import { GATEWAY_PROXY_POD, NGINX_CLASS, northSouthOf, SHOP_GATEWAY, SHOP_SERVICES } from './shop.fixture';

/**
 * Node n1 (192.168.0.1); shop/api-0 and shop/web-0 behind Services api and web; IngressClass
 * nginx (default). Ingress shop-a claims shop.example.com/api, shop-b the same prefix spelt
 * /api/ (it loses: equal age, shop-a first by name); ghost names a class that does not exist.
 */
const BASE =
  node('n1', '192.168.0.1', '10.244.1.0/24') +
  pod('shop', 'api-0', { app: 'api' }, '10.244.1.10', 'n1', [{ name: 'http', port: 9090 }]) +
  pod('shop', 'web-0', { app: 'web' }, '10.244.1.20', 'n1', [{ name: 'http', port: 8080 }]) +
  SHOP_SERVICES;

const ingress = (name: string, path: string, service: string, extra = '') => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: ${name}, namespace: shop }
spec:
${extra}  rules:
    - host: shop.example.com
      http: { paths: [{ path: ${path}, pathType: Prefix, backend: { service: { name: ${service}, port: { number: 80 } } } }] }
---
`;

const INGRESSES = ingress('shop-a', '/api', 'api') + ingress('shop-b', '/api/', 'web') + ingress('ghost', '/ghost', 'web', '  ingressClassName: haproxy\n');

/** The ingress controller as pod edge/nginx-0 behind a LoadBalancer (node ports only when asked: they are open to every client). */
const NGINX_SETTING: IngressControllerSetting[] = [{ controller: 'k8s.io/ingress-nginx', workload: { kind: 'Pod', namespace: 'edge', name: 'nginx-0' } }];
const NGINX = (lb: { sourceRanges?: string[]; policy?: 'Local' | 'Cluster'; nodePort?: boolean }) =>
  pod('edge', 'nginx-0', { app: 'nginx' }, '10.244.1.40', 'n1', [{ name: 'http', port: 80 }]) +
  `apiVersion: v1
kind: Service
metadata: { name: nginx, namespace: edge }
spec:
  type: LoadBalancer
  selector: { app: nginx }
  ports: [{ name: http, port: 80, targetPort: 80${lb.nodePort ? ', nodePort: 30080' : ''} }]
${lb.sourceRanges ? `  loadBalancerSourceRanges: ${JSON.stringify(lb.sourceRanges)}\n` : ''}${lb.policy ? `  externalTrafficPolicy: ${lb.policy}\n` : ''}status: { loadBalancer: { ingress: [{ ip: 198.51.100.10 }] } }
---
`;

/** Pods labelled app=<app> in <ns> admit only the given ipBlock. */
const ONLY_FROM_BLOCK = (ns: string, app: string, cidr: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: only-${app}, namespace: ${ns} }
spec:
  podSelector: { matchLabels: { app: ${app} } }
  ingress: [{ from: [{ ipBlock: { cidr: ${cidr} } }] }]
---
`;

const GATEWAY =
  SHOP_GATEWAY +
  `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: split, namespace: shop }
spec:
  parentRefs: [{ name: gw }]
  hostnames: [shop.example.com]
  rules:
    - matches: [{ path: { type: PathPrefix, value: /api } }]
      backendRefs: [{ name: api, port: 80, weight: 3 }, { name: web, port: 80, weight: 0 }, { name: missing, port: 80 }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: stranger, namespace: other }
spec:
  parentRefs: [{ name: gw, namespace: shop }]
  rules: [{ backendRefs: [{ name: web, port: 80 }] }]
---
` +
  GATEWAY_PROXY_POD;

function report(yaml: string, options: { routing?: boolean; controllers?: IngressControllerSetting[] } = {}) {
  const objects = objectsFromYaml(yaml);
  const cluster = computeClusterModel(objects, SMALL_SETTINGS);
  const model = policyModelOf(cluster, SMALL_SETTINGS);
  const northSouth = northSouthOf(objects, cluster);
  const settings = { ...SMALL_SETTINGS, ...(options.controllers ? { ingressControllers: options.controllers } : {}) };
  return { cluster, model, ...exposureReport({ model, clusterModel: cluster, settings, ...(options.routing === false ? {} : { northSouth }) }) };
}

const rowsVia = (rows: ExposureRow[], via: ExposureRow['via']) => rows.filter((r) => r.via === via);

describe('Ingresses no class serves', () => {
  it('with IngressClass objects, an Ingress of a missing class (or of none without a single default) has no controller', () => {
    const classes = [
      { name: 'nginx', controller: 'k8s.io/ingress-nginx', isDefault: false },
      { name: 'traefik', controller: 'traefik.io/ingress-controller', isDefault: false },
    ];
    const backend = { source: 'Ingress' as const, namespace: 'shop', name: 'x', service: 'web' };
    expect(controllerOfBackend({ ...backend, ingressClassName: 'traefik' }, classes, [])).toBe('traefik.io/ingress-controller');
    expect(controllerOfBackend({ ...backend, ingressClassName: 'haproxy' }, classes, [])).toBeUndefined();
    expect(controllerOfBackend(backend, classes, [])).toBeUndefined();
    expect(controllerOfBackend(backend, classes.map((c) => ({ ...c, isDefault: true })), [])).toBeUndefined();
    expect(controllerOfBackend(backend, [{ ...classes[0]!, isDefault: true }], [])).toBe('k8s.io/ingress-nginx');
    // No IngressClass object at all: the first configured controller serves every Ingress.
    expect(controllerOfBackend({ ...backend, ingressClassName: 'haproxy' }, [], NGINX_SETTING)).toBe('k8s.io/ingress-nginx');
    expect(controllerOfBackend({ ...backend, source: 'Route' }, classes, [])).toBe('openshift.io/ingress-to-route');
  });

  it('sends no controller traffic to them, in connection lists as in exposure', () => {
    const { cluster, model, rows } = report(BASE + NGINX_CLASS + ingress('ghost', '/ghost', 'web', '  ingressClassName: haproxy\n'), { routing: false });
    expect(ingressTraffic(model, cluster)).toEqual([]);
    expect(connectionList(model, { clusterModel: cluster }).filter((r) => r.src === '{ingress-controller}')).toEqual([]);
    expect(rowsVia(rows, 'ingress')).toEqual([]);
    // The same Ingress in an input without IngressClass objects: the fallback controller serves it.
    const bare = report(BASE + ingress('ghost', '/ghost', 'web', '  ingressClassName: haproxy\n'), { routing: false });
    expect(connectionList(bare.model, { clusterModel: bare.cluster }).filter((r) => r.src === '{ingress-controller}').map((r) => `${r.dst} : ${r.conn}`)).toEqual(['shop/web-0[Pod] : TCP 8080']);
  });
});

describe('exposure through Ingresses', () => {
  it('counts only backends that receive traffic: not a path lost to a conflict, nor an unattached Ingress', () => {
    const { rows } = report(BASE + NGINX_CLASS + INGRESSES);
    expect(rowsVia(rows, 'ingress')).toEqual([
      {
        workload: 'shop/api-0[Pod]',
        via: 'ingress',
        detail: 'Ingress shop/shop-a host shop.example.com path /api → service shop/api:80 (from {ingress-controller}, controller k8s.io/ingress-nginx)',
        ports: 'TCP 9090',
        sources: ['any'],
        routes: [{ kind: 'Ingress', name: 'shop/shop-a', host: 'shop.example.com', path: '/api', pathType: 'Prefix', service: 'shop/api', port: 80 }],
      },
    ]);
    // Without the routing tables every backend of a served class counts, the losing path included.
    const unrouted = report(BASE + NGINX_CLASS + INGRESSES, { routing: false });
    expect(rowsVia(unrouted.rows, 'ingress').map((r) => r.workload)).toEqual(['shop/api-0[Pod]', 'shop/web-0[Pod]']);
  });

  it('an input without IngressClass objects: the routing tables leave its Ingresses unattached, so they expose nothing', () => {
    const { rows, connections } = report(BASE + ingress('shop-a', '/api', 'api'));
    expect(rowsVia(rows, 'ingress')).toEqual([]);
    // The peer format keeps the stand-in controller's rows for such inputs.
    expect(connections.some((r) => r.src === '{ingress-controller}')).toBe(true);
  });

  it("takes the sources from the controller's own Service: loadBalancerSourceRanges, and node addresses under SNAT", () => {
    const yaml = BASE + NGINX_CLASS + ingress('shop-a', '/api', 'api');
    const ranged = report(yaml + NGINX({ sourceRanges: ['203.0.113.0/24'], policy: 'Local' }), { controllers: NGINX_SETTING });
    expect(rowsVia(ranged.rows, 'ingress')).toEqual([expect.objectContaining({ workload: 'shop/api-0[Pod]', ports: 'TCP 9090', sources: ['203.0.113.0/24'], detail: expect.stringContaining('from edge/nginx-0[Pod]') })]);
    // The LoadBalancer's node ports take every client: source ranges filter the load-balancer address only.
    const withNodePort = report(yaml + NGINX({ sourceRanges: ['203.0.113.0/24'], policy: 'Local', nodePort: true }), { controllers: NGINX_SETTING });
    expect(rowsVia(withNodePort.rows, 'ingress')[0]!.sources).toEqual(['any']);
    // Local keeps the client address: the controller pods' ipBlock judges the client.
    const local = report(yaml + NGINX({ policy: 'Local' }) + ONLY_FROM_BLOCK('edge', 'nginx', '203.0.113.0/24'), { controllers: NGINX_SETTING });
    expect(rowsVia(local.rows, 'ingress')[0]!.sources).toEqual(['203.0.113.0/24']);
    // Cluster: policies see the node address 192.168.0.1, which the ipBlock does not admit.
    const snat = report(yaml + NGINX({ policy: 'Cluster' }) + ONLY_FROM_BLOCK('edge', 'nginx', '203.0.113.0/24'), { controllers: NGINX_SETTING });
    expect(rowsVia(snat.rows, 'ingress')).toEqual([]);
    const nodesAdmitted = report(yaml + NGINX({ policy: 'Cluster', sourceRanges: ['203.0.113.0/24'] }) + ONLY_FROM_BLOCK('edge', 'nginx', '192.168.0.0/24'), { controllers: NGINX_SETTING });
    expect(rowsVia(nodesAdmitted.rows, 'ingress')[0]!.sources).toEqual(['203.0.113.0/24']);
    // No Service in front of the controller: the client is not checked.
    const bare = report(yaml + pod('edge', 'nginx-0', { app: 'nginx' }, '10.244.1.40', 'n1', []), { controllers: NGINX_SETTING });
    expect(rowsVia(bare.rows, 'ingress')[0]!.sources).toEqual(['any']);
  });
});

describe('exposure through Gateways', () => {
  it('lists HTTPRoute backends of attached routes with resolved refs and weight, with gateway, listener, route, host and path', () => {
    const { rows } = report(BASE + GATEWAY);
    expect(rowsVia(rows, 'gateway')).toEqual([
      {
        workload: 'shop/api-0[Pod]',
        via: 'gateway',
        detail: 'HTTPRoute shop/split on Gateway shop/gw listener http host shop.example.com path /api (PathPrefix) → service shop/api:80 (from shop/gw-proxy-0[Pod], controller example.com/gateway)',
        ports: 'TCP 9090',
        sources: ['any'],
        routes: [{ kind: 'HTTPRoute', name: 'shop/split', gateway: 'shop/gw', listener: 'http', host: 'shop.example.com', path: '/api', pathType: 'PathPrefix', service: 'shop/api', port: 80 }],
      },
    ]);
    // Without the routing view there are no Gateway rows.
    expect(rowsVia(report(BASE + GATEWAY, { routing: false }).rows, 'gateway')).toEqual([]);
  });

  it("judges the backends from the Gateway's proxy pods and the clients at the proxy's Service", () => {
    const onlyOther = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api-only-other, namespace: shop }
spec: { podSelector: { matchLabels: { app: api } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: other } } }] }] }
---
`;
    expect(rowsVia(report(BASE + GATEWAY + onlyOther).rows, 'gateway')).toEqual([]);
    const proxyService = `apiVersion: v1
kind: Service
metadata: { name: gw-proxy, namespace: shop }
spec:
  type: LoadBalancer
  selector: { app: gw-proxy }
  externalTrafficPolicy: Local
  loadBalancerSourceRanges: [198.51.100.0/24]
  ports: [{ name: http, port: 80, targetPort: 10080 }]
status: { loadBalancer: { ingress: [{ ip: 198.51.100.10 }] } }
---
`;
    expect(rowsVia(report(BASE + GATEWAY + proxyService).rows, 'gateway')[0]!.sources).toEqual(['198.51.100.0/24']);
  });
});

describe('Services exposed outside under externalTrafficPolicy', () => {
  const nodePort = (policy: 'Cluster' | 'Local') => `apiVersion: v1
kind: Service
metadata: { name: web-np, namespace: shop }
spec:
  type: NodePort
  externalTrafficPolicy: ${policy}
  selector: { app: web }
  ports: [{ name: http, port: 80, targetPort: 8080, nodePort: 30081 }]
---
`;

  it('Local: the client address reaches the pods, so their ipBlocks judge the client range', () => {
    const { rows } = report(BASE + nodePort('Local') + ONLY_FROM_BLOCK('shop', 'web', '203.0.113.0/24'));
    expect(rowsVia(rows, 'nodePort')).toEqual([expect.objectContaining({ workload: 'shop/web-0[Pod]', ports: 'TCP 8080', sources: ['203.0.113.0/24'] })]);
  });

  it('Cluster: kube-proxy SNATs to a node address, so the ipBlocks judge the nodes, not the client', () => {
    expect(rowsVia(report(BASE + nodePort('Cluster') + ONLY_FROM_BLOCK('shop', 'web', '203.0.113.0/24')).rows, 'nodePort')).toEqual([]);
    const admitted = report(BASE + nodePort('Cluster') + ONLY_FROM_BLOCK('shop', 'web', '192.168.0.0/24'));
    expect(rowsVia(admitted.rows, 'nodePort')).toEqual([
      expect.objectContaining({ workload: 'shop/web-0[Pod]', ports: 'TCP 8080', sources: ['any'], detail: expect.stringContaining('externalTrafficPolicy Cluster: policies see node addresses 192.168.0.1') }),
    ]);
  });
});
