import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyYaml, createCluster, startApi, type ApiUnderTest } from './support/api-under-test';
import { defaultDenyIngress, readyPod } from './support/manifests';
import { startWorker } from './support/worker-under-test';

const BASE = `
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: { name: nginx, annotations: { ingressclass.kubernetes.io/is-default-class: "true" } }
spec: { controller: k8s.io/ingress-nginx }
---
${readyPod('web-1', '10.244.1.5', 'app: web', '{ name: http, containerPort: 8080 }')}---
${readyPod('api-1', '10.244.1.6', 'app: api', '{ containerPort: 9090 }')}---
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

/** Two younger claims of shop.example.com/api: the same Prefix, and the same prefix spelt /api/ as ImplementationSpecific. */
const LATER = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: shop-b, namespace: shop }
spec:
  rules:
    - host: shop.example.com
      http: { paths: [{ path: /api, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] }
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: shop-c, namespace: shop }
spec:
  rules:
    - host: shop.example.com
      http: { paths: [{ path: /api/, pathType: ImplementationSpecific, backend: { service: { name: web, port: { number: 80 } } } }] }
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: ghost, namespace: shop }
spec:
  ingressClassName: haproxy
  rules:
    - host: ghost.example.com
      http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] }
`;

// One API and one worker for the file; each part below has a cluster of its own.
let api: ApiUnderTest;
let worker: INestApplicationContext;
beforeAll(async () => {
  api = await startApi();
  worker = await startWorker();
});
afterAll(async () => {
  await worker.close();
  await api.close();
});

