import type * as z from 'zod';
import type { FieldError, FieldReason } from '../../errors/domain-error';
import type { ToleratedRule } from '../field-validation';

/**
 * One mapping from zod issues to Kubernetes-style field errors, so schemas never build
 * FieldErrors themselves. Paths stay as segments; the caller prefixes and formats them.
 */
export interface SchemaProblem {
  path: (string | number)[];
  reason: FieldReason;
  message: string;
  /** Set when Warn mode may tolerate the problem (field-validation.ts). */
  rule?: ToleratedRule;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export function schemaProblems(issues: readonly z.core.$ZodIssue[]): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) out.push({ path: [...path, key], reason: 'FieldValueUnknown', message: `unknown field ${JSON.stringify(key)}`, rule: 'unknownField' });
        break;
      case 'invalid_type':
        if (issue.input === undefined) out.push({ path, reason: 'FieldValueRequired', message: 'Required value' });
        else out.push({ path, reason: 'FieldValueTypeInvalid', message: `Invalid value: must be of type ${issue.expected}, got ${describe(issue.input)}` });
        break;
      case 'invalid_value':
        out.push({
          path,
          reason: 'FieldValueNotSupported',
          message: `Unsupported value: ${JSON.stringify(issue.input)}: supported values: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`,
        });
        break;
      case 'too_big':
        out.push({
          path,
          reason: issue.origin === 'string' || issue.origin === 'array' ? 'FieldValueTooLong' : 'FieldValueInvalid',
          message: issue.origin === 'number' ? `Invalid value: must be less than or equal to ${String(issue.maximum)}` : `Too long: may not have more than ${String(issue.maximum)} items`,
        });
        break;
      case 'too_small':
        out.push({
          path,
          reason: issue.origin === 'array' && issue.minimum === 1 ? 'FieldValueRequired' : 'FieldValueInvalid',
          message: issue.origin === 'number' ? `Invalid value: must be greater than or equal to ${String(issue.minimum)}` : `Invalid value: must have at least ${String(issue.minimum)} items`,
        });
        break;
      case 'invalid_union':
        out.push({ path, reason: 'FieldValueTypeInvalid', message: 'Invalid value: does not match any accepted type' });
        break;
      case 'custom': {
        const params = issue.params as { reason?: FieldReason; rule?: ToleratedRule } | undefined;
        out.push({ path, reason: params?.reason ?? 'FieldValueInvalid', message: issue.message, ...(params?.rule ? { rule: params.rule } : {}) });
        break;
      }
      default:
        out.push({ path, reason: 'FieldValueInvalid', message: `Invalid value: ${issue.message}` });
    }
  }
  return out;
}
