import { parseIpAddress } from '../addresses/cidr-blocks';
import { normalizeDnsName, REVERSE_ZONES, reverseName, type DnsRecord, type DnsRecordType } from './dns-records';

/**
 * A lookup as a pod with `dnsPolicy: ClusterFirst` makes it (semantics.md, Cluster DNS): the
 * search path of its namespace, `ndots:5`, the glibc order of tries, and cluster DNS answering
 * from the records of `dnsRecords`. Only cluster DNS is modelled: a name outside the cluster
 * zone is forwarded upstream, which we cannot see, so it is reported as unknown (NXDOMAIN here).
 */
export type DnsRcode = 'NOERROR' | 'NXDOMAIN';

export interface DnsQuery {
  /** The absolute name sent to the nameserver (no trailing dot). */
  name: string;
  rcode: DnsRcode;
  answers: number;
  reason: string;
}

export interface DnsAnswer {
  rcode: DnsRcode;
  /** The name (as sent) that answered; undefined when none did. */
  name?: string;
  /** The name that finally owns the records, after CNAMEs (undefined when the chain left the cluster). */
  canonicalName?: string;
  addresses: string[];
  /** CNAME targets in order, e.g. an ExternalName's `externalName`. */
  cnames: string[];
  records: DnsRecord[];
}

export interface DnsResolution {
  searchPath: string[];
  queries: DnsQuery[];
  answer: DnsAnswer;
  reason: string;
}

export interface ResolveFromPodInput {
  records: readonly DnsRecord[];
  name: string;
  type: DnsRecordType;
  /** The asking pod's namespace. */
  namespace: string;
  clusterDomain: string;
  ndots?: number;
}

export const DEFAULT_NDOTS = 5;
export const OUTSIDE_ZONE_REASON = 'outside the cluster zone: forwarded upstream, unknown here';
const MAX_CNAME_HOPS = 8;

/** `search <ns>.svc.<zone> svc.<zone> <zone>` of a ClusterFirst pod. */
export function podSearchPath(namespace: string, clusterDomain: string): string[] {
  const zone = normalizeDnsName(clusterDomain);
  return [`${namespace}.svc.${zone}`, `svc.${zone}`, zone];
}

interface RecordIndex {
  byName: Map<string, DnsRecord[]>;
  /** Names that own records or lie above them (empty non-terminals answer NODATA, not NXDOMAIN). */
  existing: Set<string>;
}

const indexes = new WeakMap<readonly DnsRecord[], RecordIndex>();

function indexOf(records: readonly DnsRecord[]): RecordIndex {
  let index = indexes.get(records);
  if (index) return index;
  index = { byName: new Map(), existing: new Set() };
  for (const record of records) {
    const list = index.byName.get(record.name);
    if (list) list.push(record);
    else index.byName.set(record.name, [record]);
    let name = record.name;
    while (!index.existing.has(name)) {
      index.existing.add(name);
      const dot = name.indexOf('.');
      if (dot < 0) break;
      name = name.slice(dot + 1);
    }
  }
  indexes.set(records, index);
  return index;
}

const within = (name: string, zone: string) => name === zone || name.endsWith(`.${zone}`);

/** Is the name served by cluster DNS (the cluster zone or a reverse zone)? */
function servedZone(name: string, zone: string): string | undefined {
  if (within(name, zone)) return zone;
  return REVERSE_ZONES.find((z) => within(name, z));
}

interface Lookup {
  rcode: DnsRcode;
  records: DnsRecord[];
  addresses: string[];
  cnames: string[];
  canonicalName?: string;
  /** The CNAME chain ended outside the cluster zone at this name. */
  leftCluster?: string;
  reason: string;
}

