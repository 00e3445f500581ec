import { Prisma } from './generated/prisma/client';
import type { StringRequirement } from '@switchyard/engine';

export interface ObjectFilter {
  kind?: string;
  namespace?: string;
  labelSelector?: StringRequirement[];
}

/** Position after the last row of a page: lists are ordered by (kind, namespace, name). */
export interface PageCursor {
  kind: string;
  namespace: string;
  name: string;
  /** The revision the first page was read at: later pages read the same revision. */
  revision: number;
}

/** SQL condition over a row's `labels` (jsonb) for one label-selector requirement. */
function labelCondition(requirement: StringRequirement): Prisma.Sql {
  const { key } = requirement;
  switch (requirement.operator) {
    case '=':
    case '==':
    case 'in':
      return Prisma.sql`(labels ->> ${key}) = ANY(${requirement.values}::text[])`;
    case '!=':
    case 'notin':
      // Kubernetes: notin and != also match objects that lack the key.
      return Prisma.sql`NOT COALESCE((labels ->> ${key}) = ANY(${requirement.values}::text[]), false)`;
    case 'exists':
      return Prisma.sql`jsonb_exists(labels, ${key})`;
    case '!':
      return Prisma.sql`NOT jsonb_exists(labels, ${key})`;
  }
}

export function filterConditions(filter: ObjectFilter, after?: PageCursor): Prisma.Sql {
  const conditions: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (filter.kind) conditions.push(Prisma.sql`kind = ${filter.kind}`);
  if (filter.namespace !== undefined) conditions.push(Prisma.sql`namespace = ${filter.namespace}`);
  for (const requirement of filter.labelSelector ?? []) conditions.push(labelCondition(requirement));
  if (after) conditions.push(Prisma.sql`(kind, namespace, name) > (${after.kind}, ${after.namespace}, ${after.name})`);
  return Prisma.join(conditions, ' AND ');
}

export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.revision, cursor.kind, cursor.namespace, cursor.name])).toString('base64url');
}

export function decodeCursor(token: string): PageCursor | undefined {
  try {
    const [revision, kind, namespace, name] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof revision !== 'number' || ![kind, namespace, name].every((s) => typeof s === 'string')) return undefined;
    return { revision, kind, namespace, name };
  } catch {
    return undefined;
  }
}
