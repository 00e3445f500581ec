import { describe, expect, it } from 'vitest';
import { deployment, findingsOf, namespace } from '../audit-cluster.fixture';

const RULE = 'service-selects-no-pod';
const service = (selector: string) => `apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec: { selector: { app: ${selector} }, ports: [{ port: 80, targetPort: 8080 }] }
---
`;
const PODS = namespace('shop') + deployment('shop', 'api', { app: 'api' }, [{ port: 8080 }]);

describe(RULE, () => {
  it('flags a Service whose selector matches no pod of its namespace', () => {
    const findings = findingsOf(RULE, PODS + service('apii'));
    expect(findings.map((f) => f.key)).toEqual([`${RULE}|Service/shop/api`]);
    expect(findings[0]!.severity).toBe('high');
  });

  it('is resolved once the selector matches the pods', () => {
    expect(findingsOf(RULE, PODS + service('api'))).toEqual([]);
  });

  it('says when the labelled pods live in another namespace', () => {
    const findings = findingsOf(RULE, namespace('shop') + service('api') + deployment('other', 'api', { app: 'api' }));
    expect(findings[0]!.message).toContain('namespace(s) other');
  });

  it('does not flag the built-in kube-system/kube-dns created without CoreDNS pods', () => {
    expect(findingsOf(RULE, '')).toEqual([]);
  });
});
