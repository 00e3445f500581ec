import { DomainError, formatFieldPath, type FieldError } from '@switchyard/engine';
import { z } from 'zod';

/** Validates query parameters; a rejection names the parameter at fault. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  const parsed = schema.safeParse(query ?? {});
  if (parsed.success) return parsed.data;
  throw new DomainError(
    'INVALID',
    'invalid query parameters',
    parsed.error.issues.flatMap((issue): FieldError[] =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ path: key, reason: 'FieldValueUnknown', message: `unknown query parameter "${key}"` }))
        : [{ path: formatFieldPath(issue.path as (string | number)[]), reason: 'FieldValueInvalid', message: issue.message }],
    ),
  );
}

/** `consistent=true`: wait (bounded) until the snapshot has caught up with the latest revision. */
export const consistentFlag = z.enum(['true', 'false']).optional().transform((v) => v === 'true');
