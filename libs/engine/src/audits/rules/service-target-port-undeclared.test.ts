import { describe, expect, it } from 'vitest';
import { deployment, findingsOf, namespace } from '../audit-cluster.fixture';

const RULE = 'service-target-port-undeclared';
const SERVICE = `apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec:
  selector: { app: api }
  ports: [{ name: http, port: 80, targetPort: web }, { name: admin, port: 9000, targetPort: 9000 }]
---
`;

describe(RULE, () => {
  it('flags a named targetPort no selected pod declares', () => {
    const findings = findingsOf(RULE, namespace('shop') + SERVICE + deployment('shop', 'api', { app: 'api' }, [{ name: 'http', port: 8080 }]));
    expect(findings.map((f) => f.key)).toEqual([`${RULE}|Service/shop/api|port=http/TCP`]);
    expect(findings[0]!.message).toContain('"web"');
  });

  it('is resolved when the pods declare the name', () => {
    expect(findingsOf(RULE, namespace('shop') + SERVICE + deployment('shop', 'api', { app: 'api' }, [{ name: 'web', port: 8080 }]))).toEqual([]);
  });

  it('needs the name with the service port protocol', () => {
    const findings = findingsOf(RULE, namespace('shop') + SERVICE + deployment('shop', 'api', { app: 'api' }, [{ name: 'web', port: 8080, protocol: 'UDP' }]));
    expect(findings[0]!.message).toContain('declare it as UDP');
  });
});
