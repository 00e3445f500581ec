import { describe, expect, it } from 'vitest';
import { policyModelOf } from '../policy/cluster-policy-model';
import { objectsFromYaml, pod, SMALL_SETTINGS } from '../services/small-cluster.fixture';
import { computeClusterModel } from '../workloads/cluster-model';
import { updateClusterModel } from '../workloads/cluster-model-update';
import type { ClusterObjectInput } from '../workloads/cluster-objects';
import { applyInMemory } from './apply-in-memory';
import { diffModels, type ModelSide } from './model-diff';
import { diffNorthSouth, northSouthRoutingOf } from './north-south-diff';

const svc = (name: string, ip: string) => `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: shop }
spec: { clusterIP: ${ip}, selector: { app: ${name} }, ports: [{ name: http, port: 80, targetPort: 8080 }] }
---
`;

const BASE =
  `apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: v1
kind: Namespace
metadata: { name: infra }
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: { name: nginx }
spec: { controller: k8s.io/ingress-nginx }
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: eg }
spec: { controllerName: gateway.envoyproxy.io/gatewayclass-controller }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: gw, namespace: infra }
spec:
  gatewayClassName: eg
  listeners: [{ name: http, port: 80, protocol: HTTP, allowedRoutes: { namespaces: { from: All } } }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: web, namespace: shop }
spec:
  parentRefs: [{ name: gw, namespace: infra }]
  hostnames: [shop.example.com]
  rules: [{ backendRefs: [{ name: web, port: 80, weight: 90 }, { name: api, port: 80, weight: 10 }] }]
---
` +
  svc('web', '10.96.0.20') +
  svc('api', '10.96.0.21') +
  pod('shop', 'web-1', { app: 'web' }, '10.244.1.10', 'node-a', [{ port: 8080 }]) +
  pod('shop', 'api-1', { app: 'api' }, '10.244.1.11', 'node-a', [{ port: 8080 }]);

const INGRESS = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: shop, namespace: shop }
spec:
  ingressClassName: nginx
  tls: [{ hosts: [shop.example.com], secretName: shop-tls }]
  rules: [{ host: shop.example.com, http: { paths: [{ path: /api, pathType: Prefix, backend: { service: { name: api, port: { number: 80 } } } }] } }]
