import { parseIpAddress } from '../addresses/cidr-blocks';
import { EXTERNAL_SUFFIX, externalRangeName, type ConnectionRow } from '../connectivity/connection-list';
import type { ConnectionSet } from '../connectivity/connection-set';

/**
 * The connectivity diff of two connection lists, as np-guard/netpol-analyzer's `diff` prints
 * it: one row per (source, destination) whose allowed set differs, typed `changed` (allowed in
 * both, differently), `added` (allowed only after) or `removed` (allowed only before); the
 * absent side reads `No Connections`. A row naming a workload that exists on one side only
 * carries `workloadsInfo` (`workload a/b[Deployment] added`, `workload x and y removed`).
 */
export type ConnectionDiffType = 'added' | 'removed' | 'changed';

export interface ConnectionDiff {
  type: ConnectionDiffType;
  source: string;
  destination: string;
  /** The before side as the peer prints it; 'No Connections' when absent. */
  old: string;
  /** The after side; 'No Connections' when absent. */
  new: string;
  /** Set when the source and/or destination workload exists on one side only. */
  workloadsInfo?: string;
  oldConnections?: ConnectionSet;
  newConnections?: ConnectionSet;
}

export interface ConnectionDiffOptions {
  /**
   * Every workload (`ns/name[Kind]`) of each side, including those without any allowed row.
   * Omitted: the workloads named by that side's rows (an isolated workload then looks new or lost).
   */
  beforeWorkloads?: Iterable<string>;
  afterWorkloads?: Iterable<string>;
}

export type ConnectionDiffFormat = 'txt' | 'csv' | 'md' | 'json';

export interface RenderConnectionDiffOptions {
  /** Column names of the two sides: the peer's default is ref1/ref2 (old/new and dir1/dir2 in other modes). */
  labels?: readonly [string, string];
}

export const NO_CONNECTIONS = 'No Connections';
export const INGRESS_CONTROLLER_PEER = '{ingress-controller}';

const isExternal = (name: string): boolean => name.endsWith(EXTERNAL_SUFFIX);
const isWorkload = (name: string): boolean => !isExternal(name) && name !== INGRESS_CONTROLLER_PEER;

// ---- external ranges ------------------------------------------------------------------------

interface ParsedRange {
  family: 4 | 6;
  first: bigint;
  last: bigint;
}

/** `10.0.0.0-10.255.255.255[External]` → its bounds (IPv6 ranges are written the same way). */
function parseRange(name: string): ParsedRange | undefined {
  if (!isExternal(name)) return undefined;
  const body = name.slice(0, -EXTERNAL_SUFFIX.length);
  const cut = body.indexOf('-');
  if (cut < 0) return undefined;
  const first = parseIpAddress(body.slice(0, cut));
  const last = parseIpAddress(body.slice(cut + 1));
  if (!first || !last || first.family !== last.family) return undefined;
  return { family: first.family, first: first.value, last: last.value };
}

/**
 * Each side cuts the address space by its own ipBlocks. To compare, the external ranges facing
 * one workload in one role (the sources into it, or the destinations out of it) are split, on
 * both sides, into the common disjoint pieces of that group's ranges of both sides; adjacent
 * ranges with the same connections are first joined (what the peer does before diffing: a
 * workload whose sides were cut differently but allow the same still reads as one range).
 */
