import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, uniqueClusterName, type ApiUnderTest } from './support/api-under-test';
import { startWorker } from './support/worker-under-test';

const BASE = `
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: { name: nginx, annotations: { ingressclass.kubernetes.io/is-default-class: "true" } }
spec: { controller: k8s.io/ingress-nginx }
---
apiVersion: v1
kind: Pod
metadata: { name: web-1, namespace: shop, labels: { app: web } }
spec: { containers: [{ name: c, image: x, ports: [{ name: http, containerPort: 8080 }] }] }
status: { podIP: 10.244.1.5, conditions: [{ type: Ready, status: "True" }] }
---
apiVersion: v1
kind: Pod
metadata: { name: api-1, namespace: shop, labels: { app: api } }
spec: { containers: [{ name: c, image: x, ports: [{ containerPort: 9090 }] }] }
status: { podIP: 10.244.1.6, conditions: [{ type: Ready, status: "True" }] }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { selector: { app: web }, ports: [{ name: http, port: 80, targetPort: http }] }
---
apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec: { selector: { app: api }, ports: [{ name: http, port: 80, targetPort: 9090 }] }
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: shop-a, namespace: shop }
spec:
  tls: [{ hosts: [shop.example.com], secretName: shop-tls }]
  rules:
    - host: shop.example.com
      http:
        paths:
          - { path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }
          - { path: /api, pathType: Prefix, backend: { service: { name: api, port: { name: http } } } }
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: gc }
spec: { controllerName: example.com/gateway }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: gw, namespace: shop }
spec:
  gatewayClassName: gc
  listeners: [{ name: http, port: 80, protocol: HTTP, hostname: "*.example.com", allowedRoutes: { namespaces: { from: Same } } }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: split, namespace: shop }
spec:
  parentRefs: [{ name: gw }]
  hostnames: [shop.example.com]
  rules:
    - matches: [{ path: { type: PathPrefix, value: /api } }]
      backendRefs: [{ name: api, port: 80, weight: 3 }, { name: web, port: 80, weight: 1 }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: stranger, namespace: other }
spec:
  parentRefs: [{ name: gw, namespace: shop }]
  rules: [{ backendRefs: [{ name: web, port: 80 }] }]
`;

