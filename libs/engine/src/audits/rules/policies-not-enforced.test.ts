import { describe, expect, it } from 'vitest';
import { deployment, findingsOf, lockedDown } from '../audit-cluster.fixture';

const RULE = 'policies-not-enforced';
const YAML = deployment('shop', 'api', { app: 'api' }) + lockedDown('shop') + lockedDown('admin');

describe(RULE, () => {
  it('flags every namespace holding policies when the CNI is flannel', () => {
    const findings = findingsOf(RULE, YAML, { settings: { cni: 'flannel' } });
    expect(findings.map((f) => f.key)).toEqual([`${RULE}|Namespace/admin`, `${RULE}|Namespace/shop`]);
    expect(findings[0]!.severity).toBe('high');
  });

  it('is resolved with an enforcing CNI', () => {
    expect(findingsOf(RULE, YAML, { settings: { cni: 'cilium' } })).toEqual([]);
  });

  it('says nothing when there are no policies', () => {
    expect(findingsOf(RULE, deployment('shop', 'api', { app: 'api' }), { settings: { cni: 'flannel' } })).toEqual([]);
  });
});