describe('north-south: Ingress and Gateway API routing', () => {
  let cluster: string;
  const get = (path: string, query: Record<string, string | string[]> = {}) => api.http.get(`/api/v1/clusters/${cluster}${path}`).query({ consistent: 'true', ...query });

  beforeAll(async () => {
    cluster = await createCluster(api, 'ns', BASE);
    // Applied later, so it is the younger of two Ingresses claiming shop.example.com/api.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await applyYaml(api, cluster, LATER).expect(200);
  });

  it('builds the routing table of the default class, reporting the conflicts the oldest Ingress wins', async () => {
    const res = await get('/ingress/routes').expect(200);
    const table = res.body.classes.find((t: { class: string }) => t.class === 'nginx');
    expect(table).toMatchObject({ class: 'nginx', isDefault: true });
    expect(table.conflicts).toEqual([
      expect.objectContaining({ winner: 'shop/shop-a', loser: 'shop/shop-b', host: 'shop.example.com', path: '/api', pathType: 'Prefix' }),
      // A trailing slash and ImplementationSpecific (matched as Prefix) make no other claim.
      expect.objectContaining({ winner: 'shop/shop-a', loser: 'shop/shop-c', host: 'shop.example.com', path: '/api/', pathType: 'ImplementationSpecific', winnerPath: '/api', winnerPathType: 'Prefix' }),
    ]);
    // An Ingress of a class that does not exist is unattached.
    expect(res.body.classes.find((t: { class: string }) => t.class === 'haproxy')).toMatchObject({ exists: false, ingresses: [expect.objectContaining({ ingress: 'shop/ghost', attached: false })] });
  });

  it('matches a URL: the winner, its backend and endpoints, and why the others lost', async () => {
    const res = await get('/ingress/match', { url: 'https://shop.example.com/api/v1' }).expect(200);
    expect(res.body).toMatchObject({ matched: true, ingress: 'shop/shop-a', tls: true, backend: { service: 'api', port: 'http' } });
    expect(res.body.endpoints).toEqual([expect.objectContaining({ ip: '10.244.1.6', port: 9090 })]);
    const lost = res.body.candidates.map((c: { ingress: string; path: string; lost: string }) => `${c.ingress} ${c.path}`);
    expect(lost).toEqual(expect.arrayContaining(['shop/shop-a /', 'shop/shop-b /api', 'shop/shop-c /api/']));
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
    const status = (conditions: Array<{ type: string; status: string; reason: string }>) => Object.fromEntries(conditions.map((c) => [c.type, `${c.status} ${c.reason}`]));
    expect(routes.body.gatewayClasses.map((c: { name: string; conditions: [] }) => [c.name, status(c.conditions)])).toEqual([['gc', { Accepted: 'True Accepted' }]]);
    const [gw] = routes.body.gateways;
    expect(status(gw.conditions)).toEqual({ Accepted: 'True Accepted', Programmed: 'True Programmed' });
    expect(gw.listeners.map((l: { name: string; supportedKinds: unknown; attachedRoutes: number; conditions: [] }) => [l.name, l.supportedKinds, l.attachedRoutes, status(l.conditions)])).toEqual([
      ['http', [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }], 1, { Accepted: 'True Accepted', Conflicted: 'False NoConflicts', ResolvedRefs: 'True ResolvedRefs', Programmed: 'True Programmed' }],
    ]);
    const match = await get('/gateway/match', { url: 'http://shop.example.com/api/items' }).expect(200);
    expect(match.body.matched).toBe(true);
    expect(match.body.backends.map((b: { service: string; share: number }) => [b.service, b.share])).toEqual([
      ['api', 0.75],
      ['web', 0.25],
    ]);
  });

  it('reports what the outside world reaches, and the ingress-controller connections', async () => {
    const exposure = await get('/exposure').expect(200);
    type Row = { workload: string; via: string; detail: string; ports: string; sources: string[]; routes?: Array<Record<string, unknown>> };
    const rows: Row[] = exposure.body.rows;
    const viaIngress = rows.filter((r) => r.via === 'ingress');
    expect(viaIngress.map((r) => r.workload).sort()).toEqual(['shop/api-1[Pod]', 'shop/web-1[Pod]']);
    // Only routes that serve traffic: not the paths lost to shop-a, nor the Ingress no class serves.
    const ingresses = viaIngress.flatMap((r) => r.routes ?? []).map((r) => `${r.name} ${r.path}`);
    expect(ingresses.sort()).toEqual(['shop/shop-a /', 'shop/shop-a /api']);
    expect(rows.some((r) => /shop-b|shop-c|ghost/.test(r.detail))).toBe(false);
    // HTTPRoute shop/split through Gateway shop/gw (3:1 to api and web); other/stranger is not attached.
    const viaGateway = rows.filter((r) => r.via === 'gateway');
    expect(viaGateway.map((r) => [r.workload, r.ports, r.sources])).toEqual([
      ['shop/api-1[Pod]', 'TCP 9090', ['any']],
      ['shop/web-1[Pod]', 'TCP 8080', ['any']],
    ]);
    expect(viaGateway[0]!.routes).toEqual([{ kind: 'HTTPRoute', name: 'shop/split', gateway: 'shop/gw', listener: 'http', host: 'shop.example.com', path: '/api', pathType: 'PathPrefix', service: 'shop/api', port: 80 }]);
    expect(rows.some((r) => r.detail.includes('other/stranger'))).toBe(false);
    const txt = await get('/exposure', { format: 'txt' }).expect(200);
    expect(txt.text).toMatch(/Exposure Analysis Result/);
    const connections = await get('/connections').expect(200);
    expect(connections.text).toContain('{ingress-controller} => shop/api-1[Pod] : TCP 9090');
    const bad = await get('/exposure', { format: 'yaml' }).expect(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'format', reason: 'FieldValueNotSupported' })]);
  });

  it('answers "can this client reach https://host/path" through the ingress controller to each endpoint', async () => {
    const res = await get('/reachability', { from: '203.0.113.5', to: 'https://shop.example.com/api/v1' }).expect(200);
    expect(res.body).toMatchObject({ allowed: 'all', path: { ingress: 'shop/shop-a', backend: { service: 'api' } } });
    expect(res.body.endpoints).toEqual([expect.objectContaining({ pod: 'shop/api-1', port: 9090, allowed: true, via: '{ingress-controller}' })]);
    // A default-deny on the backends closes the path.
    await applyYaml(api, cluster, defaultDenyIngress('deny')).expect(200);
    const denied = await get('/reachability', { from: '203.0.113.5', to: 'https://shop.example.com/api/v1' }).expect(200);
    expect(denied.body.allowed).toBe('none');
    // The controller as a workload of the cluster: its pods are the source policies judge.
    await applyYaml(api, cluster, 'apiVersion: v1\nkind: Pod\nmetadata: { name: proxy, namespace: edge }\nspec: { containers: [{ name: c, image: x }] }\n').expect(200);
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

  it('offers routing tables and exposure over GraphQL, as REST answers them', async () => {
    const query = `query($c: String!) { cluster(name: $c) {
      ingressRoutes(consistent: true) nginx: ingressRoutes(class: "nginx") gatewayRoutes(consistent: true)
      exposure(consistent: true) txt: exposure(format: "txt")
    } }`;
    const res = await api.http.post('/graphql').send({ query, variables: { c: cluster } }).expect(200);
    expect(res.body.errors).toBeUndefined();
    const { ingressRoutes, nginx, gatewayRoutes, exposure, txt } = res.body.data.cluster;
    const [restIngress, restGateway, restExposure, restTxt] = await Promise.all([get('/ingress/routes'), get('/gateway/routes'), get('/exposure'), get('/exposure', { format: 'txt' })]);
    expect(ingressRoutes).toEqual(restIngress.body);
    expect(nginx.classes.map((t: { class: string }) => t.class)).toEqual(['nginx']);
    expect(nginx.classes[0].conflicts.map((c: { loser: string }) => c.loser)).toEqual(['shop/shop-b', 'shop/shop-c']);
    expect(gatewayRoutes).toEqual(restGateway.body);
    expect(gatewayRoutes.routes.map((r: { namespace: string; name: string }) => `${r.namespace}/${r.name}`).sort()).toEqual(['other/stranger', 'shop/split']);
    expect(exposure).toEqual({ ...restExposure.body, format: 'json' });
    expect(exposure.rows.length).toBeGreaterThan(0);
    expect(txt).toMatchObject({ format: 'txt', revision: restExposure.body.revision });
    expect(txt.text).toBe(restTxt.text);
    expect(txt.text).toMatch(/Exposure Analysis Result/);

    const bad = await api.http.post('/graphql').send({ query: `query($c: String!) { cluster(name: $c) { exposure(format: "yaml") } }`, variables: { c: cluster } }).expect(200);
    expect(bad.body.errors?.[0]?.extensions).toMatchObject({ errors: [expect.objectContaining({ path: 'format', reason: 'FieldValueNotSupported' })] });
    const unknownClass = await api.http.post('/graphql').send({ query: `query($c: String!) { cluster(name: $c) { ingressRoutes(class: "nope") } }`, variables: { c: cluster } }).expect(200);
    expect(unknownClass.body.errors?.[0]?.extensions).toMatchObject({ errors: [expect.objectContaining({ path: 'class', reason: 'NotFound' })] });
  });
});

