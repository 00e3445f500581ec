import { describe, expect, it } from 'vitest';
import { findingsOf } from '../audit-cluster.fixture';

const RULE = 'peer-list-probably-and';
const policy = (from: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: db-ingress, namespace: shop }
spec:
  podSelector: { matchLabels: { app: db } }
  ingress:
    - from:
${from}
`;

describe(RULE, () => {
  it('flags a namespaceSelector-only item beside a podSelector-only item', () => {
    const yaml = policy(`        - namespaceSelector: { matchLabels: { team: shop } }
        - podSelector: { matchLabels: { app: api } }`);
    const findings = findingsOf(RULE, yaml);
    expect(findings).toMatchObject([{ severity: 'info', key: `${RULE}|NetworkPolicy/shop/db-ingress|spec.ingress[0].from` }]);
    expect(findings[0]!.message).toContain('OR');
  });

  it('is resolved by merging them into one item (AND)', () => {
    const yaml = policy(`        - namespaceSelector: { matchLabels: { team: shop } }
          podSelector: { matchLabels: { app: api } }`);
    expect(findingsOf(RULE, yaml)).toEqual([]);
  });

  it('does not flag an AND item beside a podSelector item', () => {
    const yaml = policy(`        - namespaceSelector: { matchLabels: { team: shop } }
          podSelector: { matchLabels: { app: api } }
        - podSelector: { matchLabels: { app: web } }`);
    expect(findingsOf(RULE, yaml)).toEqual([]);
  });
});
