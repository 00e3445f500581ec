import type { Protocol } from '../workloads/pods-from-workloads';

/**
 * A set of connections: per protocol, sorted disjoint inclusive port ranges within 1–65535.
 * Plain data (serialisable); every operation returns a new set.
 */
export type PortRanges = ReadonlyArray<readonly [number, number]>;
export type ConnectionSet = Readonly<Record<Protocol, PortRanges>>;

export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];
export const MIN_PORT = 1;
export const MAX_PORT = 65535;
const FULL: PortRanges = [[MIN_PORT, MAX_PORT]];

export const emptyConnections = (): ConnectionSet => ({ TCP: [], UDP: [], SCTP: [] });
export const allConnections = (): ConnectionSet => ({ TCP: FULL, UDP: FULL, SCTP: FULL });

export function connectionsOf(protocol: Protocol, from: number, to: number): ConnectionSet {
  const lo = Math.max(from, MIN_PORT);
  const hi = Math.min(to, MAX_PORT);
  const set = { TCP: [], UDP: [], SCTP: [] } as Record<Protocol, PortRanges>;
  if (lo <= hi) set[protocol] = [[lo, hi]];
  return set;
}

function unionRanges(a: PortRanges, b: PortRanges): PortRanges {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const all = [...a, ...b].sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of all) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function intersectRanges(a: PortRanges, b: PortRanges): PortRanges {
  const out: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i]![0], b[j]![0]);
    const hi = Math.min(a[i]![1], b[j]![1]);
    if (lo <= hi) out.push([lo, hi]);
    if (a[i]![1] < b[j]![1]) i++;
    else j++;
  }
  return out;
}

export function unionConnections(a: ConnectionSet, b: ConnectionSet): ConnectionSet {
  return { TCP: unionRanges(a.TCP, b.TCP), UDP: unionRanges(a.UDP, b.UDP), SCTP: unionRanges(a.SCTP, b.SCTP) };
}

export function intersectConnections(a: ConnectionSet, b: ConnectionSet): ConnectionSet {
  return { TCP: intersectRanges(a.TCP, b.TCP), UDP: intersectRanges(a.UDP, b.UDP), SCTP: intersectRanges(a.SCTP, b.SCTP) };
}

export const isEmptyConnections = (c: ConnectionSet): boolean => PROTOCOLS.every((p) => c[p].length === 0);

const isFull = (r: PortRanges): boolean => r.length === 1 && r[0]![0] === MIN_PORT && r[0]![1] === MAX_PORT;
export const isAllConnections = (c: ConnectionSet): boolean => PROTOCOLS.every((p) => isFull(c[p]));

export function connectionsInclude(c: ConnectionSet, protocol: Protocol, port: number): boolean {
  return c[protocol].some(([lo, hi]) => port >= lo && port <= hi);
}

/**
 * The peer analyzer's text: `All Connections`, or protocols in alphabetical order (SCTP, TCP,
 * UDP, as its goldens show) each with its ranges, e.g. `TCP 8080,9090-9100,UDP 53`.
 */
export function formatConnections(c: ConnectionSet): string {
  if (isAllConnections(c)) return 'All Connections';
  if (isEmptyConnections(c)) return 'No Connections';
  return (['SCTP', 'TCP', 'UDP'] as const)
    .filter((p) => c[p].length > 0)
    .map((p) => `${p} ${c[p].map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(',')}`)
    .join(',');
}

/**
 * Distinct connection sets by integer id (the first one interned gets 0), with their text:
 * most pairs of a connection list share a handful of sets, so rows can share one object each.
 */
export class ConnectionInterner {
  private readonly sets: ConnectionSet[] = [];
  private readonly texts: string[] = [];
  private readonly ids = new Map<string, number>();

  intern(c: ConnectionSet): number {
    const text = formatConnections(c);
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.sets.length;
      this.ids.set(text, id);
      this.sets.push(c);
      this.texts.push(text);
    }
    return id;
  }

  set(id: number): ConnectionSet {
    return this.sets[id]!;
  }

  text(id: number): string {
    return this.texts[id]!;
  }

  get size(): number {
    return this.sets.length;
  }
}
