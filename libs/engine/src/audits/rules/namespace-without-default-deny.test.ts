import { describe, expect, it } from 'vitest';
import { deployment, findingsOf, namespace } from '../audit-cluster.fixture';

const RULE = 'namespace-without-default-deny';
const SHOP = namespace('shop') + deployment('shop', 'api', { app: 'api' });
const denyIngress = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: shop }
spec: { podSelector: {}, policyTypes: [Ingress] }
`;

describe(RULE, () => {
  it('flags a namespace with pods and no namespace-wide ingress policy, mentioning egress', () => {
    const findings = findingsOf(RULE, SHOP);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'medium', objects: [{ kind: 'Namespace', name: 'shop' }], key: `${RULE}|Namespace/shop` });
    expect(findings[0]!.message).toContain('egress is not isolated');
    expect(findings[0]!.fix).toContain('podSelector: {}');
  });

  it('is resolved by a podSelector: {} policy listing Ingress', () => {
    expect(findingsOf(RULE, SHOP + '---\n' + denyIngress)).toEqual([]);
  });

  it('does not count a policy selecting only some pods', () => {
    const partial = denyIngress.replace('podSelector: {}', 'podSelector: { matchLabels: { app: api } }');
    expect(findingsOf(RULE, SHOP + '---\n' + partial)).toHaveLength(1);
  });

  it('skips system namespaces and namespaces without pods', () => {
    expect(findingsOf(RULE, deployment('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }) + namespace('empty'))).toEqual([]);
  });
});
