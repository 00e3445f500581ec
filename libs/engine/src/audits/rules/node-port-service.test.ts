import { describe, expect, it } from 'vitest';
import { findingsOf } from '../audit-cluster.fixture';

const RULE = 'node-port-service';
const service = (type: string) => `apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { type: ${type}, selector: { app: web }, ports: [{ port: 80${type === 'NodePort' ? ', nodePort: 30080' : ''} }] }
`;

describe(RULE, () => {
  it('reports a NodePort Service as low', () => {
    const findings = findingsOf(RULE, service('NodePort'));
    expect(findings).toMatchObject([{ severity: 'low', key: `${RULE}|Service/shop/web` }]);
    expect(findings[0]!.message).toContain('TCP 30080');
  });

  it('is resolved by switching to ClusterIP', () => {
    expect(findingsOf(RULE, service('ClusterIP'))).toEqual([]);
  });
});
