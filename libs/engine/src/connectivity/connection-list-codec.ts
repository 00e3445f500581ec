import type { ConnectionRow } from './connection-list';
import type { ConnectionSet } from './connection-set';

/**
 * A connection list in a compact, JSON-ready form: every workload name and every distinct
 * connection set once, and each row as three indexes into them. At 10k pods the rows repeat a
 * few thousand names and a few hundred sets over ~350k rows: this form is ~15× smaller than the
 * rows as JSON, which is what makes storing one per revision cheap.
 */
export interface EncodedConnectionList {
  format: 'indexed-v1';
  names: string[];
  /** [conn text, connection set] */
  sets: Array<[string, ConnectionSet]>;
  /** src name index, dst name index, set index; three numbers per row, in row order. */
  rows: number[];
}

export function encodeConnectionList(rows: readonly ConnectionRow[]): EncodedConnectionList {
  const names: string[] = [];
  const nameIndex = new Map<string, number>();
  const sets: Array<[string, ConnectionSet]> = [];
  const setIndex = new Map<string, number>();
  const indexOf = (name: string) => {
    let i = nameIndex.get(name);
    if (i === undefined) nameIndex.set(name, (i = names.push(name) - 1));
    return i;
  };
  const flat = new Array<number>(rows.length * 3);
  rows.forEach((row, r) => {
    let s = setIndex.get(row.conn);
    // Rows with the same text share one set (the text is rendered from the set).
    if (s === undefined) setIndex.set(row.conn, (s = sets.push([row.conn, row.connections]) - 1));
    flat[3 * r] = indexOf(row.src);
    flat[3 * r + 1] = indexOf(row.dst);
    flat[3 * r + 2] = s;
  });
  return { format: 'indexed-v1', names, sets, rows: flat };
}

/** The rows of an encoded list; a plain row array (the form stored before) is returned as it is. */
export function decodeConnectionList(stored: EncodedConnectionList | readonly ConnectionRow[]): ConnectionRow[] {
  if (Array.isArray(stored)) return stored as ConnectionRow[];
  const { names, sets, rows } = stored as EncodedConnectionList;
  const out = new Array<ConnectionRow>(rows.length / 3);
  for (let r = 0; r < out.length; r++) {
    const [conn, connections] = sets[rows[3 * r + 2]!]!;
    out[r] = { src: names[rows[3 * r]!]!, dst: names[rows[3 * r + 1]!]!, conn, connections };
  }
  return out;
}
