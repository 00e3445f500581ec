import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors/domain-error';
import { policyModelOf } from '../policy/cluster-policy-model';
import { node, objectsFromYaml, pod, SMALL_SETTINGS } from '../services/small-cluster.fixture';
import { computeClusterModel } from '../workloads/cluster-model';
import { GATEWAY_NAME_LABEL } from './gateway-data-plane';
import { placeholderSource, type IngressControllerSetting } from './ingress-controller';
import { GATEWAY_PROXY_POD, NGINX_CLASS, northSouthOf, SHOP_GATEWAY, SHOP_SERVICES } from './shop.fixture';
import { judgeBackends, reachUrl, type ReachUrlInput } from './url-reachability';

/**
 * shop/api (2 pods) and shop/web (1 pod) behind HTTPRoute shop/split (weights 3:1) on Gateway
 * shop/gw (listener http, port 80, *.example.com); an Ingress for shop.example.com/ in class
 * nginx (k8s.io/ingress-nginx) to web.
 */
const BASE =
  node('n1', '192.168.0.1', '10.244.1.0/24') +
  pod('shop', 'api-0', { app: 'api' }, '10.244.1.10', 'n1', [{ name: 'http', port: 9090 }]) +
  pod('shop', 'api-1', { app: 'api' }, '10.244.1.11', 'n1', [{ name: 'http', port: 9090 }]) +
  pod('shop', 'web-0', { app: 'web' }, '10.244.1.20', 'n1', [{ name: 'http', port: 8080 }]) +
  SHOP_SERVICES +
  SHOP_GATEWAY +
  `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: split, namespace: shop }
spec:
  parentRefs: [{ name: gw }]
  hostnames: [shop.example.com]
  rules:
    - matches: [{ path: { type: PathPrefix, value: /api } }]
      backendRefs: [{ name: api, port: 80, weight: 3 }, { name: web, port: 80, weight: 1 }]
---
`;

const INGRESS =
  NGINX_CLASS +
  `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: shop, namespace: shop }
spec:
  rules:
    - host: shop.example.com
      http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] }
---
`;

/** The Gateway's own proxy, labelled as GEP-1762 implementations label it, behind a LoadBalancer. */
const PROXY = (lb: { sourceRanges?: string[]; policy?: 'Local' | 'Cluster' } = {}) =>
  GATEWAY_PROXY_POD +
  `apiVersion: v1
kind: Service
metadata: { name: gw-proxy, namespace: shop }
spec:
  type: LoadBalancer
  selector: { app: gw-proxy }
  ports: [{ name: http, port: 80, targetPort: 10080, nodePort: 31080 }]
${lb.sourceRanges ? `  loadBalancerSourceRanges: ${JSON.stringify(lb.sourceRanges)}\n` : ''}${lb.policy ? `  externalTrafficPolicy: ${lb.policy}\n` : ''}status: { loadBalancer: { ingress: [{ ip: 198.51.100.10 }] } }
---
`;

/** Backends admit only the given pod labels (namespace shop). */
const ONLY_FROM = (target: string, from: Record<string, string>) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: only-${target}, namespace: shop }
spec:
  podSelector: { matchLabels: { app: ${target} } }
  ingress: [{ from: [{ podSelector: { matchLabels: ${JSON.stringify(from)} } }] }]
