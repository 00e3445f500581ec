import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors/domain-error';
import type { PolicyModel } from '../policy/policy-model';
import type { ModelPod, Protocol } from '../workloads/pods-from-workloads';
import { parseServiceTarget, reachService, type ServiceTarget } from './service-reachability';
import { ALL_SERVICES, ENDPOINTS, NODES, PODS, policyModel, records, ZONE } from './testdata/dns-cluster';

const rs = records();
const calico = policyModel();

function reach(from: ModelPod | string, target: ServiceTarget, port?: number | string, protocol?: Protocol, policy: PolicyModel = calico) {
  return reachService({
    policy,
    services: ALL_SERVICES,
    endpoints: ENDPOINTS,
    records: rs,
    nodes: NODES,
    clusterDomain: ZONE,
    from: typeof from === 'string' ? { ip: from } : { pod: from },
    target,
    ...(port !== undefined ? { port } : {}),
    ...(protocol ? { protocol } : {}),
  });
}

const svc = (namespace: string, name: string): ServiceTarget => ({ service: { namespace, name } });
const brief = (r: ReturnType<typeof reach>) => r.endpoints.map((e) => `${e.pod}:${e.port}:${e.allowed ? 'allowed' : 'denied'}`);

function domainError(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

describe('reaching a Service (semantics.md, Services, endpoints and kube-proxy)', () => {
  it('policy is judged per endpoint on the pod IP and the resolved TARGET port: some', () => {
    const r = reach(PODS.client, svc('shop', 'web'), 80);
    expect(r.path).toMatchObject({ service: { namespace: 'shop', name: 'web', type: 'ClusterIP' }, virtualIP: '10.96.0.20', servicePort: { name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' } });
    // `http` resolves to 8080 on web-1 and 9090 on web-2; the policy allows 8080 only.
    expect(brief(r)).toEqual(['shop/web-1:8080:allowed', 'shop/web-2:9090:denied', 'shop/web-3:8080:denied']);
    expect(r.allowed).toBe('some');
    expect(r.reason).toContain('1 of 2 endpoints that receive traffic');
    expect(r.endpoints[0]!.verdict?.port).toBe(8080);
    expect(r.endpoints[1]!.reason).toContain('denied by policy');
  });

  it('not-ready endpoints are listed but receive no traffic', () => {
    const web3 = reach(PODS.client, svc('shop', 'web'), 'http').endpoints.find((e) => e.pod === 'shop/web-3')!;
    expect(web3).toMatchObject({ ready: false, allowed: false, reason: 'not ready: receives no traffic' });
    expect(web3.verdict).toBeUndefined();
  });

  it('the service port by name and by number; the service port number itself is never judged', () => {
    const byName = reach(PODS.mon, svc('shop', 'web'), 'metrics');
    expect(byName.path.servicePort).toMatchObject({ name: 'metrics', port: 9100 });
    // ops/mon is not allowed anything by web-ingress: none.
    expect(byName.allowed).toBe('none');
    expect(brief(byName)).toEqual(['shop/web-1:9100:denied', 'shop/web-2:9100:denied', 'shop/web-3:9100:denied']);
    // plain: service port 80 → target 8080 on every pod.
    expect(brief(reach(PODS.client, svc('shop', 'plain')))).toEqual(['shop/web-1:8080:allowed', 'shop/web-2:8080:allowed', 'shop/web-3:8080:denied']);
    expect(reach(PODS.client, svc('shop', 'plain')).allowed).toBe('all');
  });

  it('all: every endpoint that receives traffic allows it', () => {
    const r = reach(PODS.client, svc('shop', 'db'), 5432);
    expect(r.allowed).toBe('all');
    expect(brief(r)).toEqual(['shop/db-0:5432:allowed', 'shop/db-1:5432:allowed', 'shop/db-2:5432:denied']);
    expect(reach(PODS.mon, svc('shop', 'db'), 5432).allowed).toBe('none');
  });

  it('port errors: unknown port → INVALID on "port"; omitted with several ports → INVALID', () => {
    const unknown = domainError(() => reach(PODS.client, svc('shop', 'web'), 81));
    expect(unknown.code).toBe('INVALID');
    expect(unknown.errors[0]).toMatchObject({ path: 'port', reason: 'FieldValueInvalid' });
    expect(unknown.errors[0]!.message).toContain('ports: http 80/TCP, metrics 9100/TCP');
    const omitted = domainError(() => reach(PODS.client, svc('shop', 'web')));
    expect(omitted.errors[0]).toMatchObject({ path: 'port' });
    expect(omitted.errors[0]!.message).toContain('several ports');
    expect(domainError(() => reach(PODS.client, svc('shop', 'web'), 'nope')).code).toBe('INVALID');
    expect(domainError(() => reach(PODS.client, svc('shop', 'web'), 80, 'UDP')).errors[0]!.path).toBe('port');
  });

  it('unknown service, address or node → NOT_FOUND on "to"', () => {
    for (const target of [svc('shop', 'nope'), { clusterIP: '10.96.9.9' }, { nodePort: { nodeIP: '192.168.0.9', port: 30080 } }, { nodePort: { nodeIP: '192.168.0.1', port: 31999 } }]) {
      const e = domainError(() => reach(PODS.client, target, 80));
      expect(e.code).toBe('NOT_FOUND');
      expect(e.errors[0]).toMatchObject({ path: 'to', reason: 'NotFound' });
    }
  });

  it('no endpoints → none, with the reason', () => {
    const r = reach(PODS.client, svc('shop', 'empty'), 80);
    expect(r).toMatchObject({ allowed: 'none', endpoints: [] });
    expect(r.reason).toBe('service shop/empty has no endpoints: its selector {"app":"nothing"} matches no pod in shop');
  });

  it('by ClusterIP: the service owning the address', () => {
    const r = reach(PODS.client, { clusterIP: '10.96.0.21' });
    expect(r.path.service?.name).toBe('plain');
    expect(r.allowed).toBe('all');
  });

  it('by DNS name from the source pod’s namespace: the resolution is part of the path', () => {
    const r = reach(PODS.client, { dnsName: 'web' }, 80);
    expect(r.path.dns?.answer.name).toBe('web.shop.svc.cluster.local');
    expect(r.path.virtualIP).toBe('10.96.0.20');
    expect(r.allowed).toBe('some');
    // From ops the short name does not resolve at all.
    const fromOps = reach(PODS.mon, { dnsName: 'web' }, 80);
    expect(fromOps.allowed).toBe('none');
    expect(fromOps.reason).toContain('does not resolve');
    expect(fromOps.path.dns?.queries).toHaveLength(4);
  });

  it('headless: DNS returns the pods; the dialled port is used as is, no virtual IP', () => {
    const r = reach(PODS.client, { dnsName: 'db' }, 5432);
    expect(r.path.virtualIP).toBeUndefined();
    expect(r.allowed).toBe('all');
    expect(r.endpoints.find((e) => e.pod === 'shop/db-2')!.reason).toContain('DNS does not publish it');
    expect(r.warnings.some((w) => w.includes('headless'))).toBe(true);
    // A StatefulSet hostname names one pod.
    const one = reach(PODS.client, { dnsName: 'db-1.db' }, 5432);
    expect(brief(one)).toEqual(['shop/db-1:5432:allowed']);
  });

  it('ExternalName in the cluster’s view: the name leaves the cluster; allowed is the source’s egress to external addresses', () => {
    const open = reach(PODS.client, svc('shop', 'legacy'));
    expect(open.path).toMatchObject({ service: { name: 'legacy', type: 'ExternalName' }, externalName: 'legacy.example.com' });
    expect(open.path.externalEgress).toMatchObject({ allowed: 'all', port: 443, protocol: 'TCP' });
    expect(open.allowed).toBe('all');
    expect(open.reason).toContain('traffic leaves the cluster to legacy.example.com');
    expect(open.endpoints).toEqual([]);
    // locked may egress to 10.0.0.0/8 only: it depends on the address.
    expect(reach(PODS.locked, svc('shop', 'legacy')).allowed).toBe('some');
    const sealed = reach(PODS.sealed, svc('shop', 'legacy'));
    expect(sealed.allowed).toBe('none');
    expect(sealed.path.externalEgress?.verdict?.egress.isolated).toBe(true);
    // The same by DNS name: the CNAME is in the DNS path.
    const byName = reach(PODS.client, { dnsName: 'legacy' });
    expect(byName.path.dns?.answer.cnames).toEqual(['legacy.example.com']);
    expect(byName.path.externalName).toBe('legacy.example.com');
    expect(byName.allowed).toBe('all');
  });

  it('an outside DNS name is judged like an ExternalName target and needs a numeric port', () => {
    const r = reach(PODS.sealed, { dnsName: 'api.example.com' }, 443);
    expect(r.allowed).toBe('none');
    // sealed may not even reach cluster DNS: said so.
    expect(r.warnings).toContain('shop/sealed may not send UDP 53 to cluster DNS (kube-system/kube-dns): in fact the name would not resolve at all');
    expect(reach(PODS.client, { dnsName: 'api.example.com' }, 443).warnings.some((w) => w.includes('UDP 53'))).toBe(false);
    expect(r.path.dns?.queries).toHaveLength(4);
    expect(domainError(() => reach(PODS.client, { dnsName: 'api.example.com' })).errors[0]!.path).toBe('port');
  });

  it('an ExternalName inside the zone leads to that service', () => {
    const r = reach(PODS.client, svc('shop', 'alias'), 80);
    expect(r.path.externalName).toBe('web.shop.svc.cluster.local');
    expect(r.path.virtualIP).toBe('10.96.0.20');
    expect(r.allowed).toBe('some');
  });

  it('NodePort, externalTrafficPolicy Local: only the receiving node’s endpoints, client IP preserved', () => {
    const r = reach('198.51.100.7', { nodePort: { nodeIP: '192.168.0.2', port: 30080 } });
    expect(r.path.nodePort).toEqual({ nodeIP: '192.168.0.2', node: 'node-b', port: 30080, externalTrafficPolicy: 'Local' });
    expect(brief(r)).toEqual(['shop/web-1:8080:denied', 'shop/web-2:9090:allowed', 'shop/web-3:8080:denied']);
    expect(r.endpoints[0]!.reason).toContain('not on the receiving node node-b');
    expect(r.allowed).toBe('all');
    expect(r.path.policySource).toBeUndefined();
    // A client outside the ipBlock is refused by the pods' ingress.
    expect(reach('203.0.113.99', { nodePort: { nodeIP: '192.168.0.2', port: 30080 } }).allowed).toBe('none');
  });

  it('NodePort, externalTrafficPolicy Cluster: SNAT, the policy sees the node’s IP (warned)', () => {
    const r = reach('198.51.100.7', { nodePort: { nodeIP: '192.168.0.1', port: 30081 } });
    expect(r.path.policySource).toBe('192.168.0.1');
    expect(r.warnings.some((w) => w.includes('SNATs the client'))).toBe(true);
    // The ipBlock allows 198.51.100.0/24, not the node: none.
    expect(r.allowed).toBe('none');
    expect(brief(r)).toEqual(['shop/web-1:8080:denied', 'shop/web-2:9090:denied', 'shop/web-3:8080:denied']);
  });

  it('LoadBalancer source ranges: a client outside every range gets none', () => {
    const outside = reach('8.8.8.8', { clusterIP: '203.0.113.10' }, 80);
    expect(outside.allowed).toBe('none');
    expect(outside.reason).toContain('outside the loadBalancerSourceRanges of service shop/lb (198.51.100.0/24)');
    const inside = reach('198.51.100.7', { clusterIP: '203.0.113.10' }, 80);
    expect(inside.path.virtualIP).toBe('203.0.113.10');
    // Local: the client address is preserved and the ipBlock on `http` allows it.
    expect(inside.allowed).toBe('all');
  });

  it('LoadBalancer with externalTrafficPolicy Cluster: judged from every node address', () => {
    const services = ALL_SERVICES.map((s) => (s.name === 'lb' ? { ...s, externalTrafficPolicy: 'Cluster' as const } : s));
    const r = reachService({ policy: calico, services, endpoints: ENDPOINTS, records: rs, nodes: NODES, clusterDomain: ZONE, from: { ip: '198.51.100.7' }, target: { clusterIP: '203.0.113.10' }, port: 80 });
    expect(r.path.policySource).toBe('192.168.0.1, 192.168.0.2');
    expect(r.allowed).toBe('none');
    expect(r.endpoints[0]!.reason).toContain('from node node-a (192.168.0.1), node node-b (192.168.0.2)');
  });

  it('an unknown source pod → NOT_FOUND on "from"; a bad source address → INVALID', () => {
    const ghost = { ...PODS.client, name: 'ghost' };
    expect(domainError(() => reach(ghost, svc('shop', 'web'), 80)).errors[0]).toMatchObject({ path: 'from', reason: 'NotFound' });
    expect(domainError(() => reach('not-an-ip', svc('shop', 'web'), 80)).errors[0]).toMatchObject({ path: 'from' });
  });

  it('internalTrafficPolicy Local: only endpoints on the client’s node', () => {
    const r = reach(PODS.client, svc('shop', 'local'), 80);
    expect(brief(r)).toEqual(['shop/web-1:8080:allowed', 'shop/web-2:9090:denied', 'shop/web-3:8080:denied']);
    expect(r.endpoints[1]!.reason).toContain('internalTrafficPolicy Local');
    expect(r.allowed).toBe('all');
  });

  it('a non-enforcing CNI: the effective answer allows, the verdicts keep the policy view', () => {
    const r = reach(PODS.mon, svc('shop', 'web'), 80, undefined, policyModel('flannel'));
    expect(r.allowed).toBe('all');
    expect(r.endpoints[0]!.verdict?.policyAllowed).toBe(false);
    expect(r.warnings.some((w) => w.includes('flannel'))).toBe(true);
  });
});

describe('parseServiceTarget', () => {
  const CIDR = '10.96.0.0/12';
  it('reads svc/service/services references', () => {
    expect(parseServiceTarget('svc/shop/web', 'to')).toEqual({ service: { namespace: 'shop', name: 'web' } });
    expect(parseServiceTarget('service/shop/web', 'to')).toEqual({ service: { namespace: 'shop', name: 'web' } });
    expect(parseServiceTarget('Services/shop/web', 'to')).toEqual({ service: { namespace: 'shop', name: 'web' } });
    expect(domainError(() => parseServiceTarget('svc/shop/Web_1', 'to')).errors[0]).toMatchObject({ path: 'to' });
  });

  it('leaves pods, workloads and other addresses to parseEndpointRef', () => {
    expect(parseServiceTarget('shop/web-1', 'to')).toBeUndefined();
    expect(parseServiceTarget('deploy/shop/web', 'to')).toBeUndefined();
    expect(parseServiceTarget('10.244.1.10', 'to', CIDR)).toBeUndefined();
    expect(parseServiceTarget('', 'to')).toBeUndefined();
    expect(parseServiceTarget('10.1', 'to')).toBeUndefined();
  });

  it('reads ClusterIPs inside the service CIDR, node ports, and DNS names', () => {
    expect(parseServiceTarget('10.96.0.20', 'to', CIDR)).toEqual({ clusterIP: '10.96.0.20' });
    expect(parseServiceTarget('10.96.0.20:80', 'to', CIDR)).toEqual({ clusterIP: '10.96.0.20', port: 80 });
    expect(parseServiceTarget('10.96.0.20', 'to')).toBeUndefined(); // no CIDR given: an ordinary address
    expect(parseServiceTarget('192.168.0.1:30080', 'to', CIDR)).toEqual({ nodePort: { nodeIP: '192.168.0.1', port: 30080 } });
    expect(parseServiceTarget('[fd00::1]:30080', 'to', CIDR)).toEqual({ nodePort: { nodeIP: 'fd00::1', port: 30080 } });
    expect(domainError(() => parseServiceTarget('192.168.0.1:70000', 'to')).errors[0]).toMatchObject({ path: 'to' });
    expect(parseServiceTarget('db', 'to')).toEqual({ dnsName: 'db' });
    expect(parseServiceTarget('web.shop.svc.cluster.local.', 'to')).toEqual({ dnsName: 'web.shop.svc.cluster.local.' });
    expect(parseServiceTarget('API.example.com', 'to')).toEqual({ dnsName: 'api.example.com' });
  });
});
