import { describe, expect, it } from 'vitest';
import { planApply, type StoredObjectLike } from './apply-plan';
import { deepEqualJson, stableStringify } from './stable-json';
import type { ManifestObject } from './validate-manifests';

const incoming = (over: Partial<ManifestObject> = {}): ManifestObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  namespace: 'shop',
  name: 'web',
  labels: { app: 'web' },
  annotations: {},
  spec: { ports: [{ port: 80, name: 'http' }], selector: { app: 'web' } },
  document: 0,
  path: '',
  ...over,
});

const stored = (over: Partial<StoredObjectLike> = {}): StoredObjectLike => ({
  apiVersion: 'v1',
  kind: 'Service',
  namespace: 'shop',
  name: 'web',
  uid: 'u-1',
  labels: { app: 'web' },
  annotations: {},
  // Same content, other key order.
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] },
  status: null,
  data: null,
  resourceVersion: 5,
  generation: 3,
  ...over,
});

const KEY = 'Service/shop/web';

describe('planApply', () => {
  it('creates absent objects with generation 1', () => {
    expect(planApply([incoming()], new Map()).entries[0]).toMatchObject({ action: 'created', generation: 1, warnings: [] });
  });

  it('is unchanged when only key order differs', () => {
    expect(planApply([incoming()], new Map([[KEY, stored()]])).entries[0]).toMatchObject({ action: 'unchanged', generation: 3, uid: 'u-1' });
  });

  it('bumps generation on spec changes only', () => {
    const spec = planApply([incoming({ spec: { ports: [{ port: 81 }] } })], new Map([[KEY, stored()]])).entries[0];
    expect(spec).toMatchObject({ action: 'configured', generation: 4 });
    const labels = planApply([incoming({ labels: { app: 'web', tier: 'x' } })], new Map([[KEY, stored()]])).entries[0];
    expect(labels).toMatchObject({ action: 'configured', generation: 3 });
    const status = planApply([incoming({ status: { loadBalancer: {} } })], new Map([[KEY, stored()]])).entries[0];
    expect(status).toMatchObject({ action: 'configured', generation: 3 });
  });

  it('bumps generation when top-level data changes', () => {
    const slice = incoming({ kind: 'EndpointSlice', spec: undefined, data: { addressType: 'IPv4', endpoints: [] } });
    const before = stored({ kind: 'EndpointSlice', spec: null, data: { addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'] }] } });
    expect(planApply([slice], new Map([['EndpointSlice/shop/web', before]])).entries[0]).toMatchObject({ action: 'configured', generation: 4 });
  });

  it('reports a conflict on a stale resourceVersion', () => {
    const plan = planApply([incoming({ resourceVersion: '4' })], new Map([[KEY, stored()]]));
    expect(plan.entries).toEqual([]);
    expect(plan.conflicts[0]).toMatchObject({ key: KEY, path: 'metadata.resourceVersion', expected: '4', actual: '5' });
  });

  it('accepts the current resourceVersion', () => {
    expect(planApply([incoming({ resourceVersion: '5' })], new Map([[KEY, stored()]])).entries[0]!.action).toBe('unchanged');
  });

  it('ignores a resourceVersion for a new object, with a warning', () => {
    const entry = planApply([incoming({ resourceVersion: '123' })], new Map()).entries[0]!;
    expect(entry.action).toBe('created');
    expect(entry.warnings[0]).toContain('123');
  });
});

describe('stableStringify', () => {
  it('ignores key order but not array order', () => {
    expect(stableStringify({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe('{"a":[1,{"c":3,"d":2}],"b":1}');
    expect(deepEqualJson([1, 2], [2, 1])).toBe(false);
    expect(deepEqualJson({ a: undefined, b: 1 }, { b: 1 })).toBe(true);
  });
});

describe('owner references', () => {
  it('a change of ownerReferences alone configures the object without a new generation', () => {
    const object = {
      apiVersion: 'v1', kind: 'Pod', namespace: 'a', name: 'p', labels: {}, annotations: {}, spec: { containers: [] },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u' }], document: 0, path: '',
    };
    const stored = { apiVersion: 'v1', kind: 'Pod', namespace: 'a', name: 'p', uid: 'x', labels: {}, annotations: {}, spec: { containers: [] }, status: undefined, data: undefined, resourceVersion: 3, generation: 1 };
    const plan = planApply([object], new Map([['Pod/a/p', stored]]));
    expect(plan.entries[0]).toMatchObject({ action: 'configured', generation: 1 });
    const same = planApply([object], new Map([['Pod/a/p', { ...stored, ownerReferences: object.ownerReferences }]]));
    expect(same.entries[0]!.action).toBe('unchanged');
  });
});
