import { describe, expect, it } from 'vitest';
import { auditYaml, deployment } from './audit-cluster.fixture';
import type { Finding } from './finding';
import { reconcileFindings } from './findings-diff';

const finding = (key: string): Finding => ({ rule: key.split('|')[0]!, severity: 'low', objects: [], message: key, fix: '', key });

describe('reconcileFindings', () => {
  it('splits current findings into opened and still open, and lists resolved keys', () => {
    const result = reconcileFindings([{ key: 'a|1' }, { key: 'b|2' }], [finding('b|2'), finding('c|3')]);
    expect(result.opened.map((f) => f.key)).toEqual(['c|3']);
    expect(result.stillOpen.map((f) => f.key)).toEqual(['b|2']);
    expect(result.resolved).toEqual(['a|1']);
  });

  it('counts duplicate keys once on either side', () => {
    const result = reconcileFindings([{ key: 'a' }, { key: 'a' }], [finding('b'), finding('b')]);
    expect(result.opened).toHaveLength(1);
    expect(result.resolved).toEqual(['a']);
  });

  it('handles empty inputs', () => {
    expect(reconcileFindings([], [])).toEqual({ opened: [], stillOpen: [], resolved: [] });
  });

  it('keeps a finding open across audits of an edited cluster and resolves it when fixed', () => {
    const first = auditYaml(deployment('default', 'web', { app: 'web' }));
    const edited = auditYaml(deployment('default', 'web', { app: 'web', tier: 'front' }) + deployment('shop', 'api', { app: 'api' }));
    const step = reconcileFindings(first, edited);
    expect(step.resolved).toEqual([]);
    expect(step.stillOpen.map((f) => f.key)).toContain('object-in-default-namespace|Deployment/default/web');
    expect(step.opened.map((f) => f.key)).toEqual(['namespace-without-default-deny|Namespace/shop']);
    const fixed = auditYaml(deployment('shop', 'api', { app: 'api' }));
    expect(reconcileFindings(edited, fixed).resolved.sort()).toEqual(['namespace-without-default-deny|Namespace/default', 'object-in-default-namespace|Deployment/default/web']);
  });
});
