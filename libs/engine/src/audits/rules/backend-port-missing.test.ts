import { describe, expect, it } from 'vitest';
import { findingsOf } from '../audit-cluster.fixture';

const RULE = 'backend-port-missing';
const SERVICE = `apiVersion: v1
kind: Service
metadata: { name: storefront, namespace: shop }
spec: { selector: { app: storefront }, ports: [{ name: http, port: 80, targetPort: 8080 }] }
---
`;
const ingress = (port: string) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: shop }
spec:
  rules:
    - http:
        paths:
          - { path: /, pathType: Prefix, backend: { service: { name: storefront, port: ${port} } } }
---
`;
const route = (port: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: web, namespace: shop }
spec:
  rules:
    - backendRefs: [{ name: storefront${port} }]
---
`;

describe(RULE, () => {
  it('flags an Ingress backend naming the container port instead of the service port', () => {
    const findings = findingsOf(RULE, SERVICE + ingress('{ number: 8080 }'));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.objects).toEqual([
      { kind: 'Ingress', namespace: 'shop', name: 'web' },
      { kind: 'Service', namespace: 'shop', name: 'storefront' },
    ]);
    expect(findings[0]!.message).toContain('http (80)');
  });

  it('is resolved with the service port number or name', () => {
    expect(findingsOf(RULE, SERVICE + ingress('{ number: 80 }'))).toEqual([]);
    expect(findingsOf(RULE, SERVICE + ingress('{ name: http }'))).toEqual([]);
  });

  it('flags an unknown port name on an Ingress', () => {
    expect(findingsOf(RULE, SERVICE + ingress('{ name: https }'))).toHaveLength(1);
  });

  it('flags an HTTPRoute Service backend without port, and resolves with one', () => {
    expect(findingsOf(RULE, SERVICE + route(''))[0]!.message).toContain('required');
    expect(findingsOf(RULE, SERVICE + route(', port: 81'))).toHaveLength(1);
    expect(findingsOf(RULE, SERVICE + route(', port: 80'))).toEqual([]);
  });
});
