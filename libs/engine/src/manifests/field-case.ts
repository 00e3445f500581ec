import * as z from 'zod';
import type { FieldPathSegment } from './parse-documents';

/**
 * Warn mode reads a field spelled with other letter case (`containerport`) as the known field
 * (`containerPort`) when the object lacks the latter, as Go's encoding/json does (see
 * TOLERATED_RULES.fieldNameCase). Only keys zod reports as unrecognized are considered.
 */
export interface FieldRename {
  /** Path of the object holding the field. */
  path: FieldPathSegment[];
  from: string;
  to: string;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The schema that validates the value at `path`, when the path goes through objects, arrays, records and optionals only. */
function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let current: z.ZodType = schema;
  let i = 0;
  for (;;) {
    if (current instanceof z.ZodOptional) {
      current = current.unwrap() as z.ZodType;
      continue;
    }
    if (i === path.length) return current;
    const segment = path[i++];
    if (current instanceof z.ZodObject && typeof segment === 'string') {
      const next = (current.shape as Record<string, z.ZodType>)[segment];
      if (!next) return undefined;
      current = next;
    } else if (current instanceof z.ZodArray && typeof segment === 'number') {
      current = current.element as z.ZodType;
    } else if (current instanceof z.ZodRecord) {
      current = current.valueType as z.ZodType;
    } else {
      return undefined;
    }
  }
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') current = current[segment];
    else if (isPlainObject(current) && typeof segment === 'string') current = current[segment];
    else return undefined;
  }
  return current;
}

/** Renames a key in place, keeping the key order. */
function renameKey(object: Record<string, unknown>, from: string, to: string): void {
  const entries = Object.entries(object).map(([k, v]) => [k === from ? to : k, v] as const);
  for (const key of Object.keys(object)) delete object[key];
  for (const [k, v] of entries) object[k] = v;
}

/** Returns the object with case-mismatched field names renamed (a copy when anything changes). */
export function foldFieldNameCase(schema: z.ZodType, object: Record<string, unknown>): { object: Record<string, unknown>; renames: FieldRename[] } {
  let current = object;
  let copied = false;
  const renames: FieldRename[] = [];
  // Each round fixes one nesting level's spelling; manifests are not deeper than this.
  for (let round = 0; round < 16; round++) {
    const parsed = schema.safeParse(current);
    if (parsed.success) break;
    let changed = false;
    for (const issue of parsed.error.issues) {
      if (issue.code !== 'unrecognized_keys') continue;
      const target = schemaAt(schema, issue.path);
      if (!(target instanceof z.ZodObject)) continue;
      const known = Object.keys(target.shape as Record<string, unknown>);
      for (const key of issue.keys) {
        const match = known.find((k) => k !== key && k.toLowerCase() === key.toLowerCase());
        if (!match) continue;
        if (!copied) {
          current = structuredClone(current);
          copied = true;
        }
        const holder = valueAt(current, issue.path);
        if (!isPlainObject(holder) || Object.prototype.hasOwnProperty.call(holder, match)) continue;
        renameKey(holder, key, match);
        renames.push({ path: issue.path.filter((p): p is string | number => typeof p !== 'symbol'), from: key, to: match });
        changed = true;
      }
    }
    if (!changed) break;
  }
  return { object: current, renames };
}