`;

function side(objects: ClusterObjectInput[]): ModelSide {
  const clusterModel = computeClusterModel(objects, SMALL_SETTINGS);
  return { clusterModel, policy: policyModelOf(clusterModel, SMALL_SETTINGS), objects };
}

describe('diffModels: north-south routing', () => {
  const objects = objectsFromYaml(BASE);
  const before = side(objects);

  it('an Ingress added: its path, TLS and attachment appear in the IngressClass table', () => {
    const d = diffModels(before, side(applyInMemory(objects, { apply: objectsFromYaml(INGRESS), delete: [] })), SMALL_SETTINGS);
    expect(d.ingressRoutes).toEqual([
      { class: 'nginx', host: '', route: 'attachment', ingress: 'shop/shop', change: 'added', new: 'served by class nginx (k8s.io/ingress-nginx) (chosen by ingressClassName)' },
      { class: 'nginx', host: 'shop.example.com', route: 'Prefix /api', ingress: 'shop/shop', change: 'added', new: 'service shop/api:80' },
      { class: 'nginx', host: 'shop.example.com', route: 'tls', ingress: 'shop/shop', change: 'added', new: 'TLS with secret shop-tls (from shop/shop)' },
    ]);
    expect(d.gatewayRoutes).toEqual([]);
    expect(d.routes).toEqual([]);
  });

  it('an Ingress backend changed, then the class removed', () => {
    const withIngress = applyInMemory(objects, { apply: objectsFromYaml(INGRESS), delete: [] });
    const changed = applyInMemory(withIngress, { apply: objectsFromYaml(INGRESS.replace('name: api, port', 'name: web, port')), delete: [] });
    expect(diffModels(side(withIngress), side(changed), SMALL_SETTINGS).ingressRoutes).toEqual([
      { class: 'nginx', host: 'shop.example.com', route: 'Prefix /api', ingress: 'shop/shop', change: 'changed', old: 'service shop/api:80', new: 'service shop/web:80' },
    ]);
    const noClass = diffModels(side(withIngress), side(applyInMemory(withIngress, { apply: [], delete: [{ kind: 'IngressClass', name: 'nginx' }] })), SMALL_SETTINGS).ingressRoutes;
    expect(noClass).toContainEqual(expect.objectContaining({ route: 'attachment', change: 'changed', new: 'not served: IngressClass nginx does not exist: no controller serves this Ingress' }));
    expect(noClass).toContainEqual(expect.objectContaining({ route: 'Prefix /api', change: 'removed', old: 'service shop/api:80' }));
  });

  it('an HTTPRoute reweighted, and detached when its Gateway goes', () => {
    const reweighted = applyInMemory(objects, { apply: objectsFromYaml(BASE.split('---\n').find((d) => d.includes('kind: HTTPRoute'))!.replace('weight: 90', 'weight: 50').replace('weight: 10', 'weight: 50')), delete: [] });
    expect(diffModels(before, side(reweighted), SMALL_SETTINGS).gatewayRoutes).toEqual([
      {
        httpRoute: 'shop/web',
        route: 'rule 0',
        change: 'changed',
        old: 'PathPrefix / -> service shop/web:80 weight 90, service shop/api:80 weight 10',
        new: 'PathPrefix / -> service shop/web:80 weight 50, service shop/api:80 weight 50',
      },
    ]);
    const noGateway = diffModels(before, side(applyInMemory(objects, { apply: [], delete: [{ kind: 'Gateway', namespace: 'infra', name: 'gw' }] })), SMALL_SETTINGS).gatewayRoutes;
    expect(noGateway).toEqual([
      {
        httpRoute: 'shop/web',
        route: 'parent Gateway infra/gw',
        change: 'changed',
        old: 'attached to listener http (shop.example.com)',
        new: 'not attached: NoMatchingParent: Gateway infra/gw not found',
      },
    ]);
  });

  it('a backend Service deleted: the route rule reports the invalid backend', () => {
    const d = diffModels(before, side(applyInMemory(objects, { apply: [], delete: [{ kind: 'Service', namespace: 'shop', name: 'api' }] })), SMALL_SETTINGS);
    expect(d.gatewayRoutes).toEqual([expect.objectContaining({ httpRoute: 'shop/web', route: 'rule 0', change: 'changed', new: expect.stringContaining('service shop/api:80 weight 10 (BackendNotFound') })]);
  });

  it('a policy-only change compares no routing at all (the stored routing is not even read)', () => {
    const policy = objectsFromYaml(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny, namespace: shop }
spec: { podSelector: {}, policyTypes: [Ingress] }
`);
    const after = applyInMemory(objects, { apply: policy, delete: [] });
    const clusterModel = updateClusterModel(before.clusterModel, after, new Set(['NetworkPolicy']), SMALL_SETTINGS);
    expect(clusterModel.services).toBe(before.clusterModel.services);
    // Routing given on each side that would differ if compared: the diff must not look at it.
    const routing = northSouthRoutingOf(before);
    const stale = { ingress: [], gateway: { gateways: [], routes: [] } };
    const d = diffNorthSouth({ ...before, northSouth: routing }, { clusterModel, objects: after, northSouth: stale });
    expect(d).toEqual({ ingress: [], gateway: [] });
    expect(diffNorthSouth({ ...before, northSouth: routing }, { clusterModel: computeClusterModel(after, SMALL_SETTINGS), objects: after, northSouth: stale }).gateway).not.toEqual([]);
  });

  it('without objects on a side there is nothing to compare', () => {
    expect(diffNorthSouth({ clusterModel: before.clusterModel }, before)).toEqual({ ingress: [], gateway: [] });
  });
});
