import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyYaml, createCluster, startApi, type ApiUnderTest } from './support/api-under-test';
import { defaultDenyIngress, readyPod } from './support/manifests';
import { startWorker } from './support/worker-under-test';

const CLUSTER = `
apiVersion: v1
kind: Node
metadata: { name: n1 }
status: { addresses: [{ type: InternalIP, address: 192.168.1.11 }] }
---
apiVersion: v1
kind: Node
metadata: { name: n2 }
status: { addresses: [{ type: InternalIP, address: 192.168.1.12 }] }
---
${readyPod('api-1', '10.244.1.10', 'app: api', '{ name: http, containerPort: 8080 }', 'nodeName: n1')}---
${readyPod('api-2', '10.244.2.10', 'app: api', '{ name: http, containerPort: 8081 }', 'nodeName: n2')}---
${readyPod('web', '10.244.1.20', 'app: web', '{ name: http, containerPort: 80 }', 'nodeName: n1')}---
${readyPod('db-0', '10.244.2.30', 'app: db', '{ name: pg, containerPort: 5432 }', 'nodeName: n2, hostname: db-0, subdomain: db')}---
apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec: { selector: { app: api }, ports: [{ name: http, port: 80, targetPort: http }] }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { type: NodePort, externalTrafficPolicy: Local, selector: { app: web }, ports: [{ name: http, port: 80, targetPort: 80 }] }
---
apiVersion: v1
kind: Service
metadata: { name: db, namespace: shop }
spec: { clusterIP: None, selector: { app: db }, ports: [{ name: pg, port: 5432 }] }
---
apiVersion: v1
kind: Service
metadata: { name: ext, namespace: shop }
spec: { type: ExternalName, externalName: db.example.com }
---
apiVersion: v1
kind: Service
metadata: { name: empty, namespace: shop }
spec: { selector: { app: nothing }, ports: [{ port: 80 }] }
---
${defaultDenyIngress()}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-to-api, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  ingress: [{ from: [{ podSelector: { matchLabels: { app: web } } }], ports: [{ port: http }] }]
`;

