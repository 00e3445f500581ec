import type { Finding } from './finding';

export interface FindingsReconciliation {
  /** Found now and not open before: the worker records first seen. */
  opened: Finding[];
  /** Found now and open before: the worker updates last seen. */
  stillOpen: Finding[];
  /** Keys open before and not found now: the worker marks them resolved. */
  resolved: string[];
}

/**
 * Compares the open findings stored for a cluster with a fresh audit, by key (a finding's
 * identity: the same problem found again is the same finding). Duplicate keys count once.
 */
export function reconcileFindings(previousOpen: ReadonlyArray<{ key: string }>, current: readonly Finding[]): FindingsReconciliation {
  const before = new Set(previousOpen.map((f) => f.key));
  const now = new Set<string>();
  const opened: Finding[] = [];
  const stillOpen: Finding[] = [];
  for (const f of current) {
    if (now.has(f.key)) continue;
    now.add(f.key);
    (before.has(f.key) ? stillOpen : opened).push(f);
  }
  const resolved = [...before].filter((key) => !now.has(key));
  return { opened, stillOpen, resolved };
}