/**
 * BASE plus the Gateway's data plane: the pod labelled with its name (GEP-1762), behind a
 * LoadBalancer that admits 203.0.113.0/24 only. HTTPRoute shop/split sends /api 3:1 to api and
 * web; Ingress shop-a serves the same URL, so it has two entries.
 */
const GATEWAY_URL = `${BASE}---
apiVersion: v1
kind: Pod
metadata: { name: gw-proxy, namespace: shop, labels: { app: gw-proxy, gateway.networking.k8s.io/gateway-name: gw } }
spec: { containers: [{ name: envoy, image: x, ports: [{ containerPort: 10080 }] }] }
status: { podIP: 10.244.1.30, conditions: [{ type: Ready, status: "True" }] }
---
apiVersion: v1
kind: Service
metadata: { name: gw-proxy, namespace: shop }
spec:
  type: LoadBalancer
  allocateLoadBalancerNodePorts: false
  selector: { app: gw-proxy }
  ports: [{ name: http, port: 80, targetPort: 10080 }]
  loadBalancerSourceRanges: [203.0.113.0/24]
status: { loadBalancer: { ingress: [{ ip: 198.51.100.10 }] } }
`;

/** Backends of app=<target> admit only pods labelled app=other (never the gateway proxy). */
const onlyFromOther = (target: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: only-${target}, namespace: shop }\nspec: { podSelector: { matchLabels: { app: ${target} } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: other } } }] }] }\n`;

describe('north-south: "can this client reach the URL" through a Gateway', () => {
  let cluster: string;
  const get = (path: string, query: Record<string, string> = {}) => api.http.get(`/api/v1/clusters/${cluster}${path}`).query({ consistent: 'true', ...query });
  const apply = (yaml: string) => applyYaml(api, cluster, yaml).expect(200);
  const URL = 'http://shop.example.com/api/items';
  const graphql = (from: string, via: string) =>
    api.http
      .post('/graphql')
      .send({
        query: `query($c: String!, $from: String!, $to: String!, $via: String) { cluster(name: $c) { reachability(from: $from, to: $to, via: $via, consistent: true) {
          ... on UrlReachability { via allowed allowedShare reason path steps { step allowed text } endpoints { backend pod share allowed via reason } alternatives { via } }
        } } }`,
        variables: { c: cluster, from, to: URL, via },
      })
      .expect(200);

  beforeAll(async () => {
    cluster = await createCluster(api, 'gwurl', GATEWAY_URL);
  });

  it('follows the Gateway listener and HTTPRoute rule to the weighted backends, judged from the gateway proxy pod', async () => {
    const res = await get('/reachability', { from: '203.0.113.5', to: URL, via: 'gateway' }).expect(200);
    expect(res.body).toMatchObject({
      via: 'gateway',
      allowed: 'all',
      allowedShare: 1,
      path: { gateway: 'shop/gw', listener: 'http', route: 'shop/split', rule: 0, controller: { workload: 'shop/gw-proxy[Pod]' }, entry: { service: { name: 'gw-proxy' }, loadBalancerSourceRanges: ['203.0.113.0/24'], allowed: 'all' } },
    });
    expect(res.body.path.backends.map((b: { service: string; share: number }) => [b.service, b.share])).toEqual([
      ['api', 0.75],
      ['web', 0.25],
    ]);
    expect(res.body.endpoints.map((e: { pod: string; port: number; share: number; allowed: boolean; via: string }) => [e.pod, e.port, e.share, e.allowed, e.via])).toEqual([
      ['shop/api-1', 9090, 0.75, true, 'shop/gw-proxy[Pod]'],
      ['shop/web-1', 8080, 0.25, true, 'shop/gw-proxy[Pod]'],
    ]);
    expect(res.body.steps.map((s: { step: string }) => s.step)).toEqual(['entry', 'route', 'backends']);
  });

  it('answers for the Ingress first and the Gateway in alternatives when both serve the URL', async () => {
    const res = await get('/reachability', { from: '203.0.113.5', to: URL }).expect(200);
    expect(res.body).toMatchObject({ via: 'ingress', path: { ingress: 'shop/shop-a' }, revision: expect.any(Number) });
    expect(res.body.alternatives).toEqual([expect.objectContaining({ via: 'gateway', from: 'external 203.0.113.5', revision: res.body.revision })]);
    const ingressOnly = await get('/reachability', { from: '203.0.113.5', to: URL, via: 'ingress' }).expect(200);
    expect(ingressOnly.body.alternatives).toBeUndefined();
  });

  it('denies a client outside the loadBalancerSourceRanges of the proxy Service, and allows one inside', async () => {
    const outside = await get('/reachability', { from: '192.0.2.7', to: URL, via: 'gateway' }).expect(200);
    expect(outside.body).toMatchObject({ allowed: 'none', allowedShare: 0, reason: expect.stringMatching(/outside the loadBalancerSourceRanges of service shop\/gw-proxy/) });
    expect(outside.body.steps[0]).toMatchObject({ step: 'entry', allowed: 'none' });
    const inside = await get('/reachability', { from: '203.0.113.200', to: URL, via: 'gateway' }).expect(200);
    expect(inside.body.allowed).toBe('all');
  });

  it("lists the Gateway's backends as exposed to the clients its proxy Service admits", async () => {
    const res = await get('/exposure').expect(200);
    const viaGateway = res.body.rows.filter((r: { via: string }) => r.via === 'gateway');
    expect(viaGateway.map((r: { workload: string; sources: string[] }) => [r.workload, r.sources])).toEqual([
      ['shop/api-1[Pod]', ['203.0.113.0/24']],
      ['shop/web-1[Pod]', ['203.0.113.0/24']],
    ]);
    expect(viaGateway[0].detail).toMatch(/from shop\/gw-proxy\[Pod\], controller example.com\/gateway/);
  });

  it('gives some when a policy blocks the proxy from one backend, none when from both; the same over GraphQL', async () => {
    await apply(onlyFromOther('web'));
    const some = await get('/reachability', { from: '203.0.113.5', to: URL, via: 'gateway' }).expect(200);
    expect(some.body).toMatchObject({ allowed: 'some', allowedShare: 0.75 });
    expect(some.body.endpoints.find((e: { pod: string }) => e.pod === 'shop/web-1')).toMatchObject({ allowed: false, reason: expect.stringMatching(/denied by policy from shop\/gw-proxy/) });

    const gql = await graphql('203.0.113.5', 'gateway');
    expect(gql.body.errors).toBeUndefined();
    const answer = gql.body.data.cluster.reachability;
    expect(answer).toMatchObject({ via: 'gateway', allowed: 'some', allowedShare: 0.75, path: { route: 'shop/split' }, alternatives: null });
    expect(answer.steps.map((s: { step: string }) => s.step)).toEqual(['entry', 'route', 'backends']);
    expect(answer.endpoints.map((e: { backend: string; share: number; allowed: boolean }) => [e.backend, e.share, e.allowed])).toEqual([
      ['shop/api:80', 0.75, true],
      ['shop/web:80', 0.25, false],
    ]);
    const denied = await graphql('192.0.2.7', 'gateway');
    expect(denied.body.data.cluster.reachability).toMatchObject({ allowed: 'none', reason: expect.stringMatching(/loadBalancerSourceRanges/) });

    await apply(onlyFromOther('api'));
    const none = await get('/reachability', { from: '203.0.113.5', to: URL, via: 'gateway' }).expect(200);
    expect(none.body).toMatchObject({ allowed: 'none', allowedShare: 0 });
    const both = await graphql('203.0.113.5', null as unknown as string);
    expect(both.body.data.cluster.reachability).toMatchObject({ via: 'ingress', alternatives: [{ via: 'gateway' }] });
  });

  it('rejects bad URL options with the field and reason', async () => {
    const bad = await get('/reachability', { from: '203.0.113.5', to: URL, via: 'mesh' }).expect(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'via', reason: 'FieldValueNotSupported' })]);
    const misplaced = await get('/reachability', { from: '203.0.113.5', to: 'svc/shop/api', via: 'gateway' }).expect(422);
    expect(misplaced.body.errors).toEqual([expect.objectContaining({ path: 'via', reason: 'FieldValueInvalid' })]);
    const unknownGateway = await get('/reachability', { from: '203.0.113.5', to: URL, via: 'gateway', gateway: 'shop/nope' }).expect(404);
    expect(unknownGateway.body.errors).toEqual([expect.objectContaining({ path: 'gateway', reason: 'NotFound' })]);
  });
});