describe('services, routing tables and cluster DNS', () => {
  let api: ApiUnderTest;
  let worker: INestApplicationContext;
  let cluster: string;
  let apiIp: string;
  let webNodePort: number;
  const get = (path: string, query: Record<string, string> = {}) => api.http.get(`/api/v1/clusters/${cluster}${path}`).query({ consistent: 'true', ...query });

  beforeAll(async () => {
    api = await startApi();
    worker = await startWorker();
    cluster = await createCluster(api, 'svc', CLUSTER);
    apiIp = (await get('/objects/svc/shop/api').expect(200)).body.spec.clusterIP;
    webNodePort = (await get('/objects/svc/shop/web').expect(200)).body.spec.ports[0].nodePort;
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  it('assigns addresses at apply time: kubernetes and kube-dns at the first and tenth, others stable', async () => {
    expect((await get('/objects/svc/default/kubernetes').expect(200)).body.spec.clusterIP).toBe('10.96.0.1');
    expect((await get('/objects/svc/kube-system/kube-dns').expect(200)).body.spec.clusterIP).toBe('10.96.0.10');
    expect(apiIp).toMatch(/^10\.(9[6-9]|10\d|11[01])\./);
    expect(webNodePort).toBeGreaterThanOrEqual(30000);
    expect((await get('/objects/svc/shop/db').expect(200)).body.spec.clusterIP).toBe('None');
    // Re-applying keeps every address; a clash is a 422 naming the owner.
    await applyYaml(api, cluster, CLUSTER).expect(200);
    expect((await get('/objects/svc/shop/api').expect(200)).body.spec.clusterIP).toBe(apiIp);
    const clash = await applyYaml(api, cluster, `apiVersion: v1\nkind: Service\nmetadata: { name: copy, namespace: shop }\nspec: { clusterIP: ${apiIp}, ports: [{ port: 1 }] }\n`).expect(422);
    expect(clash.body.errors[0]).toMatchObject({ path: 'spec.clusterIP', message: expect.stringContaining('shop/api') });
    const port = await applyYaml(api, cluster, `apiVersion: v1\nkind: Service\nmetadata: { name: np, namespace: shop }\nspec: { type: NodePort, ports: [{ port: 1, nodePort: 80 }] }\n`).expect(422);
    expect(port.body.errors[0].path).toBe('spec.ports[0].nodePort');
  });

  it('lists computed endpoints and slices, ready or not, with target ports resolved per pod', async () => {
    const res = await get('/endpoints', { namespace: 'shop', service: 'api' }).expect(200);
    const [apiEndpoints] = res.body.items;
    expect(apiEndpoints.endpoints.map((e: { pod: string; ports: Record<string, { port: number }> }) => [e.pod, e.ports.http!.port])).toEqual([
      ['shop/api-1', 8080],
      ['shop/api-2', 8081],
    ]);
    expect(apiEndpoints.slices.length).toBeGreaterThan(0);
    const empty = await get('/endpoints', { namespace: 'shop', service: 'empty' }).expect(200);
    expect(empty.body.items[0].endpoints).toEqual([]);
    await get('/endpoints', { namespace: 'shop', service: 'nope' }).expect(404);
  });

  it("renders a node's routing table as json, iptables, ipvs and nftables", async () => {
    const json = await get('/routes', { node: 'n1', format: 'json' }).expect(200);
    const route = json.body.table.routes.find((r: { name?: string; servicePortName?: string }) => JSON.stringify(r).includes('shop/api:http'));
    expect(route).toBeDefined();
    const iptables = await get('/routes', { node: 'n1' }).expect(200);
    expect(iptables.headers['content-type']).toMatch(/text\/plain/);
    expect(iptables.text).toContain('*nat');
    expect(iptables.text).toContain(`-A KUBE-SERVICES -d ${apiIp}/32 -p tcp -m comment --comment "shop/api:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-`);
    expect(iptables.text).toMatch(/--probability 0\.50000000000/);
    expect(iptables.text).toContain('--to-destination 10.244.1.10:8080');
    expect(iptables.text).toContain('--to-destination 10.244.2.10:8081');
    expect(iptables.text).toContain('KUBE-NODEPORTS');
    const ipvs = await get('/routes', { node: 'n1', format: 'ipvs' }).expect(200);
    expect(ipvs.text).toContain(`TCP  ${apiIp}:80 rr`);
    const nft = await get('/routes', { node: 'n1', format: 'nftables' }).expect(200);
    expect(nft.text).toContain('service-ips');
    await get('/routes', { format: 'json' }).expect(422);
    await get('/routes', { node: 'n9' }).expect(404);
    await get('/routes', { node: 'n1', format: 'pf' }).expect(422);
  });

  it('serves DNS records of the guide', async () => {
    const a = await get('/dns/records', { name: 'api.shop.svc.cluster.local', type: 'A' }).expect(200);
    expect(a.body.records.map((r: { value: string }) => r.value)).toEqual([apiIp]);
    const srv = await get('/dns/records', { name: '_http._tcp.api.shop.svc.cluster.local', type: 'SRV' }).expect(200);
    expect(srv.body.records[0].value).toMatch(/ 80 api\.shop\.svc\.cluster\.local$/);
    const headless = await get('/dns/records', { name: 'db.shop.svc.cluster.local', type: 'A' }).expect(200);
    expect(headless.body.records.map((r: { value: string }) => r.value)).toEqual(['10.244.2.30']);
    const hostname = await get('/dns/records', { name: 'db-0.db.shop.svc.cluster.local' }).expect(200);
    expect(hostname.body.records[0].value).toBe('10.244.2.30');
    const cname = await get('/dns/records', { name: 'ext.shop.svc.cluster.local', type: 'CNAME' }).expect(200);
    expect(cname.body.records[0].value).toBe('db.example.com');
    await get('/dns/records', { type: 'MX' }).expect(422);
  });

  it('resolves as a pod does: search path, ndots:5, and what an outside name costs', async () => {
    const short = await get('/dns/resolve', { name: 'db', from: 'shop/web' }).expect(200);
    expect(short.body.queries[0]).toMatchObject({ name: 'db.shop.svc.cluster.local', rcode: 'NOERROR' });
    expect(short.body.answer).toMatchObject({ rcode: 'NOERROR', addresses: ['10.244.2.30'] });
    expect(short.body.resolvConf).toMatchObject({ nameserver: '10.96.0.10', options: ['ndots:5'] });
    const outside = await get('/dns/resolve', { name: 'api.example.com', from: 'shop/web' }).expect(200);
    expect(outside.body.queries.map((q: { name: string }) => q.name)).toEqual([
      'api.example.com.shop.svc.cluster.local',
      'api.example.com.svc.cluster.local',
      'api.example.com.cluster.local',
      'api.example.com',
    ]);
    expect(outside.body.answer.rcode).toBe('NXDOMAIN');
    const absolute = await get('/dns/resolve', { name: 'api.shop.svc.cluster.local.', from: 'shop/web' }).expect(200);
    expect(absolute.body.queries).toHaveLength(1);
    await get('/dns/resolve', { name: 'db', from: 'shop/nobody' }).expect(404);
  });

  it('reaches a Service by name, DNS, ClusterIP and node port, with the verdict per endpoint', async () => {
    const bySvc = await get('/reachability', { from: 'shop/web', to: 'svc/shop/api', port: 'http' }).expect(200);
    expect(bySvc.body.allowed).toBe('all');
    expect(bySvc.body.path).toMatchObject({ virtualIP: apiIp });
    expect(bySvc.body.endpoints.map((e: { pod: string; port: number; allowed: boolean }) => [e.pod, e.port, e.allowed])).toEqual([
      ['shop/api-1', 8080, true],
      ['shop/api-2', 8081, true],
    ]);
    const denied = await get('/reachability', { from: 'shop/db-0', to: 'svc/shop/api', port: '80' }).expect(200);
    expect(denied.body.allowed).toBe('none');
    const byDns = await get('/reachability', { from: 'shop/web', to: 'api', port: '80' }).expect(200);
    expect(byDns.body.allowed).toBe('all');
    expect(byDns.body.path.dns.answer.addresses).toEqual([apiIp]);
    const byIp = await get('/reachability', { from: 'shop/web', to: apiIp, port: '80' }).expect(200);
    expect(byIp.body.allowed).toBe('all');
    const nodePort = await get('/reachability', { from: '203.0.113.9', to: `192.168.1.11:${webNodePort}` }).expect(200);
    expect(nodePort.body.path.service).toMatchObject({ namespace: 'shop', name: 'web' });
    expect(nodePort.body.endpoints.map((e: { pod: string }) => e.pod)).toEqual(['shop/web']);
    const empty = await get('/reachability', { from: 'shop/web', to: 'svc/shop/empty' }).expect(200);
    expect(empty.body.allowed).toBe('none');
    expect(empty.body.reason).toMatch(/endpoint/i);
    const external = await get('/reachability', { from: 'shop/web', to: 'svc/shop/ext', port: '443' }).expect(200);
    expect(external.body.path.externalName).toBe('db.example.com');
    await get('/reachability', { from: 'shop/web', to: 'svc/shop/nope', port: '80' }).expect(404);
    await get('/reachability', { from: 'shop/web', to: 'svc/shop/api', port: 'grpc' }).expect(422);
  });

  it('GraphQL offers routes, DNS and service reachability', async () => {
    const res = await api.http
      .post('/graphql')
      .send({
        query: `query($c: String!) { cluster(name: $c) {
          routes(node: "n1", format: "ipvs") { revision mode text }
          dnsRecords(name: "api.shop.svc.cluster.local", type: "A") { value }
          dnsResolve(name: "db", from: "shop/web") { searchPath answer }
          reachability(from: "shop/web", to: "svc/shop/api", port: "http") {
            ... on ServiceReachability { allowed endpoints { pod port allowed } }
            ... on Reachability { policyAllowed }
          }
        } }`,
        variables: { c: cluster },
      })
      .expect(200);
    expect(res.body.errors).toBeUndefined();
    const c = res.body.data.cluster;
    expect(c.routes.text).toContain(`${apiIp}:80`);
    expect(c.dnsRecords).toEqual([{ value: apiIp }]);
    expect(c.dnsResolve.answer.addresses).toEqual(['10.244.2.30']);
    expect(c.reachability).toMatchObject({ allowed: 'all', endpoints: [{ pod: 'shop/api-1', port: 8080, allowed: true }, { pod: 'shop/api-2', port: 8081, allowed: true }] });
  });
});
