import { DomainError } from '../errors/domain-error';
import { checkLabelValue, checkQualifiedName } from '../manifests/names';

/**
 * Label selectors, both the API object (`matchLabels` + `matchExpressions`) and the query
 * string syntax (`a=b,c in (x,y),!d`). Both compile to the same predicate over a label map.
 */
export type Labels = Readonly<Record<string, string>>;
export type LabelPredicate = (labels: Labels) => boolean;

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelSelectorRequirement {
  key: string;
  operator: SelectorOperator | string;
  values?: string[] | null;
}

export interface LabelSelector {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: LabelSelectorRequirement[] | null;
}

/** One requirement of the string syntax, kept with the spelling the user chose. */
export type StringRequirement =
  | { key: string; operator: '=' | '==' | '!='; values: [string] }
  | { key: string; operator: 'in' | 'notin'; values: string[] }
  | { key: string; operator: 'exists' | '!' };

/**
 * A requirement in set form, with the four operators of the API's matchExpressions: what
 * stores and queries consume (`=`/`==`/`in` become In, `!=`/`notin` NotIn, `exists` Exists,
 * `!` DoesNotExist). Exists and DoesNotExist have `values: []`.
 */
export interface LabelRequirement {
  key: string;
  operator: SelectorOperator;
  values: string[];
}

/** Normalizes requirements of the string syntax to set form (same meaning, four operators). */
export function toSetRequirements(requirements: readonly StringRequirement[]): LabelRequirement[] {
  return requirements.map((r): LabelRequirement => {
    switch (r.operator) {
      case '=':
      case '==':
      case 'in':
        return { key: r.key, operator: 'In', values: [...r.values] };
      case '!=':
      case 'notin':
        return { key: r.key, operator: 'NotIn', values: [...r.values] };
      case 'exists':
        return { key: r.key, operator: 'Exists', values: [] };
      case '!':
        return { key: r.key, operator: 'DoesNotExist', values: [] };
    }
  });
}

function has(labels: Labels, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(labels, key);
}

/** One requirement's test. NotIn and DoesNotExist match objects lacking the key; In does not. */
function requirementPredicate(key: string, operator: SelectorOperator, values: readonly string[]): LabelPredicate {
  const set = new Set(values);
  switch (operator) {
    case 'In':
      return (labels) => has(labels, key) && set.has(labels[key]!);
    case 'NotIn':
      return (labels) => !has(labels, key) || !set.has(labels[key]!);
    case 'Exists':
      return (labels) => has(labels, key);
    case 'DoesNotExist':
      return (labels) => !has(labels, key);
  }
}

/**
 * An equality-only selector (a Service's or ReplicationController's `spec.selector`): every pair
 * must be present with that value. The map form of `compileLabelSelector({ matchLabels })`.
 */
export function matchesLabelMap(selector: Readonly<Record<string, string>>, labels: Labels): boolean {
  for (const key in selector) if (labels[key] !== selector[key]) return false;
  return true;
}

function allOf(predicates: LabelPredicate[]): LabelPredicate {
  if (predicates.length === 0) return () => true;
  if (predicates.length === 1) return predicates[0]!;
  return (labels) => predicates.every((p) => p(labels));
}

/**
 * Compiles an API label selector. An empty selector (`{}`) matches everything; a null or
 * omitted one matches nothing: callers for whom "omitted" means something else (a
 * NetworkPolicy peer without namespaceSelector means "own namespace") decide before calling.
 */
export function compileLabelSelector(selector: LabelSelector | null | undefined): LabelPredicate {
  if (selector === null || selector === undefined) return () => false;
  const predicates: LabelPredicate[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    predicates.push(requirementPredicate(key, 'In', [value]));
  }
  for (const [i, expr] of (selector.matchExpressions ?? []).entries()) {
    const op = expr.operator;
    if (op !== 'In' && op !== 'NotIn' && op !== 'Exists' && op !== 'DoesNotExist') {
      throw new DomainError('INVALID', `unsupported label selector operator "${op}"`, [
        { path: `matchExpressions[${i}].operator`, reason: 'FieldValueNotSupported', message: `Unsupported value: "${op}": supported values: "In", "NotIn", "Exists", "DoesNotExist"` },
      ]);
    }
    predicates.push(requirementPredicate(expr.key, op, expr.values ?? []));
  }
  return allOf(predicates);
}

/** The predicate of requirements parsed from the string syntax (`!=` behaves like NotIn). */
export function compileStringRequirements(requirements: readonly StringRequirement[]): LabelPredicate {
  return allOf(
    requirements.map((r) => {
      switch (r.operator) {
        case '=':
        case '==':
        case 'in':
          return requirementPredicate(r.key, 'In', r.values);
        case '!=':
        case 'notin':
          return requirementPredicate(r.key, 'NotIn', r.values);
        case 'exists':
          return requirementPredicate(r.key, 'Exists', []);
        case '!':
          return requirementPredicate(r.key, 'DoesNotExist', []);
      }
    }),
  );
}

