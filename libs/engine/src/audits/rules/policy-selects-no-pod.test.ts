import { describe, expect, it } from 'vitest';
import { deployment, findingsOf } from '../audit-cluster.fixture';

const RULE = 'policy-selects-no-pod';
const policy = (app: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api-ingress, namespace: shop }
spec: { podSelector: { matchLabels: { app: ${app} } }, ingress: [{ from: [{ podSelector: {} }] }] }
---
`;

describe(RULE, () => {
  it('flags a policy whose podSelector matches no pod of its namespace', () => {
    const findings = findingsOf(RULE, deployment('shop', 'api', { app: 'api' }) + policy('ap1'));
    expect(findings).toMatchObject([{ severity: 'medium', key: `${RULE}|NetworkPolicy/shop/api-ingress` }]);
    expect(findings[0]!.message).toContain('app=ap1');
  });

  it('is resolved when the selector matches', () => {
    expect(findingsOf(RULE, deployment('shop', 'api', { app: 'api' }) + policy('api'))).toEqual([]);
  });

  it('looks only in the policy namespace', () => {
    expect(findingsOf(RULE, deployment('other', 'api', { app: 'api' }) + policy('api'))).toHaveLength(1);
  });
});