---
`;

function ask(yaml: string, question: Partial<ReachUrlInput> & { url: string }, controllers?: IngressControllerSetting[]) {
  const objects = objectsFromYaml(yaml);
  const cluster = computeClusterModel(objects, SMALL_SETTINGS);
  return reachUrl({
    policy: policyModelOf(cluster, SMALL_SETTINGS),
    cluster,
    northSouth: northSouthOf(objects, cluster),
    ...(controllers ? { ingressControllers: controllers } : {}),
    clusterDomain: 'cluster.local',
    from: { ip: '203.0.113.5' },
    ...question,
  });
}

describe('reachUrl through a Gateway', () => {
  it('names the Gateway, listener, HTTPRoute and rule, and splits requests by weight over the endpoints', () => {
    const answer = ask(BASE, { url: 'http://shop.example.com/api/items' });
    expect(answer).toMatchObject({ via: 'gateway', allowed: 'all', allowedShare: 1 });
    expect(answer.path).toMatchObject({ gateway: 'shop/gw', gatewayClass: 'gc', listener: 'http', route: 'shop/split', rule: 0, hostname: 'shop.example.com', tls: false });
    expect(answer.path.backends!.map((b) => [b.service, b.weight, b.share])).toEqual([
      ['api', 3, 0.75],
      ['web', 1, 0.25],
    ]);
    expect(answer.endpoints.map((e) => [e.pod, e.port, e.share, e.via])).toEqual([
      ['shop/api-0', 9090, 0.375, '{ingress-controller}'],
      ['shop/api-1', 9090, 0.375, '{ingress-controller}'],
      ['shop/web-0', 8080, 0.25, '{ingress-controller}'],
    ]);
    expect(answer.steps.map((s) => s.step)).toEqual(['entry', 'route', 'backends']);
    expect(answer.steps[1]!.text).toContain('HTTPRoute shop/split rule 0');
  });

  it('judges the Gateway proxy pods (labelled with its name): one backend blocked gives some, both none', () => {
    const some = ask(BASE + PROXY() + ONLY_FROM('web', { app: 'other' }), { url: 'http://shop.example.com/api' });
    expect(some).toMatchObject({ allowed: 'some', allowedShare: 0.75, path: { controller: { workload: 'shop/gw-proxy-0[Pod]', pods: ['shop/gw-proxy-0'] } } });
    const web = some.endpoints.find((e) => e.pod === 'shop/web-0')!;
    expect(web).toMatchObject({ allowed: false, policyAllowed: false, via: 'shop/gw-proxy-0[Pod]', explanation: { from: 'shop/gw-proxy-0' } });
    expect(web.reason).toMatch(/denied by policy/);
    const none = ask(BASE + PROXY() + ONLY_FROM('web', { app: 'other' }) + ONLY_FROM('api', { app: 'other' }), { url: 'http://shop.example.com/api' });
    expect(none).toMatchObject({ allowed: 'none', allowedShare: 0 });
    const admitted = ask(BASE + PROXY() + ONLY_FROM('web', { app: 'gw-proxy' }) + ONLY_FROM('api', { app: 'gw-proxy' }), { url: 'http://shop.example.com/api' });
    expect(admitted.allowed).toBe('all');
  });

  it('needs every proxy pod to reach an endpoint (each may carry a request), and names those denied', () => {
    const proxies = ['gw-proxy', 'canary'].map((app, i) => pod('shop', `gw-proxy-${i}`, { app, [GATEWAY_NAME_LABEL]: 'gw' }, `10.244.1.3${i}`, 'n1', [])).join('');
    const answer = ask(BASE + proxies + ONLY_FROM('web', { app: 'gw-proxy' }), { url: 'http://shop.example.com/api' });
    expect(answer.path.controller!.pods).toEqual(['shop/gw-proxy-0', 'shop/gw-proxy-1']);
    expect(answer.allowed).toBe('some');
    expect(answer.endpoints.find((e) => e.pod === 'shop/web-0')!.reason).toMatch(/from shop\/gw-proxy-1 \(1 of 2 controller pods\)/);
    // Behind a Service selecting only the first, only it receives the client's requests.
    const fronted = ask(BASE + proxies + PROXY().split('---\n').slice(1).join('---\n') + ONLY_FROM('web', { app: 'gw-proxy' }), { url: 'http://shop.example.com/api' });
    expect(fronted.allowed).toBe('all');
    expect(fronted.warnings).toContain('only 1 of 2 pods of shop/gw-proxy-0[Pod] receive the client\'s traffic: the backends are judged from those');
  });

  it('takes the proxy workload from the ingressControllers setting by the GatewayClass controllerName', () => {
    const yaml = BASE + pod('edge', 'envoy', { app: 'envoy' }, '10.244.1.40', 'n1', []) + ONLY_FROM('web', { app: 'gw-proxy' });
    const answer = ask(yaml, { url: 'http://shop.example.com/api' }, [{ controller: 'example.com/gateway', workload: { kind: 'Pod', namespace: 'edge', name: 'envoy' } }]);
    expect(answer.path.controller).toMatchObject({ controller: 'example.com/gateway', workload: 'edge/envoy[Pod]' });
    expect(answer.allowed).toBe('some');
  });

  it('checks the client against loadBalancerSourceRanges of the proxy Service, and shows the step', () => {
    const yaml = BASE + PROXY({ sourceRanges: ['203.0.113.0/24'] });
    const inside = ask(yaml, { url: 'http://shop.example.com/api' });
    expect(inside.allowed).toBe('all');
    expect(inside.path.entry).toMatchObject({ service: { name: 'gw-proxy' }, via: 'loadBalancer', address: '198.51.100.10', port: 80, loadBalancerSourceRanges: ['203.0.113.0/24'], allowed: 'all' });
    const outside = ask(yaml, { url: 'http://shop.example.com/api', from: { ip: '192.0.2.7' } });
    expect(outside).toMatchObject({ allowed: 'none', allowedShare: 0 });
    expect(outside.reason).toMatch(/outside the loadBalancerSourceRanges/);
    expect(outside.steps[0]).toMatchObject({ step: 'entry', allowed: 'none' });
    expect(outside.endpoints.every((e) => !e.allowed && /does not reach/.test(e.reason))).toBe(true);
  });

  it('judges ipBlock rules on the proxy pods with the client address kept (externalTrafficPolicy Local) or SNATed to a node (Cluster)', () => {
    const ipBlock = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: proxy-clients, namespace: shop }
spec:
  podSelector: { matchLabels: { app: gw-proxy } }
  ingress: [{ from: [{ ipBlock: { cidr: 203.0.113.0/24 } }] }]
---
`;
    const local = BASE + PROXY({ policy: 'Local' }) + ipBlock;
    expect(ask(local, { url: 'http://shop.example.com/api' }).allowed).toBe('all');
    const denied = ask(local, { url: 'http://shop.example.com/api', from: { ip: '192.0.2.7' } });
    expect(denied).toMatchObject({ allowed: 'none', path: { entry: { externalTrafficPolicy: 'Local', allowed: 'none' } } });
    const snat = ask(BASE + PROXY({ policy: 'Cluster' }) + ipBlock, { url: 'http://shop.example.com/api' });
    expect(snat).toMatchObject({ allowed: 'none', path: { entry: { policySource: '192.168.0.1' } } });
  });

  it('checks source ranges in front of an ingress controller too', () => {
    const controller = PROXY({ sourceRanges: ['203.0.113.0/24'] }).replaceAll('gw-proxy', 'nginx');
    const settings = [{ controller: 'k8s.io/ingress-nginx', workload: { kind: 'Pod', namespace: 'shop', name: 'nginx-0' } }];
    const inside = ask(BASE + INGRESS + controller, { url: 'http://shop.example.com/', via: 'ingress' }, settings);
    expect(inside).toMatchObject({ via: 'ingress', allowed: 'all', path: { controller: { workload: 'shop/nginx-0[Pod]' }, entry: { service: { name: 'nginx' } } } });
    const outside = ask(BASE + INGRESS + controller, { url: 'http://shop.example.com/', via: 'ingress', from: { ip: '192.0.2.7' } }, settings);
    expect(outside).toMatchObject({ allowed: 'none', reason: expect.stringMatching(/outside the loadBalancerSourceRanges of service shop\/nginx/) });
  });
});

