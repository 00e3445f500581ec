import { describe, expect, it } from 'vitest';
import { DomainError, type FieldError } from '../errors/domain-error';
import { CLUSTER_DEFAULTS, mergeClusterSettings, parseNodePortRange, validateClusterSettings } from './cluster-settings';

function errorsOf(fn: () => unknown): FieldError[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError && e.code === 'INVALID') return e.errors;
    throw e;
  }
  throw new Error('expected INVALID');
}

describe('validateClusterSettings', () => {
  it('applies defaults on create', () => {
    expect(validateClusterSettings({ name: 'dev' }, { partial: false })).toEqual({ name: 'dev', ...CLUSTER_DEFAULTS });
  });

  it('requires name on create but not on patch', () => {
    expect(errorsOf(() => validateClusterSettings({}, { partial: false }))).toEqual([{ path: 'name', reason: 'FieldValueRequired', message: 'Required value' }]);
    expect(validateClusterSettings({ cni: 'cilium' }, { partial: true })).toEqual({ cni: 'cilium' });
  });

  it('collects every field error', () => {
    const errors = errorsOf(() =>
      validateClusterSettings(
        { name: 'Dev_1', podCidr: '10.0.0.0/33', serviceCidr: 'x', clusterDomain: 'bad_domain', cni: 'romana', kubeProxyMode: 'userspace', nodePortRange: '32767-30000', colour: 'red' },
        { partial: false },
      ),
    );
    expect(errors.map((e) => [e.path, e.reason])).toEqual([
      ['name', 'FieldValueInvalid'],
      ['podCidr', 'FieldValueInvalid'],
      ['serviceCidr', 'FieldValueInvalid'],
      ['clusterDomain', 'FieldValueInvalid'],
      ['cni', 'FieldValueNotSupported'],
      ['kubeProxyMode', 'FieldValueNotSupported'],
      ['nodePortRange', 'FieldValueInvalid'],
      ['colour', 'FieldValueUnknown'],
    ]);
  });

  it('rejects overlapping pod and service CIDRs, naming both', () => {
    const [e] = errorsOf(() => validateClusterSettings({ name: 'dev', podCidr: '10.96.0.0/16' }, { partial: false }));
    expect(e).toMatchObject({ path: 'serviceCidr', reason: 'FieldValueInvalid' });
    expect(e!.message).toContain('10.96.0.0/16');
    expect(e!.message).toContain('10.96.0.0/12');
  });

  it('accepts IPv6 CIDRs and rejects an oversized service range', () => {
    expect(validateClusterSettings({ name: 'v6', podCidr: 'fd00:10:244::/56', serviceCidr: 'fd00:10:96::/112' }, { partial: false }).podCidr).toBe('fd00:10:244::/56');
    expect(errorsOf(() => validateClusterSettings({ name: 'dev', serviceCidr: '10.0.0.0/8', podCidr: '192.168.0.0/16' }, { partial: false }))[0]).toMatchObject({ path: 'serviceCidr' });
  });

  it('rejects a body that is not an object', () => {
    expect(errorsOf(() => validateClusterSettings('dev', { partial: false }))[0]).toMatchObject({ path: '', reason: 'FieldValueTypeInvalid' });
  });
});

describe('mergeClusterSettings', () => {
  const current = validateClusterSettings({ name: 'dev' }, { partial: false });

  it('merges a patch', () => {
    expect(mergeClusterSettings(current, { kubeProxyMode: 'ipvs' })).toEqual({ ...current, kubeProxyMode: 'ipvs' });
  });

  it('re-checks the overlap on the merged result', () => {
    const patch = validateClusterSettings({ podCidr: '10.100.0.0/16' }, { partial: true });
    expect(errorsOf(() => mergeClusterSettings(current, patch))[0]).toMatchObject({ path: 'serviceCidr', reason: 'FieldValueInvalid' });
  });
});

describe('parseNodePortRange', () => {
  it('parses and bounds the range', () => {
    expect(parseNodePortRange('30000-32767')).toEqual({ min: 30000, max: 32767 });
    expect(parseNodePortRange('0-100')).toBeUndefined();
    expect(parseNodePortRange('100-70000')).toBeUndefined();
    expect(parseNodePortRange('200-200')).toBeUndefined();
  });
});
