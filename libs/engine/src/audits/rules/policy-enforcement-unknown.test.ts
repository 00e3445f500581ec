import { describe, expect, it } from 'vitest';
import { deployment, findingsOf, lockedDown } from '../audit-cluster.fixture';

const RULE = 'policy-enforcement-unknown';
const YAML = deployment('shop', 'api', { app: 'api' }) + lockedDown('shop');

describe(RULE, () => {
  it('warns when the CNI is not known to enforce policies', () => {
    expect(findingsOf(RULE, YAML, { settings: { cni: 'other' } })).toMatchObject([{ severity: 'medium', key: `${RULE}|Namespace/shop` }]);
  });

  it('is resolved with a known CNI (flannel has its own rule)', () => {
    expect(findingsOf(RULE, YAML, { settings: { cni: 'calico' } })).toEqual([]);
    expect(findingsOf(RULE, YAML, { settings: { cni: 'flannel' } })).toEqual([]);
  });
});