describe('reachUrl when both APIs or none serve the URL', () => {
  it('answers for the Ingress first, the Gateway in alternatives; via picks one', () => {
    const both = ask(BASE + INGRESS, { url: 'http://shop.example.com/api' });
    expect(both).toMatchObject({ via: 'ingress', path: { ingress: 'shop/shop', class: 'nginx' } });
    expect(both.alternatives).toEqual([expect.objectContaining({ via: 'gateway', path: expect.objectContaining({ route: 'shop/split' }) })]);
    expect(both.warnings.some((w) => w.includes('also served by Gateway shop/gw'))).toBe(true);
    const gateway = ask(BASE + INGRESS, { url: 'http://shop.example.com/api', via: 'gateway' });
    expect(gateway).toMatchObject({ via: 'gateway' });
    expect(gateway.alternatives).toBeUndefined();
    expect(ask(BASE + INGRESS, { url: 'http://shop.example.com/api', via: 'ingress' }).alternatives).toBeUndefined();
  });

  it('says why neither serves it', () => {
    const answer = ask(BASE, { url: 'http://unknown.example.org/' });
    expect(answer).toMatchObject({ allowed: 'none', endpoints: [], steps: [{ step: 'route', allowed: 'none' }] });
    expect(answer.reason).toMatch(/Ingress: no IngressClass exists.*Gateway: no Gateway listens/);
  });

  it('rejects a malformed URL on the named field', () => {
    try {
      ask(BASE, { url: 'ftp://shop.example.com/', field: 'to' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).errors[0]).toMatchObject({ path: 'to', reason: 'FieldValueNotSupported' });
    }
  });
});

describe('judgeBackends', () => {
  const objects = objectsFromYaml(BASE);
  const cluster = computeClusterModel(objects, SMALL_SETTINGS);
  const policy = policyModelOf(cluster, SMALL_SETTINGS);
  const endpoint = (pod: string, ip: string, ready = true) => ({ pod: `shop/${pod}`, ip, port: 9090, ready });

  it('counts an invalid backend share as failing requests, and weight 0 and not-ready endpoints as receiving none', () => {
    const judged = judgeBackends(policy, placeholderSource('x'), [
      { service: 'api', namespace: 'shop', port: 80, weight: 1, share: 0.5, endpoints: [endpoint('api-0', '10.244.1.10'), endpoint('api-1', '10.244.1.11', false)] },
      { service: 'gone', namespace: 'shop', port: 80, weight: 1, share: 0.5, endpoints: [], problem: 'BackendNotFound: service shop/gone not found' },
      { service: 'web', namespace: 'shop', port: 80, weight: 0, share: 0, endpoints: [endpoint('web-0', '10.244.1.20')] },
    ]);
    expect(judged).toMatchObject({ allowed: 'some', allowedShare: 0.5 });
    expect(judged.endpoints.map((e) => [e.pod, e.share, e.allowed])).toEqual([
      ['shop/api-0', 0.5, true],
      ['shop/api-1', 0, false],
      ['shop/web-0', 0, false],
    ]);
    expect(judged.reason).toMatch(/failing: shop\/gone:80 \(50% of requests\)/);
  });
});
