import { describe, expect, it } from 'vitest';
import { findingsOf } from '../audit-cluster.fixture';

const RULE = 'cluster-ip-clash';
const service = (ns: string, name: string, ip: string) => `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${ns} }
spec: { clusterIP: ${ip}, selector: { app: ${name} }, ports: [{ port: 80 }] }
---
`;

describe(RULE, () => {
  it('flags two Services holding one ClusterIP', () => {
    const findings = findingsOf(RULE, service('a', 'web', '10.96.0.50') + service('b', 'api', '10.96.0.50'));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.objects).toEqual([
      { kind: 'Service', namespace: 'a', name: 'web' },
      { kind: 'Service', namespace: 'b', name: 'api' },
    ]);
    expect(findings[0]!.key).toBe(`${RULE}|Service/a/web|Service/b/api|clusterIP=10.96.0.50`);
  });

  it('is resolved when each has its own address', () => {
    expect(findingsOf(RULE, service('a', 'web', '10.96.0.50') + service('b', 'api', '10.96.0.51'))).toEqual([]);
  });
});
