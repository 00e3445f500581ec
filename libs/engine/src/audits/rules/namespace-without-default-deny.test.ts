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

  it('does not count a namespace-wide policy that admits everyone (ingress: [{}]) as a default deny', () => {
    const allowAll = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: allow-all, namespace: shop }
spec: { podSelector: {}, policyTypes: [Ingress], ingress: [{}] }
`;
    const findings = findingsOf(RULE, SHOP + '---\n' + allowAll);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toContain('shop/allow-all ingress[0] admits every source on every port');
    expect(findings[0]!.fix).toContain('Narrow or remove shop/allow-all ingress[0]');
    // A default deny beside it does not help: policies only add allowances.
    expect(findingsOf(RULE, SHOP + '---\n' + allowAll + '---\n' + denyIngress)).toHaveLength(1);
    // Every namespace, or every address, is everyone too.
    const everyNamespace = allowAll.replace('ingress: [{}]', 'ingress: [{ from: [{ namespaceSelector: {} }] }]');
    const everyAddress = allowAll.replace('ingress: [{}]', 'ingress: [{ from: [{ ipBlock: { cidr: 0.0.0.0/0 } }] }]');
    expect(findingsOf(RULE, SHOP + '---\n' + everyNamespace)).toHaveLength(1);
    expect(findingsOf(RULE, SHOP + '---\n' + everyAddress)).toHaveLength(1);
  });

  it('is resolved when the namespace-wide rule admits some sources or some ports only', () => {
    const someSources = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: from-web, namespace: shop }
spec: { podSelector: {}, policyTypes: [Ingress], ingress: [{ from: [{ podSelector: { matchLabels: { app: web } } }] }] }
`;
    expect(findingsOf(RULE, SHOP + '---\n' + someSources)).toEqual([]);
    const somePorts = someSources.replace("from: [{ podSelector: { matchLabels: { app: web } } }]", 'ports: [{ port: 8080 }]');
    expect(findingsOf(RULE, SHOP + '---\n' + somePorts)).toEqual([]);
    const someNamespaces = someSources.replace('podSelector: { matchLabels: { app: web } }', 'namespaceSelector: { matchLabels: { team: shop } }');
    expect(findingsOf(RULE, SHOP + '---\n' + someNamespaces)).toEqual([]);
  });

  it('says egress is open when the namespace-wide egress rule allows everything', () => {
    const both = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: open-egress, namespace: shop }
spec: { podSelector: {}, policyTypes: [Ingress, Egress], ingress: [{}], egress: [{}] }
`;
    const [finding] = findingsOf(RULE, SHOP + '---\n' + both);
    expect(finding!.message).toContain('egress is not isolated namespace-wide either (shop/open-egress egress[0] allows every destination)');
    expect(finding!.fix).toContain('policyTypes: [Ingress, Egress]');
  });

  it('skips system namespaces and namespaces without pods', () => {
    expect(findingsOf(RULE, deployment('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }) + namespace('empty'))).toEqual([]);
  });
});
