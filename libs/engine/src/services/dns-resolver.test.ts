import { describe, expect, it } from 'vitest';
import { OUTSIDE_ZONE_REASON, podSearchPath, resolveFromPod } from './dns-resolver';
import type { DnsRecordType } from './dns-records';
import { records, ZONE } from './testdata/dns-cluster';

const rs = records();
const resolve = (name: string, namespace = 'shop', type: DnsRecordType = 'A') => resolveFromPod({ records: rs, name, type, namespace, clusterDomain: ZONE, ndots: 5 });
const tried = (r: ReturnType<typeof resolve>) => r.queries.map((q) => `${q.name} ${q.rcode}`);

describe('resolving from a pod (semantics.md, Cluster DNS: resolv.conf)', () => {
  it('the search path is <ns>.svc.<zone> svc.<zone> <zone>', () => {
    expect(podSearchPath('shop', 'cluster.local')).toEqual(['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local']);
    expect(resolve('web').searchPath).toEqual(['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local']);
  });

  it('a short name resolves in the pod’s own namespace first, and the reason says why', () => {
    const r = resolve('db');
    expect(tried(r)).toEqual(['db.shop.svc.cluster.local NOERROR']);
    expect(r.answer).toMatchObject({ rcode: 'NOERROR', name: 'db.shop.svc.cluster.local', addresses: ['10.244.1.20', '10.244.2.20'], cnames: [] });
    expect(r.reason).toContain('fewer than ndots:5');
    expect(r.reason).toContain("db.shop.svc.cluster.local answered: the pod's own namespace shop comes first in the search path");
  });

  it('the same short name from another namespace does not find shop’s service', () => {
    const r = resolve('web', 'ops');
    expect(tried(r)).toEqual([
      'web.ops.svc.cluster.local NXDOMAIN',
      'web.svc.cluster.local NXDOMAIN',
      'web.cluster.local NXDOMAIN',
      'web NXDOMAIN',
    ]);
    expect(r.answer.rcode).toBe('NXDOMAIN');
    expect(r.queries[3]!.reason).toBe(OUTSIDE_ZONE_REASON);
  });

  it('<svc>.<ns> resolves through the second search domain (svc.<zone>)', () => {
    const r = resolve('web.shop', 'ops');
    expect(tried(r)).toEqual(['web.shop.ops.svc.cluster.local NXDOMAIN', 'web.shop.svc.cluster.local NOERROR']);
    expect(r.answer.addresses).toEqual(['10.96.0.20']);
    expect(r.reason).toContain('through the search domain svc.cluster.local');
  });

  it('a trailing dot makes the name absolute: one query', () => {
    const r = resolve('web.shop.svc.cluster.local.');
    expect(tried(r)).toEqual(['web.shop.svc.cluster.local NOERROR']);
    expect(r.reason).toContain('absolute');
  });

  it('a full name without the trailing dot (4 dots < ndots) still costs three NXDOMAINs first', () => {
    const r = resolve('web.shop.svc.cluster.local');
    expect(r.queries.map((q) => q.rcode)).toEqual(['NXDOMAIN', 'NXDOMAIN', 'NXDOMAIN', 'NOERROR']);
    expect(r.queries[0]!.name).toBe('web.shop.svc.cluster.local.shop.svc.cluster.local');
    expect(r.answer.name).toBe('web.shop.svc.cluster.local');
    expect(r.reason).toContain('after 3 NXDOMAIN/NODATA tries');
  });

  it('an external name costs 4 queries from a pod, the first three NXDOMAIN inside the zone', () => {
    const r = resolve('api.example.com');
    expect(tried(r)).toEqual([
      'api.example.com.shop.svc.cluster.local NXDOMAIN',
      'api.example.com.svc.cluster.local NXDOMAIN',
      'api.example.com.cluster.local NXDOMAIN',
      'api.example.com NXDOMAIN',
    ]);
    expect(r.queries[3]!.reason).toBe('outside the cluster zone: forwarded upstream, unknown here');
    expect(r.answer).toEqual({ rcode: 'NXDOMAIN', addresses: [], cnames: [], records: [] });
    expect(r.reason).toContain('outside the cluster zone: forwarded upstream, unknown here');
    expect(r.reason).toContain('4 queries');
    expect(resolve('api.example.com.').queries).toHaveLength(1);
  });

  it('a name with at least ndots dots is tried as given first, then with the suffixes', () => {
    const r = resolve('a.b.c.d.e.example.com');
    expect(r.queries.map((q) => q.name)).toEqual([
      'a.b.c.d.e.example.com',
      'a.b.c.d.e.example.com.shop.svc.cluster.local',
      'a.b.c.d.e.example.com.svc.cluster.local',
      'a.b.c.d.e.example.com.cluster.local',
    ]);
    expect(r.reason).toContain('at least ndots:5');
  });

  it('ExternalName: the CNAME is reported and the target leaves the cluster', () => {
    const r = resolve('legacy');
    expect(tried(r)).toEqual(['legacy.shop.svc.cluster.local NOERROR']);
    expect(r.answer).toMatchObject({ rcode: 'NOERROR', name: 'legacy.shop.svc.cluster.local', addresses: [], cnames: ['legacy.example.com'] });
    expect(r.answer.canonicalName).toBeUndefined();
    expect(r.answer.records.map((x) => x.type)).toEqual(['CNAME']);
    expect(r.reason).toContain('CNAME (Service shop/legacy) to legacy.example.com, which is outside the cluster zone');
  });

  it('an ExternalName inside the zone is chased to the addresses', () => {
    const r = resolve('alias');
    expect(r.answer).toMatchObject({ name: 'alias.shop.svc.cluster.local', canonicalName: 'web.shop.svc.cluster.local', cnames: ['web.shop.svc.cluster.local'], addresses: ['10.96.0.20'] });
    expect(r.answer.records.map((x) => x.type)).toEqual(['CNAME', 'A']);
    expect(resolve('alias', 'shop', 'CNAME').answer.records.map((x) => x.value)).toEqual(['web.shop.svc.cluster.local']);
  });

  it('headless: the name answers with the ready pods; a StatefulSet hostname names one pod', () => {
    expect(resolve('db-1.db').answer.addresses).toEqual(['10.244.2.20']);
    expect(resolve('db-2.db').answer.rcode).toBe('NXDOMAIN'); // not ready
  });

  it('a headless service without ready endpoints has no A record: NXDOMAIN, as CoreDNS answers', () => {
    const r = resolve('cache');
    expect(r.queries[0]).toMatchObject({ name: 'cache.shop.svc.cluster.local', rcode: 'NXDOMAIN', answers: 0 });
    expect(r.answer.rcode).toBe('NXDOMAIN');
  });

  it('NODATA (the name exists, not the type) keeps the search going and ends NOERROR without addresses', () => {
    const r = resolve('web', 'shop', 'AAAA');
    expect(r.queries[0]).toMatchObject({ name: 'web.shop.svc.cluster.local', rcode: 'NOERROR', answers: 0 });
    expect(r.queries).toHaveLength(4);
    expect(r.answer).toMatchObject({ rcode: 'NOERROR', name: 'web.shop.svc.cluster.local', addresses: [] });
    expect(r.reason).toContain('NODATA');
    // A namespace exists as a parent of names: NODATA, not NXDOMAIN.
    expect(resolve('shop.svc.cluster.local.').queries[0]!.rcode).toBe('NOERROR');
  });

  it('SRV through the search path', () => {
    const r = resolve('_pg._tcp.db', 'shop', 'SRV');
    expect(r.answer.name).toBe('_pg._tcp.db.shop.svc.cluster.local');
    expect(r.answer.records.map((x) => x.value)).toEqual(['0 50 5432 db-0.db.shop.svc.cluster.local', '0 50 5432 db-1.db.shop.svc.cluster.local']);
  });

  it('PTR: by reverse name or by address; an unknown address falls through upstream', () => {
    const byName = resolve('20.0.96.10.in-addr.arpa', 'shop', 'PTR');
    expect(byName.queries).toHaveLength(1); // 5 dots: as given first, and it answers
    expect(byName.answer.records.map((x) => x.value)).toEqual(['web.shop.svc.cluster.local']);
    const byIp = resolve('10.96.0.20', 'ops', 'PTR');
    expect(byIp.answer.records.map((x) => x.value)).toEqual(['web.shop.svc.cluster.local']);
    expect(byIp.reason).toContain('reverse name 20.0.96.10.in-addr.arpa');
    const unknown = resolve('8.8.8.8', 'shop', 'PTR');
    expect(unknown.answer.rcode).toBe('NXDOMAIN');
    expect(unknown.queries[0]!.reason).toContain('falls through to upstream');
  });

  it('names are case-insensitive', () => {
    expect(resolve('WEB.Shop').answer.addresses).toEqual(['10.96.0.20']);
  });
});
