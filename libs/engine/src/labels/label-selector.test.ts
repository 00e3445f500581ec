import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors/domain-error';
import {
  compileLabelSelector,
  compileLabelSelectorString,
  compileStringRequirements,
  formatLabelSelectorString,
  parseLabelSelectorString,
  toSetRequirements,
  type StringRequirement,
} from './label-selector';

const key = fc.constantFrom('app', 'tier', 'example.com/team', 'env');
const value = fc.constantFrom('a', 'b', 'web', 'db', '');
const nonEmptyValue = fc.constantFrom('a', 'b', 'web', 'db');
const labels = fc.dictionary(key, value);

const requirement: fc.Arbitrary<StringRequirement> = fc.oneof(
  fc.record({ key, operator: fc.constantFrom('=' as const, '==' as const, '!=' as const), values: fc.tuple(value) }),
  fc.record({ key, operator: fc.constantFrom('in' as const, 'notin' as const), values: fc.uniqueArray(nonEmptyValue, { minLength: 1, maxLength: 3 }) }),
  fc.record({ key, operator: fc.constantFrom('exists' as const, '!' as const) }),
);

describe('parseLabelSelectorString', () => {
  it('parses every operator, whitespace-tolerant', () => {
    expect(parseLabelSelectorString(' app = web , tier==db,env!=prod, team in (a, b),x notin (c),has,!gone ')).toEqual([
      { key: 'app', operator: '=', values: ['web'] },
      { key: 'tier', operator: '==', values: ['db'] },
      { key: 'env', operator: '!=', values: ['prod'] },
      { key: 'team', operator: 'in', values: ['a', 'b'] },
      { key: 'x', operator: 'notin', values: ['c'] },
      { key: 'has', operator: 'exists' },
      { key: 'gone', operator: '!' },
    ]);
    expect(parseLabelSelectorString('')).toEqual([]);
  });

  it.each(['app=', 'a in ()', 'a in (x', 'a b', '=x', 'a,,b', 'bad key=x', 'a=b=c', 'a=in valid'])('rejects %j on labelSelector', (s) => {
    if (s === 'app=') {
      // An empty value is valid: it selects objects whose label is the empty string.
      expect(parseLabelSelectorString(s)).toEqual([{ key: 'app', operator: '=', values: [''] }]);
      return;
    }
    try {
      parseLabelSelectorString(s);
      expect.unreachable(`${s} should be rejected`);
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('INVALID');
      expect((e as DomainError).errors[0]).toMatchObject({ path: 'labelSelector', reason: 'FieldValueInvalid' });
    }
  });

  it('rejects invalid keys and values', () => {
    expect(() => parseLabelSelectorString('-a=b')).toThrow(DomainError);
    expect(() => parseLabelSelectorString('a=b/c')).toThrow(DomainError);
  });

  it('round-trips through formatLabelSelectorString', () => {
    fc.assert(
      fc.property(fc.array(requirement, { maxLength: 5 }), (reqs) => {
        expect(parseLabelSelectorString(formatLabelSelectorString(reqs))).toEqual(reqs);
      }),
    );
  });
});

describe('compileLabelSelector', () => {
  it('empty selector matches everything; null and undefined match nothing', () => {
    expect(compileLabelSelector({})({})).toBe(true);
    expect(compileLabelSelector({ matchLabels: {}, matchExpressions: [] })({ a: 'b' })).toBe(true);
    expect(compileLabelSelector(null)({})).toBe(false);
    expect(compileLabelSelector(undefined)({ a: 'b' })).toBe(false);
  });

  it('NotIn and DoesNotExist match objects lacking the key; In and Exists do not', () => {
    const sel = (operator: string, values?: string[]) => compileLabelSelector({ matchExpressions: [{ key: 'k', operator, values }] });
    expect(sel('In', ['v'])({})).toBe(false);
    expect(sel('NotIn', ['v'])({})).toBe(true);
    expect(sel('Exists')({})).toBe(false);
    expect(sel('DoesNotExist')({})).toBe(true);
    expect(sel('NotIn', ['v'])({ k: 'v' })).toBe(false);
    expect(sel('DoesNotExist')({ k: '' })).toBe(false);
  });

  it('ANDs matchLabels and matchExpressions', () => {
    const p = compileLabelSelector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] });
    expect(p({ app: 'web', tier: 'x' })).toBe(true);
    expect(p({ app: 'web' })).toBe(false);
    expect(p({ tier: 'x' })).toBe(false);
  });

  it('rejects an unknown operator', () => {
    expect(() => compileLabelSelector({ matchExpressions: [{ key: 'k', operator: 'Gt', values: ['1'] }] })).toThrow(DomainError);
  });

  it('NotIn is the negation of In for objects having the key', () => {
    fc.assert(
      fc.property(labels, key, fc.uniqueArray(value, { minLength: 1 }), (l, k, vs) => {
        fc.pre(k in l);
        const inP = compileLabelSelector({ matchExpressions: [{ key: k, operator: 'In', values: vs }] });
        const notInP = compileLabelSelector({ matchExpressions: [{ key: k, operator: 'NotIn', values: vs }] });
        expect(notInP(l)).toBe(!inP(l));
      }),
    );
  });

  it('matchLabels is equivalent to single-value In expressions', () => {
    fc.assert(
      fc.property(fc.dictionary(key, value), labels, (matchLabels, l) => {
        const a = compileLabelSelector({ matchLabels });
        const b = compileLabelSelector({ matchExpressions: Object.entries(matchLabels).map(([k, v]) => ({ key: k, operator: 'In', values: [v] })) });
        expect(a(l)).toBe(b(l));
      }),
    );
  });

  it('string requirements agree with the equivalent API selector', () => {
    fc.assert(
      fc.property(fc.array(requirement, { maxLength: 4 }), labels, (reqs, l) => {
        const api = compileLabelSelector({
          matchExpressions: reqs.map((r) => {
            switch (r.operator) {
              case '=':
              case '==':
              case 'in':
                return { key: r.key, operator: 'In', values: r.values };
              case '!=':
              case 'notin':
                return { key: r.key, operator: 'NotIn', values: r.values };
              case 'exists':
                return { key: r.key, operator: 'Exists' };
              case '!':
                return { key: r.key, operator: 'DoesNotExist' };
            }
          }),
        });
        expect(compileStringRequirements(reqs)(l)).toBe(api(l));
        expect(compileLabelSelectorString(formatLabelSelectorString(reqs))(l)).toBe(api(l));
      }),
    );
  });
});

describe('toSetRequirements', () => {
  it('normalizes the string syntax to In, NotIn, Exists and DoesNotExist', () => {
    expect(toSetRequirements(parseLabelSelectorString('a=1,b==2,c!=3,d in (x,y),e notin (z),f,!g'))).toEqual([
      { key: 'a', operator: 'In', values: ['1'] },
      { key: 'b', operator: 'In', values: ['2'] },
      { key: 'c', operator: 'NotIn', values: ['3'] },
      { key: 'd', operator: 'In', values: ['x', 'y'] },
      { key: 'e', operator: 'NotIn', values: ['z'] },
      { key: 'f', operator: 'Exists', values: [] },
      { key: 'g', operator: 'DoesNotExist', values: [] },
    ]);
  });

  it('keeps the meaning: as a matchExpressions selector it matches what the string requirements match', () => {
    fc.assert(
      fc.property(fc.array(requirement, { maxLength: 4 }), labels, (reqs, l) => {
        const selector = compileLabelSelector({ matchExpressions: toSetRequirements(reqs) });
        expect(selector(l)).toBe(compileStringRequirements(reqs)(l));
      }),
    );
  });
});
