import { describe, expect, it } from 'vitest';
import { findingsOf } from '../audit-cluster.fixture';

const RULE = 'service-name-in-several-namespaces';
const service = (ns: string, name: string) => `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${ns} }
spec: { selector: { app: ${name} }, ports: [{ port: 5432 }] }
---
`;

describe(RULE, () => {
  it('flags one name in several namespaces, keyed by the name alone', () => {
    const two = findingsOf(RULE, service('shop', 'db') + service('billing', 'db'));
    expect(two).toMatchObject([{ severity: 'info', key: `${RULE}|name=db` }]);
    expect(two[0]!.objects.map((o) => o.namespace)).toEqual(['billing', 'shop']);
    const three = findingsOf(RULE, service('shop', 'db') + service('billing', 'db') + service('audit', 'db'));
    expect(three[0]!.key).toBe(two[0]!.key);
    expect(two[0]!.fix).toContain('db.<namespace>.svc.cluster.local');
  });

  it('is resolved once the names are unique', () => {
    expect(findingsOf(RULE, service('shop', 'shop-db') + service('billing', 'billing-db'))).toEqual([]);
  });
});
