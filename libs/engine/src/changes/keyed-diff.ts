import { compareText } from '../cluster/text-order';

export type ChangeKind = 'added' | 'removed' | 'changed';

/**
 * The rows between two keyed maps: `removed` for keys only before, `changed` where `same` says
 * the values differ, `added` for keys only after; sorted by key.
 */
export function diffKeyed<T, R>(
  before: ReadonlyMap<string, T>,
  after: ReadonlyMap<string, T>,
  same: (a: T, b: T) => boolean,
  make: (change: ChangeKind, old: T | undefined, now: T | undefined, key: string) => R,
): R[] {
  const out: { key: string; row: R }[] = [];
  for (const [key, old] of before) {
    const now = after.get(key);
    if (now === undefined) out.push({ key, row: make('removed', old, undefined, key) });
    else if (!same(old, now)) out.push({ key, row: make('changed', old, now, key) });
  }
  for (const [key, now] of after) if (!before.has(key)) out.push({ key, row: make('added', undefined, now, key) });
  return out.sort((a, b) => compareText(a.key, b.key)).map((x) => x.row);
}