function refineExternal(before: readonly ConnectionRow[], after: readonly ConnectionRow[]): [ConnectionRow[], ConnectionRow[]] {
  type Group = { rows: [ConnectionRow[], ConnectionRow[]] };
  const groups = new Map<string, Group>();
  const plain: [ConnectionRow[], ConnectionRow[]] = [[], []];
  // A few range names recur on every workload's rows: parse each once.
  const parsed = new Map<string, ParsedRange | undefined>();
  const rangeOf = (name: string): ParsedRange | undefined => {
    if (!isExternal(name)) return undefined;
    if (!parsed.has(name)) parsed.set(name, parseRange(name));
    return parsed.get(name);
  };
  [before, after].forEach((rows, side) => {
    for (const row of rows) {
      const srcRange = rangeOf(row.src);
      const dstRange = rangeOf(row.dst);
      if (!srcRange === !dstRange) {
        plain[side]!.push(row);
        continue;
      }
      const key = srcRange ? `dst\u0000${row.dst}` : `src\u0000${row.src}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { rows: [[], []] }));
      group.rows[side]!.push(row);
    }
  });
  const order = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
  const out: [ConnectionRow[], ConnectionRow[]] = [[...plain[0]], [...plain[1]]];
  for (const [key, group] of groups) {
    // The same rows on both sides refine to the same rows: no difference can come of them.
    const [b, a] = group.rows;
    if (b.length === a.length && b.every((row, i) => row.src === a[i]!.src && row.dst === a[i]!.dst && row.conn === a[i]!.conn)) continue;
    const role = key.startsWith('dst') ? 'src' : 'dst';
    const ranged = group.rows.map((rows) => joinAdjacent(rows.map((row) => ({ row, range: rangeOf(row[role])! }))));
    const bounds: Record<4 | 6, Set<bigint>> = { 4: new Set(), 6: new Set() };
    for (const { range } of ranged.flat()) {
      bounds[range.family].add(range.first);
      bounds[range.family].add(range.last + 1n);
    }
    const sorted = { 4: [...bounds[4]].sort(order), 6: [...bounds[6]].sort(order) };
    ranged.forEach((list, side) => {
      for (const { row, range } of list) {
        let start = range.first;
        const piece = (first: bigint, last: bigint) => out[side]!.push({ ...row, [role]: externalRangeName(range.family, first, last) });
        for (const cut of sorted[range.family].filter((b) => b > range.first && b <= range.last)) {
          piece(start, cut - 1n);
          start = cut;
        }
        piece(start, range.last);
      }
    });
  }
  return out;
}

/** Adjacent ranges (same family, contiguous) with the same connections become one. */
function joinAdjacent(list: { row: ConnectionRow; range: ParsedRange }[]): { row: ConnectionRow; range: ParsedRange }[] {
  const sorted = [...list].sort((a, b) => a.range.family - b.range.family || (a.range.first < b.range.first ? -1 : a.range.first > b.range.first ? 1 : 0));
  const out: { row: ConnectionRow; range: ParsedRange }[] = [];
  for (const item of sorted) {
    const last = out[out.length - 1];
    if (last && last.range.family === item.range.family && last.range.last + 1n === item.range.first && last.row.conn === item.row.conn) {
      last.range = { ...last.range, last: item.range.last };
    } else out.push({ row: item.row, range: { ...item.range } });
  }
  return out;
}

// ---- the diff -------------------------------------------------------------------------------

const TYPE_ORDER: Record<ConnectionDiffType, number> = { changed: 0, added: 1, removed: 2 };

/** Orders rows by source, then destination (code-unit order; any total order serves the merge below). */
const bySourceAndDestination = (x: ConnectionRow, y: ConnectionRow): number =>
  x.src < y.src ? -1 : x.src > y.src ? 1 : x.dst < y.dst ? -1 : x.dst > y.dst ? 1 : 0;

/** The rows sorted by (source, destination), one per pair (the last given wins, as in a map). */
function sortedUnique(rows: readonly ConnectionRow[]): ConnectionRow[] {
  const sorted = [...rows].sort(bySourceAndDestination);
  return sorted.filter((row, i) => i + 1 === sorted.length || bySourceAndDestination(row, sorted[i + 1]!) !== 0);
}

/**
 * Rows whose allowed set differs between `before` and `after`, in the peer's order. Both sides
 * are walked once in (source, destination) order: lists of hundreds of thousands of rows (a
 * 10k-pod cluster) are compared without keying every row by a string.
 */
export function diffConnections(before: readonly ConnectionRow[], after: readonly ConnectionRow[], options: ConnectionDiffOptions = {}): ConnectionDiff[] {
  const [refinedBefore, refinedAfter] = refineExternal(before, after).map(sortedUnique) as [ConnectionRow[], ConnectionRow[]];
  // Which workloads each side has matters only for rows present on one side: found on first need.
  const workloadsOf = (given: Iterable<string> | undefined, rows: readonly ConnectionRow[]): Set<string> => {
    if (given) return new Set(given);
    const names = new Set<string>();
    for (const r of rows) {
      if (isWorkload(r.src)) names.add(r.src);
      if (isWorkload(r.dst)) names.add(r.dst);
    }
    return names;
  };
  let beforeWorkloads: Set<string> | undefined;
  let afterWorkloads: Set<string> | undefined;

  const out: ConnectionDiff[] = [];
  let i = 0;
  let j = 0;
  while (i < refinedBefore.length || j < refinedAfter.length) {
    const b = refinedBefore[i];
    const a = refinedAfter[j];
    const order = !b ? 1 : !a ? -1 : bySourceAndDestination(b, a);
    if (order === 0) {
      if (a!.conn !== b!.conn) out.push({ type: 'changed', source: b!.src, destination: b!.dst, old: b!.conn, new: a!.conn, oldConnections: b!.connections, newConnections: a!.connections });
      i++;
      j++;
    } else if (order < 0) {
      const info = workloadsInfo(b!.src, b!.dst, (afterWorkloads ??= workloadsOf(options.afterWorkloads, after)), 'removed');
      out.push({ type: 'removed', source: b!.src, destination: b!.dst, old: b!.conn, new: NO_CONNECTIONS, ...(info ? { workloadsInfo: info } : {}), oldConnections: b!.connections });
      i++;
    } else {
      const info = workloadsInfo(a!.src, a!.dst, (beforeWorkloads ??= workloadsOf(options.beforeWorkloads, before)), 'added');
      out.push({ type: 'added', source: a!.src, destination: a!.dst, old: NO_CONNECTIONS, new: a!.conn, ...(info ? { workloadsInfo: info } : {}), newConnections: a!.connections });
      j++;
    }
  }
  return sortDiffRows(out);
}

/** `workload X added`, `workload X and Y removed`: the workloads of the row missing from the other side. */
function workloadsInfo(src: string, dst: string, otherSide: ReadonlySet<string>, type: 'added' | 'removed'): string | undefined {
  const missing = [src, dst].filter((n) => isWorkload(n) && !otherSide.has(n));
  return missing.length > 0 ? `workload ${missing.join(' and ')} ${type}` : undefined;
}

/**
 * The peer's order: rows not from the ingress controller first, then its rows; within each,
 * changed, added, removed; within each type, sorted as text (source, then destination).
 */
export function sortDiffRows(rows: readonly ConnectionDiff[]): ConnectionDiff[] {
  const text = (r: ConnectionDiff) => `${r.source}, destination: ${r.destination}`;
  return [...rows].sort((x, y) => {
    const gx = x.source === INGRESS_CONTROLLER_PEER ? 1 : 0;
    const gy = y.source === INGRESS_CONTROLLER_PEER ? 1 : 0;
    if (gx !== gy) return gx - gy;
    if (x.type !== y.type) return TYPE_ORDER[x.type] - TYPE_ORDER[y.type];
    const a = text(x);
    const b = text(y);
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

// ---- rendering ------------------------------------------------------------------------------

/** A CSV field as Go's encoding/csv writes it: quoted when it holds a comma, quote, newline or leading space. */
function csvField(value: string): string {
  if (value === '' || !/[",\r\n]/.test(value) && !value.startsWith(' ')) return value;
  return `"${value.replace(/"/g, '""')}"`;
}

/** The peer's diff output. No row: empty text (the peer prints nothing when nothing changed). */
export function renderConnectionDiff(rows: readonly ConnectionDiff[], format: ConnectionDiffFormat, options: RenderConnectionDiffOptions = {}): string {
  const [l1, l2] = options.labels ?? ['ref1', 'ref2'];
  if (rows.length === 0) return format === 'json' ? '[]' : '';
  switch (format) {
    case 'txt':
      return [
        'Connectivity diff:',
        ...rows.map(
          (r) =>
            `diff-type: ${r.type}, source: ${r.source}, destination: ${r.destination}, ${l1}: ${r.old}, ${l2}: ${r.new}${r.workloadsInfo ? `, workloads-diff-info: ${r.workloadsInfo}` : ''}`,
        ),
      ].join('\n');
    case 'csv':
      return (
        [['diff-type', 'source', 'destination', l1, l2, 'workloads-diff-info'], ...rows.map((r) => [r.type, r.source, r.destination, r.old, r.new, r.workloadsInfo ?? ''])]
          .map((fields) => fields.map(csvField).join(','))
          .join('\n') + '\n'
      );
    case 'md':
      // The separator row is fixed whatever the labels (as the peer writes it).
      return [
        `| diff-type | source | destination | ${l1} | ${l2} | workloads-diff-info |`,
        '|-----------|--------|-------------|------|------|---------------------|',
        ...rows.map((r) => `| ${r.type} | ${r.source} | ${r.destination} | ${r.old} | ${r.new} | ${r.workloadsInfo ?? ''} |`),
      ].join('\n');
    case 'json':
      // The peer has no JSON diff; this mirrors its csv columns.
      return JSON.stringify(
        rows.map((r) => ({ 'diff-type': r.type, source: r.source, destination: r.destination, [l1]: r.old, [l2]: r.new, 'workloads-diff-info': r.workloadsInfo ?? '' })),
        null,
        2,
      );
  }
}