/** Canonical string form; `parseLabelSelectorString(formatLabelSelectorString(r))` gives `r` back. */
export function formatLabelSelectorString(requirements: readonly StringRequirement[]): string {
  return requirements
    .map((r) => {
      switch (r.operator) {
        case '=':
        case '==':
        case '!=':
          return `${r.key}${r.operator}${r.values[0]}`;
        case 'in':
        case 'notin':
          return `${r.key} ${r.operator} (${r.values.join(',')})`;
        case 'exists':
          return r.key;
        case '!':
          return `!${r.key}`;
      }
    })
    .join(',');
}

type Token =
  | { type: 'id'; text: string; at: number }
  | { type: 'op'; text: '=' | '==' | '!=' | '!' | ',' | '(' | ')'; at: number }
  | { type: 'end'; at: number };

function invalid(message: string): DomainError {
  return new DomainError('INVALID', `invalid label selector: ${message}`, [{ path: 'labelSelector', reason: 'FieldValueInvalid', message }]);
}

/** Tokens as in k8s.io/apimachinery/pkg/labels/selector.go: identifiers end at space or a special character. */
function tokenize(s: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '=' && s[i + 1] === '=') {
      tokens.push({ type: 'op', text: '==', at: i });
      i += 2;
    } else if (c === '!' && s[i + 1] === '=') {
      tokens.push({ type: 'op', text: '!=', at: i });
      i += 2;
    } else if (c === '=' || c === '!' || c === ',' || c === '(' || c === ')') {
      tokens.push({ type: 'op', text: c, at: i });
      i++;
    } else {
      const start = i;
      while (i < s.length && !/[\s=!,()]/.test(s[i]!)) i++;
      tokens.push({ type: 'id', text: s.slice(start, i), at: start });
    }
  }
  tokens.push({ type: 'end', at: s.length });
  return tokens;
}

function checkKey(key: string): void {
  const problems = checkQualifiedName(key);
  if (problems.length) throw invalid(`key "${key}": ${problems.join('; ')}`);
}

function checkValue(value: string): void {
  const problems = checkLabelValue(value);
  if (problems.length) throw invalid(`value "${value}": ${problems.join('; ')}`);
}

/** Parses `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, comma-separated. */
export function parseLabelSelectorString(s: string): StringRequirement[] {
  const tokens = tokenize(s);
  let pos = 0;
  const peek = (): Token => tokens[pos]!;
  const next = (): Token => tokens[pos++]!;
  const requirements: StringRequirement[] = [];
  if (peek().type === 'end') return requirements;

  for (;;) {
    let t = next();
    if (t.type === 'op' && t.text === '!') {
      const key = next();
      if (key.type !== 'id') throw invalid(`expected a key after '!' at position ${key.at}`);
      checkKey(key.text);
      requirements.push({ key: key.text, operator: '!' });
    } else if (t.type === 'id') {
      const key = t.text;
      checkKey(key);
      const op = peek();
      if (op.type === 'end' || (op.type === 'op' && op.text === ',')) {
        requirements.push({ key, operator: 'exists' });
      } else if (op.type === 'op' && (op.text === '=' || op.text === '==' || op.text === '!=')) {
        next();
        // An empty value is allowed (`a=`): the next token is then ',' or the end.
        const v = peek();
        let value = '';
        if (v.type === 'id') {
          value = v.text;
          next();
        } else if (!(v.type === 'end' || (v.type === 'op' && v.text === ','))) {
          throw invalid(`expected a value at position ${v.at}`);
        }
        checkValue(value);
        requirements.push({ key, operator: op.text, values: [value] });
      } else if (op.type === 'id' && (op.text === 'in' || op.text === 'notin')) {
        next();
        const open = next();
        if (!(open.type === 'op' && open.text === '(')) throw invalid(`expected '(' at position ${open.at}`);
        const values: string[] = [];
        for (;;) {
          const v = next();
          if (v.type === 'id') {
            checkValue(v.text);
            values.push(v.text);
            const sep = next();
            if (sep.type === 'op' && sep.text === ')') break;
            if (!(sep.type === 'op' && sep.text === ',')) throw invalid(`expected ',' or ')' at position ${sep.at}`);
          } else if (v.type === 'op' && v.text === ')' && values.length === 0) {
            break;
          } else {
            throw invalid(`expected a value at position ${v.at}`);
          }
        }
        if (values.length === 0) throw invalid(`for 'in' and 'notin' operators, values set can't be empty (key "${key}")`);
        requirements.push({ key, operator: op.text, values });
      } else {
        throw invalid(`unexpected "${op.text}" at position ${op.at}`);
      }
    } else {
      throw invalid(`expected a key at position ${t.at}`);
    }
    t = next();
    if (t.type === 'end') return requirements;
    if (!(t.type === 'op' && t.text === ',')) throw invalid(`expected ',' at position ${t.at}`);
  }
}

/** Parses a query-string selector and compiles it in one step. */
export function compileLabelSelectorString(s: string): LabelPredicate {
  return compileStringRequirements(parseLabelSelectorString(s));
}
