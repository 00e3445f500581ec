import { formatIpAddress, type IpAddress, type IpFamily } from '../addresses/cidr-blocks';
import type { PolicyModel } from '../policy/policy-model';
import { workloadName } from '../workloads/pods-from-workloads';
import type { ClusterModel } from '../workloads/cluster-model';
import { ingressControllerRows, INGRESS_CONTROLLER_PLACEHOLDER, type IngressControllerSetting } from '../exposure/ingress-controller';
import { formatConnections, isEmptyConnections, type ConnectionSet } from './connection-set';
import { workloadConnectionRows } from './workload-connections';

/**
 * The workload-level connection list, as np-guard/netpol-analyzer's `connlist` prints it:
 * one row per (source, destination) with a non-empty allowed set, peers named
 * `ns/name[Kind]` (the owning workload) or `<first>-<last>[External]` (one row per disjoint
 * address range that the policies' ipBlocks cut the address space into).
 */
export interface ConnectionRow {
  src: string;
  dst: string;
  conn: string;
  connections: ConnectionSet;
}

export interface ConnectionListOptions {
  /** Only rows with this workload as source or destination; without a namespace, any namespace. */
  focusWorkload?: { namespace?: string; name: string };
  /**
   * The cluster model the policy model was built from: with its Ingress/Route backends, rows
   * `{ingress-controller} => ns/name[Kind]` are added for backends whose controller workload is
   * not in the cluster (see exposure/ingress-controller.ts). Without it, no such rows.
   */
  clusterModel?: Pick<ClusterModel, 'services' | 'endpoints' | 'ingressBackends' | 'ingressClasses'>;
  /** Which workload runs each ingress controller; defaults to DEFAULT_INGRESS_CONTROLLERS. */
  ingressControllers?: readonly IngressControllerSetting[];
}

export type ConnectionListFormat = 'txt' | 'csv' | 'json' | 'md' | 'dot';

export const EXTERNAL_SUFFIX = '[External]';

/** An external range's row name: `<first>-<last>[External]`. */
export const externalRangeName = (family: IpFamily, first: bigint, last: bigint): string =>
  `${formatIpAddress(family, first)}-${formatIpAddress(family, last)}${EXTERNAL_SUFFIX}`;

interface ExternalRange {
  name: string;
  ip: IpAddress;
}

/**
 * The disjoint external ranges of one direction: the address space cut by the ipBlocks of that
 * direction's rules (as the peer does: rows into pods use ingress ipBlocks, rows out of pods
 * egress ones). IPv4 always; IPv6 only when some ipBlock of that direction is IPv6.
 */
export function externalRanges(model: PolicyModel, direction: 'ingress' | 'egress'): ExternalRange[] {
  const out: ExternalRange[] = [];
  const { blocks, atoms } = model.directionBlocks[direction];
  const families: (4 | 6)[] = blocks.some((b) => b.cidr.family === 6) ? [4, 6] : [4];
  for (const family of families) {
    const bounds = atoms[family];
    const end = family === 4 ? 1n << 32n : 1n << 128n;
    bounds.forEach((start, i) => {
      const last = (bounds[i + 1] ?? end) - 1n;
      out.push({ name: externalRangeName(family, start, last), ip: { family, value: start } });
    });
  }
  return out;
}

/** Whether a row endpoint `ns/name[Kind]` is the focused workload (by name only when no namespace is given). */
export function workloadInFocus(name: string, focus: ConnectionListOptions['focusWorkload']): boolean {
  if (!focus) return true;
  // The stand-in ingress controller is in focus by its own name (the peer's `ingress-controller`).
  if (name === INGRESS_CONTROLLER_PLACEHOLDER.name) return focus.namespace === undefined && focus.name === INGRESS_CONTROLLER_PLACEHOLDER.pod;
  return focus.namespace !== undefined
    ? name.startsWith(`${focus.namespace}/${focus.name}[`)
    : name.slice(name.indexOf('/') + 1).startsWith(`${focus.name}[`);
}

/** The rows of a full list that concern one workload, as `connectionList(model, { focusWorkload })` would give. */
export function focusConnectionRows<R extends { src: string; dst: string }>(rows: readonly R[], focus: ConnectionListOptions['focusWorkload']): R[] {
  return rows.filter((row) => workloadInFocus(row.src, focus) || workloadInFocus(row.dst, focus));
}

/**
 * Above this many workload pairs a whole connection list is not made (only one focused on a
 * workload): at ~100k pods there are ~1e9 pairs, tens of millions of rows and tens of seconds of
 * CPU, more than one answer or one stored value can hold. 10k pods × 10k policies is ~1e7 pairs.
 */
export const MAX_LISTED_WORKLOAD_PAIRS = 25_000_000;

/** How many (source, destination) workload pairs a whole connection list would weigh. */
export function workloadPairCount(model: PolicyModel): number {
  const workloads = new Set<string>();
  for (const pod of model.allPods()) workloads.add(workloadName(pod));
  return workloads.size * workloads.size;
}

export function connectionList(model: PolicyModel, options: ConnectionListOptions = {}): ConnectionRow[] {
  // Workload ↔ workload and workload ↔ External rows (see workload-connections.ts).
  const rows = workloadConnectionRows(model, options);
  if (options.clusterModel) {
    const inFocus = (name: string): boolean => workloadInFocus(name, options.focusWorkload);
    const settings = options.ingressControllers ? { ingressControllers: options.ingressControllers } : {};
    for (const row of ingressControllerRows(model, options.clusterModel, settings)) {
      if ((inFocus(row.src) || inFocus(row.dst)) && !isEmptyConnections(row.connections)) {
        rows.push({ src: row.src, dst: row.dst, conn: formatConnections(row.connections), connections: row.connections });
      }
    }
  }
  return rows.sort((a, b) => (a.src !== b.src ? (a.src < b.src ? -1 : 1) : a.dst < b.dst ? -1 : a.dst > b.dst ? 1 : 0));
}

const dotId = (s: string): string => JSON.stringify(s);

export function renderConnectionList(rows: readonly ConnectionRow[], format: ConnectionListFormat): string {
  switch (format) {
    case 'txt':
      return rows.map((r) => `${r.src} => ${r.dst} : ${r.conn}`).join('\n');
    case 'csv':
      return ['src,dst,conn', ...rows.map((r) => `${r.src},${r.dst},${r.conn}`)].join('\n');
    case 'json':
      return JSON.stringify(
        rows.map((r) => ({ src: r.src, dst: r.dst, conn: r.conn })),
        null,
        2,
      );
    case 'md':
      return ['| src | dst | conn |', '|-----|-----|------|', ...rows.map((r) => `| ${r.src} | ${r.dst} | ${r.conn} |`)].join('\n');
    case 'dot': {
      const nodes = [...new Set(rows.flatMap((r) => [r.src, r.dst]))].sort();
      const lines = ['digraph {'];
      for (const n of nodes) {
        const color = n.endsWith(EXTERNAL_SUFFIX) ? 'red2' : 'blue';
        lines.push(`\t${dotId(n)} [label=${dotId(n)} color="${color}" fontcolor="${color}"]`);
      }
      for (const r of rows) lines.push(`\t${dotId(r.src)} -> ${dotId(r.dst)} [label=${dotId(r.conn)} color="gold2" fontcolor="darkgreen"]`);
      lines.push('}');
      return lines.join('\n');
    }
  }
}