/** One query to cluster DNS: the records of that name and type, CNAMEs chased inside the zone. */
function lookup(index: RecordIndex, name: string, type: DnsRecordType, zone: string): Lookup {
  const served = servedZone(name, zone);
  if (!served) return { rcode: 'NXDOMAIN', records: [], addresses: [], cnames: [], reason: OUTSIDE_ZONE_REASON };
  const records: DnsRecord[] = [];
  const cnames: string[] = [];
  let current = name;
  for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
    const own = index.byName.get(current) ?? [];
    const matching = own.filter((r) => r.type === type);
    if (matching.length > 0 || type === 'CNAME') {
      records.push(...matching);
      const addresses = matching.filter((r) => r.type === 'A' || r.type === 'AAAA').map((r) => r.value);
      if (records.length === 0) return nodata(current, type, index, served, cnames);
      return { rcode: 'NOERROR', records, addresses, cnames, canonicalName: current, reason: answered(current, matching, cnames) };
    }
    const cname = own.find((r) => r.type === 'CNAME');
    // A chain ending at a name without the type keeps its CNAMEs; the rcode is the last name's (RFC 6604).
    if (!cname) return { ...nodata(current, type, index, served, cnames), records };
    records.push(cname);
    cnames.push(cname.value);
    if (!servedZone(cname.value, zone)) {
      return {
        rcode: 'NOERROR',
        records,
        addresses: [],
        cnames,
        leftCluster: cname.value,
        reason: `${current} is a CNAME (${cname.source}) to ${cname.value}, which is outside the cluster zone: the lookup leaves the cluster there (forwarded upstream, unknown here)`,
      };
    }
    current = cname.value;
  }
  return { rcode: 'NOERROR', records, addresses: [], cnames, reason: `CNAME chain longer than ${MAX_CNAME_HOPS} hops: given up` };
}

function nodata(name: string, type: DnsRecordType, index: RecordIndex, zone: string, cnames: string[]): Lookup {
  if (index.existing.has(name) || name === zone) {
    const own = index.byName.get(name) ?? [];
    const has = [...new Set(own.map((r) => r.type))];
    return {
      rcode: 'NOERROR',
      records: [],
      addresses: [],
      cnames,
      reason: has.length > 0 ? `${name} has no ${type} record (only ${has.join(', ')}): NODATA` : `${name} exists only as a parent of other names: NODATA`,
    };
  }
  if (REVERSE_ZONES.includes(zone as (typeof REVERSE_ZONES)[number])) {
    return { rcode: 'NXDOMAIN', records: [], addresses: [], cnames, reason: `no cluster address has ${name}: CoreDNS falls through to upstream for reverse names, unknown here` };
  }
  return { rcode: 'NXDOMAIN', records: [], addresses: [], cnames, reason: `no record named ${name} in the cluster zone` };
}

function answered(name: string, records: DnsRecord[], cnames: string[]): string {
  const via = cnames.length > 0 ? ` via CNAME ${cnames.join(' → ')}` : '';
  const sources = [...new Set(records.map((r) => r.source))];
  return `${records.length} ${records[0]!.type} record${records.length === 1 ? '' : 's'} at ${name}${via} (${sources.slice(0, 3).join('; ')}${sources.length > 3 ? `; +${sources.length - 3} more` : ''})`;
}

/**
 * Resolve a name as a pod of `namespace` would: fewer than `ndots` dots → each search suffix,
 * then the name as given; at least `ndots` → as given, then the suffixes; a trailing dot → only
 * as given (glibc res_search; it goes on after NXDOMAIN and after NODATA alike).
 * A PTR lookup may name an IP address: it is turned into its reverse name, which is absolute.
 */
