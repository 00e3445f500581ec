import { describe, expect, it } from 'vitest';
import { findingsOf, namespace } from '../audit-cluster.fixture';

const RULE = 'backend-service-missing';
const service = (ns: string, name: string) => `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${ns} }
spec: { selector: { app: ${name} }, ports: [{ name: http, port: 80 }] }
---
`;
const INGRESS = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: shop }
spec:
  defaultBackend: { service: { name: fallback, port: { number: 80 } } }
  rules:
    - host: shop.example.com
      http:
        paths:
          - { path: /, pathType: Prefix, backend: { service: { name: storefront, port: { number: 80 } } } }
---
`;
const ROUTE = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: web, namespace: shop }
spec:
  rules:
    - backendRefs: [{ name: catalog, namespace: backend, port: 80 }, { kind: Bucket, group: example.com, name: assets }]
---
`;

describe(RULE, () => {
  it('flags Ingress paths, the default backend and HTTPRoute backendRefs naming missing Services', () => {
    const findings = findingsOf(RULE, namespace('shop') + INGRESS + ROUTE);
    expect(findings.map((f) => f.key).sort()).toEqual([
      `${RULE}|HTTPRoute/shop/web|spec.rules[0].backendRefs[0]->backend/catalog`,
      `${RULE}|Ingress/shop/web|spec.defaultBackend->shop/fallback`,
      `${RULE}|Ingress/shop/web|spec.rules[0].http.paths[0].backend->shop/storefront`,
    ]);
  });

  it('is resolved once the Services exist (in the backendRef namespace for the route)', () => {
    const fixed = namespace('shop') + INGRESS + ROUTE + service('shop', 'fallback') + service('shop', 'storefront') + service('backend', 'catalog');
    expect(findingsOf(RULE, fixed)).toEqual([]);
  });

  it('reads a backendRef without namespace in the route namespace', () => {
    const local = ROUTE.replace('namespace: backend, ', '');
    expect(findingsOf(RULE, local + service('backend', 'catalog')).map((f) => f.key)).toEqual([`${RULE}|HTTPRoute/shop/web|spec.rules[0].backendRefs[0]->shop/catalog`]);
    expect(findingsOf(RULE, local + service('shop', 'catalog'))).toEqual([]);
  });
});
