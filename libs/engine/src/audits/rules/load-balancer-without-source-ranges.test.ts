import { describe, expect, it } from 'vitest';
import { findingsOf } from '../audit-cluster.fixture';

const RULE = 'load-balancer-without-source-ranges';
const service = (extra: string) => `apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec:
  type: LoadBalancer
  selector: { app: web }
  ports: [{ port: 443 }]
${extra}
`;

describe(RULE, () => {
  it('flags a LoadBalancer without loadBalancerSourceRanges', () => {
    expect(findingsOf(RULE, service('')).map((f) => f.key)).toEqual([`${RULE}|Service/shop/web`]);
  });

  it('is resolved by source ranges', () => {
    expect(findingsOf(RULE, service('  loadBalancerSourceRanges: [203.0.113.0/24]'))).toEqual([]);
  });

  it('still flags 0.0.0.0/0', () => {
    expect(findingsOf(RULE, service('  loadBalancerSourceRanges: [0.0.0.0/0]'))[0]!.message).toContain('0.0.0.0/0');
  });
});
