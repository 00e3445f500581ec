import { describe, expect, it } from 'vitest';
import { findingsOf } from '../audit-cluster.fixture';

const RULE = 'ingress-host-without-tls';
const ingress = (hosts: string[], tls: string) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: shop }
spec:
${tls}
  rules:
${hosts.map((h) => `    - ${h ? `host: ${h}\n      ` : ''}http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] }`).join('\n')}
`;

describe(RULE, () => {
  it('flags each host no tls entry covers', () => {
    const findings = findingsOf(RULE, ingress(['shop.example.com', 'api.example.com'], '  tls: [{ hosts: [api.example.com], secretName: api-tls }]'));
    expect(findings.map((f) => f.key)).toEqual([`${RULE}|Ingress/shop/web|host=shop.example.com`]);
  });

  it('is resolved when a tls entry lists the host', () => {
    expect(findingsOf(RULE, ingress(['shop.example.com'], '  tls: [{ hosts: [shop.example.com], secretName: shop-tls }]'))).toEqual([]);
  });

  it('counts a wildcard tls host for exactly one label', () => {
    const tls = '  tls: [{ hosts: ["*.example.com"], secretName: wildcard }]';
    expect(findingsOf(RULE, ingress(['shop.example.com'], tls))).toEqual([]);
    expect(findingsOf(RULE, ingress(['a.shop.example.com'], tls))).toHaveLength(1);
  });

  it('flags a host-less rule without any tls, as host *', () => {
    expect(findingsOf(RULE, ingress([''], '')).map((f) => f.key)).toEqual([`${RULE}|Ingress/shop/web|host=*`]);
    expect(findingsOf(RULE, ingress([''], '  tls: [{ secretName: default-cert }]'))).toEqual([]);
  });

  it('flags a host whose tls entry has no secretName, and resolves when the secret is set', () => {
    const withoutSecret = findingsOf(RULE, ingress(['shop.example.com'], '  tls: [{ hosts: [shop.example.com] }]'));
    expect(withoutSecret.map((f) => f.key)).toEqual([`${RULE}|Ingress/shop/web|host=shop.example.com`]);
    expect(withoutSecret[0]!.message).toContain('has no secretName');
    expect(withoutSecret[0]!.fix).toContain('Set secretName');
    expect(findingsOf(RULE, ingress(['shop.example.com'], '  tls: [{ hosts: ["*.example.com"] }]'))).toHaveLength(1);
    expect(findingsOf(RULE, ingress([''], '  tls: [{ hosts: [] }]')).map((f) => f.key)).toEqual([`${RULE}|Ingress/shop/web|host=*`]);
    expect(findingsOf(RULE, ingress(['shop.example.com'], '  tls: [{ hosts: [shop.example.com] }, { hosts: [shop.example.com], secretName: shop-tls }]'))).toEqual([]);
  });
});