const LATER = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: shop-b, namespace: shop }
spec:
  rules:
    - host: shop.example.com
      http: { paths: [{ path: /api, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] }
`;

describe('north-south: Ingress and Gateway API routing', () => {
  let api: ApiUnderTest;
  let worker: INestApplicationContext;
  let cluster: string;
  const get = (path: string, query: Record<string, string | string[]> = {}) => api.http.get(`/api/v1/clusters/${cluster}${path}`).query({ consistent: 'true', ...query });

  beforeAll(async () => {
    api = await startApi();
    worker = await startWorker();
    cluster = uniqueClusterName('ns');
    await api.http.post('/api/v1/clusters').send({ name: cluster }).expect(201);
    await api.http.post(`/api/v1/clusters/${cluster}/apply`).set('Content-Type', 'application/yaml').send(BASE).expect(200);
    // Applied later, so it is the younger of two Ingresses claiming shop.example.com/api.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await api.http.post(`/api/v1/clusters/${cluster}/apply`).set('Content-Type', 'application/yaml').send(LATER).expect(200);
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  it('builds the routing table of the default class, reporting the conflict the oldest Ingress wins', async () => {
    const res = await get('/ingress/routes').expect(200);
    const [table] = res.body.classes;
    expect(table).toMatchObject({ class: 'nginx', isDefault: true });
    expect(table.conflicts).toEqual([expect.objectContaining({ winner: 'shop/shop-a', loser: 'shop/shop-b', host: 'shop.example.com', path: '/api' })]);
  });

  it('matches a URL: the winner, its backend and endpoints, and why the others lost', async () => {
    const res = await get('/ingress/match', { url: 'https://shop.example.com/api/v1' }).expect(200);
    expect(res.body).toMatchObject({ matched: true, ingress: 'shop/shop-a', tls: true, backend: { service: 'api', port: 'http' } });
    expect(res.body.endpoints).toEqual([expect.objectContaining({ ip: '10.244.1.6', port: 9090 })]);
    const lost = res.body.candidates.map((c: { ingress: string; path: string; lost: string }) => `${c.ingress} ${c.path}`);
    expect(lost).toEqual(expect.arrayContaining(['shop/shop-a /', 'shop/shop-b /api']));
    const root = await get('/ingress/match', { url: 'http://shop.example.com/apix' }).expect(200);
    expect(root.body).toMatchObject({ matched: true, rule: { path: '/' }, backend: { service: 'web' } });
    const none = await get('/ingress/match', { url: 'http://other.example.com/' }).expect(200);
    expect(none.body.matched).toBe(false);
    expect(none.body.reason).toMatch(/404/);
    await get('/ingress/match', { url: 'not a url' }).expect(422);
  });

  it('attaches routes as a Gateway controller would, with status conditions, and splits by weight', async () => {
    const routes = await get('/gateway/routes').expect(200);
    const condition = (route: string, type: string) =>
      routes.body.routes.find((r: { namespace: string; name: string }) => `${r.namespace}/${r.name}` === route).parents[0].conditions.find((c: { type: string }) => c.type === type);
    expect(condition('shop/split', 'Accepted')).toMatchObject({ status: 'True' });
    expect(condition('other/stranger', 'Accepted')).toMatchObject({ status: 'False', reason: 'NotAllowedByListeners' });
    const match = await get('/gateway/match', { url: 'http://shop.example.com/api/items' }).expect(200);
    expect(match.body.matched).toBe(true);
    expect(match.body.backends.map((b: { service: string; share: number }) => [b.service, b.share])).toEqual([
      ['api', 0.75],
      ['web', 0.25],
    ]);
  });

  it('reports what the outside world reaches, and the ingress-controller connections', async () => {
    const exposure = await get('/exposure').expect(200);
    const viaIngress = exposure.body.rows.filter((r: { via: string }) => r.via === 'ingress').map((r: { workload: string }) => r.workload);
    expect(viaIngress).toEqual(expect.arrayContaining(['shop/web-1[Pod]', 'shop/api-1[Pod]']));
    const txt = await get('/exposure', { format: 'txt' }).expect(200);
    expect(txt.text).toMatch(/Exposure Analysis Result/);
    const connections = await get('/connections').expect(200);
    expect(connections.text).toContain('{ingress-controller} => shop/api-1[Pod] : TCP 9090');
  });

  it('answers "can this client reach https://host/path" through the ingress controller to each endpoint', async () => {
    const res = await get('/reachability', { from: '203.0.113.5', to: 'https://shop.example.com/api/v1' }).expect(200);
    expect(res.body).toMatchObject({ allowed: 'all', path: { ingress: 'shop/shop-a', backend: { service: 'api' } } });
    expect(res.body.endpoints).toEqual([expect.objectContaining({ pod: 'shop/api-1', port: 9090, allowed: true, via: '{ingress-controller}' })]);
    // A default-deny on the backends closes the path.
    await api.http
      .post(`/api/v1/clusters/${cluster}/apply`)
      .set('Content-Type', 'application/yaml')
      .send('apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: deny, namespace: shop }\nspec: { podSelector: {}, policyTypes: [Ingress] }\n')
      .expect(200);
    const denied = await get('/reachability', { from: '203.0.113.5', to: 'https://shop.example.com/api/v1' }).expect(200);
    expect(denied.body.allowed).toBe('none');
    // The controller as a workload of the cluster: its pods are the source policies judge.
    await api.http
      .post(`/api/v1/clusters/${cluster}/apply`)
      .set('Content-Type', 'application/yaml')
      .send('apiVersion: v1\nkind: Pod\nmetadata: { name: proxy, namespace: edge }\nspec: { containers: [{ name: c, image: x }] }\n')
      .expect(200);
    await api.http
      .patch(`/api/v1/clusters/${cluster}`)
      .send({ ingressControllers: [{ controller: 'k8s.io/ingress-nginx', workload: { kind: 'Pod', namespace: 'edge', name: 'proxy' } }] })
      .expect(200);
    const viaProxy = await get('/reachability', { from: '203.0.113.5', to: 'https://shop.example.com/api/v1' }).expect(200);
    expect(viaProxy.body.endpoints[0]).toMatchObject({ via: 'edge/proxy[Pod]', allowed: false });
    await api.http.patch(`/api/v1/clusters/${cluster}`).send({ ingressControllers: [{ controller: 'x', workload: { kind: 'Service', namespace: 'a', name: 'b' } }] }).expect(422);
    const nowhere = await get('/reachability', { from: '203.0.113.5', to: 'http://unknown.example.org/' }).expect(200);
    expect(nowhere.body).toMatchObject({ allowed: 'none', reason: expect.stringMatching(/404/) });
  });

  it('offers the same over GraphQL', async () => {
    const res = await api.http
      .post('/graphql')
      .send({ query: `query($c: String!) { cluster(name: $c) { ingressMatch(url: "https://shop.example.com/api") gatewayMatch(url: "http://shop.example.com/api") } }`, variables: { c: cluster } })
      .expect(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.cluster.ingressMatch).toMatchObject({ matched: true, ingress: 'shop/shop-a' });
    expect(res.body.data.cluster.gatewayMatch).toMatchObject({ matched: true });
  });
});