export function resolveFromPod(input: ResolveFromPodInput): DnsResolution {
  const ndots = input.ndots ?? DEFAULT_NDOTS;
  const zone = normalizeDnsName(input.clusterDomain);
  const searchPath = podSearchPath(input.namespace, zone);
  const index = indexOf(input.records);

  let asked = input.name.trim().toLowerCase();
  let absolute = asked.endsWith('.');
  let note = '';
  if (input.type === 'PTR' && parseIpAddress(asked)) {
    const reversed = reverseName(asked)!;
    note = `the address ${asked} is looked up as its reverse name ${reversed}: `;
    asked = reversed;
    absolute = true;
  }
  const bare = normalizeDnsName(asked);
  const dots = (bare.match(/\./g) ?? []).length;

  const candidates: string[] = [];
  let order: string;
  if (absolute) {
    candidates.push(bare);
    order = note ? `${note}it is absolute: one query, no search path` : `"${input.name.trim()}" is absolute (trailing dot): one query, no search path`;
  } else if (dots >= ndots) {
    candidates.push(bare, ...searchPath.map((s) => `${bare}.${s}`));
    order = `"${bare}" has ${dots} dots (at least ndots:${ndots}): tried as given first, then with the search domains of namespace ${input.namespace}`;
  } else {
    candidates.push(...searchPath.map((s) => `${bare}.${s}`), bare);
    order = `"${bare}" has ${dots} dot${dots === 1 ? '' : 's'} (fewer than ndots:${ndots}): the pod's resolver tries each search domain of namespace ${input.namespace} first (${searchPath.join(', ')}), then the name as given`;
  }

  const queries: DnsQuery[] = [];
  let firstNodata: { name: string; lookup: Lookup } | undefined;
  for (const name of candidates) {
    const result = lookup(index, name, input.type, zone);
    const found = result.records.length > 0;
    queries.push({ name, rcode: result.rcode, answers: result.records.length, reason: result.reason });
    if (found) {
      const answer: DnsAnswer = {
        rcode: result.rcode,
        name,
        ...(result.canonicalName ? { canonicalName: result.canonicalName } : {}),
        addresses: result.addresses,
        cnames: result.cnames,
        records: result.records,
      };
      return { searchPath, queries, answer, reason: `${order}. ${explainHit(name, bare, input.namespace, searchPath, queries.length, result)}` };
    }
    if (result.rcode === 'NOERROR' && !firstNodata) firstNodata = { name, lookup: result };
  }

  const outside = !servedZone(bare, zone);
  if (firstNodata) {
    return {
      searchPath,
      queries,
      answer: { rcode: 'NOERROR', name: firstNodata.name, addresses: [], cnames: [], records: [] },
      reason: `${order}. No try returned a ${input.type} record; ${firstNodata.name} exists but has none (NODATA)${outside ? `; ${bare} itself is ${OUTSIDE_ZONE_REASON}` : ''}`,
    };
  }
  const cost = `${queries.length} quer${queries.length === 1 ? 'y' : 'ies'}`;
  return {
    searchPath,
    queries,
    answer: { rcode: 'NXDOMAIN', addresses: [], cnames: [], records: [] },
    reason: servedZone(bare, zone)
      ? `${order}. NXDOMAIN: no try matched a record of cluster DNS (${cost})`
      : `${order}. ${bare} is ${OUTSIDE_ZONE_REASON}; within the cluster it is NXDOMAIN, and it cost ${cost}${queries.length > 1 ? ` (${queries.length - 1} of them NXDOMAIN inside the zone: end the name with a dot to ask once)` : ''}`,
  };
}

function explainHit(name: string, bare: string, namespace: string, searchPath: string[], tries: number, result: Lookup): string {
  const suffix = searchPath.find((s) => name === `${bare}.${s}`);
  let why: string;
  if (suffix === searchPath[0]) why = `${name} answered: the pod's own namespace ${namespace} comes first in the search path`;
  else if (suffix) why = `${name} answered through the search domain ${suffix}`;
  else why = `${name} answered as given`;
  const wasted = tries - 1;
  const cost = wasted > 0 ? ` after ${wasted} NXDOMAIN/NODATA tr${wasted === 1 ? 'y' : 'ies'}` : '';
  const tail = result.leftCluster ? ` ${result.reason}` : ` (${result.reason})`;
  return `${why}${cost}.${tail}`;
}
