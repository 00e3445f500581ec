import { describe, expect, it } from 'vitest';
import { deployment, findingsOf } from '../audit-cluster.fixture';

const RULE = 'object-in-default-namespace';
const app = (ns: string) =>
  deployment(ns, 'api', { app: 'api' }) +
  `apiVersion: v1
kind: Service
metadata: { name: api, namespace: ${ns} }
spec: { selector: { app: api }, ports: [{ port: 80 }] }
---
apiVersion: v1
kind: Pod
metadata: { name: debug, namespace: ${ns} }
spec: { containers: [{ name: c, image: busybox }] }
`;

describe(RULE, () => {
  it('flags workloads, bare pods and Services in default, not default/kubernetes', () => {
    expect(findingsOf(RULE, app('default')).map((f) => f.key)).toEqual([
      `${RULE}|Deployment/default/api`,
      `${RULE}|Pod/default/debug`,
      `${RULE}|Service/default/api`,
    ]);
  });

  it('is resolved by moving them to their own namespace', () => {
    expect(findingsOf(RULE, app('shop'))).toEqual([]);
  });
});
