import { describe, expect, it } from 'vitest';
import { dashedIp, dnsRecords, parseSrvValue, queryDnsRecords, reverseName, srvWeight, type DnsRecord } from './dns-records';
import { ALL_PODS, ALL_SERVICES, ENDPOINTS, endpointOf, endpoints, pod, port, records, service, SERVICES, ZONE } from './testdata/dns-cluster';

const values = (rs: DnsRecord[], name: string, type?: string) => queryDnsRecords(rs, { name, ...(type ? { type } : {}) }).map((r) => r.value);

describe('cluster DNS records (semantics.md, Cluster DNS)', () => {
  const rs = records();

  it('a service with a ClusterIP has A <svc>.<ns>.svc.<zone> → ClusterIP', () => {
    expect(values(rs, 'web.shop.svc.cluster.local', 'A')).toEqual(['10.96.0.20']);
    expect(queryDnsRecords(rs, { name: 'web.shop.svc.cluster.local', type: 'A' })[0]).toEqual({
      name: 'web.shop.svc.cluster.local',
      type: 'A',
      value: '10.96.0.20',
      ttl: 5,
      source: 'Service shop/web',
    });
  });

  it('SRV _<port>._<proto> for NAMED ports only, pointing at the service name with weight 100', () => {
    expect(values(rs, '_http._tcp.web.shop.svc.cluster.local', 'SRV')).toEqual(['0 100 80 web.shop.svc.cluster.local']);
    expect(values(rs, '_metrics._tcp.web.shop.svc.cluster.local', 'SRV')).toEqual(['0 100 9100 web.shop.svc.cluster.local']);
    expect(values(rs, '_dns._udp.kube-dns.kube-system.svc.cluster.local', 'SRV')).toEqual(['0 100 53 kube-dns.kube-system.svc.cluster.local']);
    // shop/plain has one unnamed port: no SRV at all.
    expect(rs.filter((r) => r.type === 'SRV' && r.name.endsWith('plain.shop.svc.cluster.local'))).toEqual([]);
    expect(values(rs, 'plain.shop.svc.cluster.local', 'A')).toEqual(['10.96.0.21']);
  });

  it('headless: one A per READY endpoint, none for the not-ready one', () => {
    expect(values(rs, 'db.shop.svc.cluster.local', 'A')).toEqual(['10.244.1.20', '10.244.2.20']);
    expect(values(rs, 'db-2.db.shop.svc.cluster.local')).toEqual([]);
  });

  it('headless: a StatefulSet pod with subdomain = service gets <hostname>.<svc>.<ns>.svc.<zone>', () => {
    expect(values(rs, 'db-0.db.shop.svc.cluster.local', 'A')).toEqual(['10.244.1.20']);
    expect(values(rs, 'db-1.db.shop.svc.cluster.local', 'A')).toEqual(['10.244.2.20']);
  });

  it('headless: SRV per named port per endpoint, targeting the hostname record, weight 100 divided (CoreDNS)', () => {
    expect(values(rs, '_pg._tcp.db.shop.svc.cluster.local', 'SRV')).toEqual([
      '0 50 5432 db-0.db.shop.svc.cluster.local',
      '0 50 5432 db-1.db.shop.svc.cluster.local',
    ]);
    expect(srvWeight(3)).toBe(33);
    expect(srvWeight(200)).toBe(1);
  });

  it('headless: the hostname is taken from the pod (hostname + subdomain) when the endpoint lacks it', () => {
    const db0 = ALL_PODS.find((p) => p.name === 'db-0')!;
    const out = dnsRecords({ services: [SERVICES.db], endpoints: [endpoints(SERVICES.db, [endpointOf(db0, { pg: 5432 })])], pods: [db0], clusterDomain: ZONE });
    expect(values(out, 'db-0.db.shop.svc.cluster.local', 'A')).toEqual(['10.244.1.20']);
  });

  it('headless: an endpoint without hostname is named by its dashed IP, and SRV targets that name', () => {
    const svc = service('shop', 'peers', { headless: true, ports: [port('gossip', 7946), port('', 9999)] });
    const p = pod('shop', 'peer-x', '10.244.1.77');
    const out = dnsRecords({ services: [svc], endpoints: [endpoints(svc, [endpointOf(p, { gossip: 7947, '': 9999 })])], pods: [p], clusterDomain: ZONE });
    expect(values(out, '_gossip._tcp.peers.shop.svc.cluster.local', 'SRV')).toEqual(['0 100 7947 10-244-1-77.peers.shop.svc.cluster.local']);
    expect(values(out, '10-244-1-77.peers.shop.svc.cluster.local', 'A')).toEqual(['10.244.1.77']);
    expect(out.filter((r) => r.type === 'SRV')).toHaveLength(1); // the unnamed port has none
  });

  it('headless: no ready endpoint → no A records; publishNotReadyAddresses publishes the not-ready ones', () => {
    expect(values(rs, 'cache.shop.svc.cluster.local')).toEqual([]);
    const notReady = pod('shop', 'c-0', '10.244.1.90', { ready: false });
    const svc = service('shop', 'cache', { headless: true, ports: [port('redis', 6379)] });
    const eps = [endpoints(svc, [endpointOf(notReady, { redis: 6379 })])];
    expect(values(dnsRecords({ services: [svc], endpoints: eps, pods: [notReady], clusterDomain: ZONE }), 'cache.shop.svc.cluster.local')).toEqual([]);
    const published = dnsRecords({ services: [{ ...svc, publishNotReadyAddresses: true }], endpoints: eps, pods: [notReady], clusterDomain: ZONE });
    expect(values(published, 'cache.shop.svc.cluster.local', 'A')).toEqual(['10.244.1.90']);
    expect(values(published, '_redis._tcp.cache.shop.svc.cluster.local', 'SRV')).toEqual(['0 100 6379 10-244-1-90.cache.shop.svc.cluster.local']);
  });

  it('ExternalName: CNAME <svc>.<ns>.svc.<zone> → externalName (lower-case, no trailing dot), and nothing else', () => {
    expect(queryDnsRecords(rs, { name: 'legacy.shop.svc.cluster.local' })).toEqual([
      { name: 'legacy.shop.svc.cluster.local', type: 'CNAME', value: 'legacy.example.com', ttl: 5, source: 'Service shop/legacy' },
    ]);
    expect(rs.filter((r) => r.name.includes('legacy.shop') && r.type === 'SRV')).toEqual([]);
  });

  it('pods: A <a-b-c-d>.<ns>.pod.<zone>', () => {
    expect(queryDnsRecords(rs, { name: '10-244-1-10.shop.pod.cluster.local' })).toEqual([
      { name: '10-244-1-10.shop.pod.cluster.local', type: 'A', value: '10.244.1.10', ttl: 5, source: 'Pod shop/web-1' },
    ]);
    expect(values(rs, '10-244-2-50.ops.pod.cluster.local', 'A')).toEqual(['10.244.2.50']);
  });

  it('PTR for ClusterIPs → the service name, and for endpoint IPs → the endpoint name', () => {
    expect(values(rs, '20.0.96.10.in-addr.arpa', 'PTR')).toEqual(['web.shop.svc.cluster.local']);
    expect(values(rs, '10.0.96.10.in-addr.arpa', 'PTR')).toEqual(['kube-dns.kube-system.svc.cluster.local']);
    expect(values(rs, '20.1.244.10.in-addr.arpa', 'PTR')).toEqual(['db-0.db.shop.svc.cluster.local']);
    // A not-ready endpoint has no PTR; a pod in no service has none either.
    expect(values(rs, '21.2.244.10.in-addr.arpa', 'PTR')).toEqual([]);
    expect(values(rs, '50.1.244.10.in-addr.arpa', 'PTR')).toEqual([]);
    // CoreDNS also names ready endpoints of ClusterIP services (dashed IP), forward and reverse.
    expect(values(rs, '10.1.244.10.in-addr.arpa', 'PTR')).toContain('10-244-1-10.web.shop.svc.cluster.local');
    expect(values(rs, '10-244-1-10.web.shop.svc.cluster.local', 'A')).toEqual(['10.244.1.10']);
  });

  it('IPv6: AAAA, nibble PTR under ip6.arpa, dashed names from the RFC 5952 form', () => {
    const svc = service('shop', 'v6', { clusterIPs: ['fd00:10:96::a'], ports: [port('http', 80)] });
    const p = pod('shop', 'v6-pod', 'FD00:10:244:1:0:0:0:5');
    const out = dnsRecords({ services: [svc], endpoints: [endpoints(svc, [endpointOf(p, { http: 80 })])], pods: [p], clusterDomain: ZONE });
    expect(values(out, 'v6.shop.svc.cluster.local', 'AAAA')).toEqual(['fd00:10:96::a']);
    expect(reverseName('fd00:10:96::a')).toBe('a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa');
    expect(values(out, reverseName('fd00:10:96::a')!, 'PTR')).toEqual(['v6.shop.svc.cluster.local']);
    expect(dashedIp('FD00:10:244:1:0:0:0:5')).toBe('fd00-10-244-1--5');
    expect(values(out, 'fd00-10-244-1--5.shop.pod.cluster.local', 'AAAA')).toEqual(['fd00:10:244:1::5']);
  });

  it('every record is lower-case, without trailing dot, TTL 5, sorted; the zone is normalised', () => {
    for (const r of rs) {
      expect(r.name).toBe(r.name.toLowerCase());
      expect(r.name.endsWith('.')).toBe(false);
      expect(r.ttl).toBe(5);
    }
    const sorted = [...rs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.type < b.type ? -1 : a.type > b.type ? 1 : a.value < b.value ? -1 : 1));
    expect(rs).toEqual(sorted);
    const other = dnsRecords({ services: ALL_SERVICES, endpoints: ENDPOINTS, pods: ALL_PODS, clusterDomain: 'Corp.Example.' });
    expect(values(other, 'web.shop.svc.corp.example', 'A')).toEqual(['10.96.0.20']);
  });

  it('queryDnsRecords: exact name, case-insensitive, trailing dot ignored, type filter', () => {
    expect(values(rs, 'WEB.Shop.svc.cluster.local.')).toEqual(['10.96.0.20']);
    expect(values(rs, 'shop.svc.cluster.local')).toEqual([]); // exact, not a suffix match
    expect(queryDnsRecords(rs, { type: 'cname' }).map((r) => r.name)).toEqual(['alias.shop.svc.cluster.local', 'legacy.shop.svc.cluster.local']);
    expect(parseSrvValue('0 50 5432 db-0.db.shop.svc.cluster.local')).toEqual({ priority: 0, weight: 50, port: 5432, target: 'db-0.db.shop.svc.cluster.local' });
  });
});
