import { describe, expect, it } from 'vitest';
import { findingsOf } from '../audit-cluster.fixture';

const RULE = 'service-address-out-of-range';
const service = (clusterIP: string, nodePort: number) => `apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { type: NodePort, clusterIP: ${clusterIP}, selector: { app: web }, ports: [{ port: 80, nodePort: ${nodePort} }] }
`;

describe(RULE, () => {
  it('flags a ClusterIP outside the service CIDR and a nodePort outside the range', () => {
    expect(findingsOf(RULE, service('10.200.0.5', 40000)).map((f) => f.key)).toEqual([
      `${RULE}|Service/shop/web|clusterIP=10.200.0.5`,
      `${RULE}|Service/shop/web|nodePort=40000`,
    ]);
  });

  it('is resolved with addresses inside the configured ranges', () => {
    expect(findingsOf(RULE, service('10.96.0.50', 30080))).toEqual([]);
  });

  it('follows the cluster settings', () => {
    expect(findingsOf(RULE, service('10.96.0.50', 30080), { settings: { nodePortRange: '31000-32000' } })).toHaveLength(1);
  });
});
