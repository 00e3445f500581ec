import { describe, expect, it } from 'vitest';
import { deployment, findingsOf } from '../audit-cluster.fixture';

const RULE = 'policy-port-never-matches';
const policy = (direction: 'ingress' | 'egress', ports: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  policyTypes: [${direction === 'ingress' ? 'Ingress' : 'Egress'}]
  ${direction}: [{ ports: ${ports} }]
---
`;

describe(RULE, () => {
  it('flags an ingress named port the selected pods do not declare, even if other pods do', () => {
    const yaml = deployment('shop', 'api', { app: 'api' }, [{ name: 'http', port: 8080 }]) + deployment('shop', 'metrics', { app: 'm' }, [{ name: 'metrics', port: 9090 }]) + policy('ingress', '[{ port: metrics }]');
    expect(findingsOf(RULE, yaml).map((f) => f.key)).toEqual([`${RULE}|NetworkPolicy/shop/api|spec.ingress[0].ports[0]=TCP metrics`]);
  });

  it('is resolved when the selected pods declare the name', () => {
    const yaml = deployment('shop', 'api', { app: 'api' }, [{ name: 'metrics', port: 9090 }]) + policy('ingress', '[{ port: metrics }]');
    expect(findingsOf(RULE, yaml)).toEqual([]);
  });

  it('needs the rule protocol on the destination', () => {
    const yaml = deployment('shop', 'api', { app: 'api' }, [{ name: 'metrics', port: 9090 }]) + policy('ingress', '[{ port: metrics, protocol: UDP }]');
    expect(findingsOf(RULE, yaml)[0]!.message).toContain('declared as TCP');
  });

  it('flags an egress named port no pod of the cluster declares, and resolves when any pod does', () => {
    const api = deployment('shop', 'api', { app: 'api' }, [{ name: 'http', port: 8080 }]);
    expect(findingsOf(RULE, api + policy('egress', '[{ port: postgres }]'))).toHaveLength(1);
    expect(findingsOf(RULE, api + policy('egress', '[{ port: postgres }]') + deployment('data', 'db', { app: 'db' }, [{ name: 'postgres', port: 5432 }]))).toEqual([]);
  });

  it('flags a range whose endPort is below its port', () => {
    const api = deployment('shop', 'api', { app: 'api' });
    expect(findingsOf(RULE, api + policy('ingress', '[{ port: 9000, endPort: 8000 }]'))[0]!.message).toContain('endPort 8000 is below port 9000');
    expect(findingsOf(RULE, api + policy('ingress', '[{ port: 8000, endPort: 9000 }]'))).toEqual([]);
  });

  it('judges an egress named port against the pods the rule\'s peers select, not every pod', () => {
    const api = deployment('shop', 'api', { app: 'api' }, [{ name: 'http', port: 8080 }]);
    const toDb = (ports: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  policyTypes: [Egress]
  egress: [{ to: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: data } }, podSelector: { matchLabels: { app: db } } }], ports: ${ports} }]
---
`;
    // Another pod declares "postgres", but not the ones the rule sends to.
    const elsewhere = deployment('data', 'db', { app: 'db' }, [{ name: 'sql', port: 5432 }]) + deployment('data', 'legacy', { app: 'legacy' }, [{ name: 'postgres', port: 5432 }]);
    const findings = findingsOf(RULE, api + elsewhere + toDb('[{ port: postgres }]'));
    expect(findings.map((f) => f.key)).toEqual([`${RULE}|NetworkPolicy/shop/api|spec.egress[0].ports[0]=TCP postgres`]);
    expect(findings[0]!.message).toContain("none of the pods the rule's `to` peers select declares a container port named \"postgres\"");
    // Resolved once the destination pods declare it.
    const declared = deployment('data', 'db', { app: 'db' }, [{ name: 'postgres', port: 5432 }]);
    expect(findingsOf(RULE, api + declared + toDb('[{ port: postgres }]'))).toEqual([]);
    // The protocol is the destination's: declared as TCP, asked as UDP.
    expect(findingsOf(RULE, api + declared + toDb('[{ port: postgres, protocol: UDP }]'))[0]!.message).toContain('declared as TCP');
  });

  it('an egress named port toward an ipBlock matches only the pods inside the block', () => {
    const api = deployment('shop', 'api', { app: 'api' }, [{ name: 'http', port: 8080 }]);
    const db = deployment('data', 'db', { app: 'db' }, [{ name: 'postgres', port: 5432 }]);
    const toBlock = (cidr: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  policyTypes: [Egress]
  egress: [{ to: [{ ipBlock: { cidr: ${cidr} } }], ports: [{ port: postgres }] }]
---
`;
    expect(findingsOf(RULE, api + db + toBlock('192.168.0.0/16'))).toHaveLength(1);
    expect(findingsOf(RULE, api + db + toBlock('10.244.0.0/16'))).toEqual([]);
  });
});
