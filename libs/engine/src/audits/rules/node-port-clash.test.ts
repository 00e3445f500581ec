import { describe, expect, it } from 'vitest';
import { findingsOf } from '../audit-cluster.fixture';

const RULE = 'node-port-clash';
const service = (name: string, nodePort: number) => `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: shop }
spec: { type: NodePort, selector: { app: ${name} }, ports: [{ port: 80, nodePort: ${nodePort} }, { port: 80, protocol: UDP, nodePort: ${nodePort} }] }
---
`;

describe(RULE, () => {
  it('flags two Services on one nodePort', () => {
    expect(findingsOf(RULE, service('web', 30080) + service('api', 30080)).map((f) => f.key)).toEqual([`${RULE}|Service/shop/api|Service/shop/web|nodePort=30080`]);
  });

  it('is resolved with distinct nodePorts (one Service may reuse its own for TCP and UDP)', () => {
    expect(findingsOf(RULE, service('web', 30080) + service('api', 30081))).toEqual([]);
  });
});
