import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyYaml, createCluster, startApi, type ApiUnderTest } from './support/api-under-test';
import { defaultDenyIngress } from './support/manifests';
import { startWorker } from './support/worker-under-test';

const SHOP = `
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { env: prod } }
---
apiVersion: v1
kind: Pod
metadata: { name: web, namespace: shop, labels: { app: web } }
spec: { containers: [{ name: web, image: nginx, ports: [{ name: http, containerPort: 80 }] }] }
status: { podIP: 10.244.1.10 }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec:
  replicas: 2
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec: { containers: [{ name: api, image: api, ports: [{ name: http, containerPort: 8080 }] }] }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: shop }
spec:
  replicas: 1
  serviceName: db
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec: { containers: [{ name: db, image: pg, ports: [{ name: pg, containerPort: 5432 }] }] }
---
${defaultDenyIngress()}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-to-api, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  ingress:
    - from: [{ podSelector: { matchLabels: { app: web } } }, { ipBlock: { cidr: 192.168.0.0/16 } }]
      ports: [{ port: http }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api-to-db, namespace: shop }
spec:
  podSelector: { matchLabels: { app: db } }
  ingress:
    - from: [{ podSelector: { matchLabels: { app: api } } }]
      ports: [{ port: 5432 }]
`;

// One API for the file; the worker only for the first part (the second needs a cluster never computed).
let api: ApiUnderTest;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api.close();
});

describe('reachability, matrix and connections over REST and GraphQL', () => {
  let worker: INestApplicationContext;
  let cluster: string;
  const ask = (query: Record<string, string>) => api.http.get(`/api/v1/clusters/${cluster}/reachability`).query(query);

  beforeAll(async () => {
    worker = await startWorker();
    cluster = await createCluster(api, 'reach', SHOP);
  });
  afterAll(async () => {
    await worker.close();
  });

  it('allows web → api on the named port and names the rule that allows it', async () => {
    const res = await ask({ from: 'shop/web', to: 'deploy/shop/api', port: '8080', consistent: 'true' }).expect(200);
    expect(res.body).toMatchObject({ allowed: true, policyAllowed: true, enforced: true, revision: 2, protocol: 'TCP' });
    expect(res.body.explanation.egress).toMatchObject({ isolated: false, allowed: true });
    expect(res.body.explanation.ingress).toMatchObject({ isolated: true, allowed: true });
    expect(res.body.explanation.ingress.selectingPolicies.sort()).toEqual(['shop/default-deny', 'shop/web-to-api']);
    expect(res.body.explanation.ingress.allowedBy[0]).toMatchObject({ policy: 'shop/web-to-api', ruleIndex: 0 });
    expect(res.body.pairs).toHaveLength(2);
    const named = await ask({ from: 'shop/web', to: 'deploy/shop/api', port: 'http' }).expect(200);
    expect(named.body).toMatchObject({ allowed: true, port: 8080 });
  });

  it('denies web → db and says why', async () => {
    const res = await ask({ from: 'shop/web', to: 'sts/shop/db', port: '5432' }).expect(200);
    expect(res.body.allowed).toBe(false);
    expect(res.body.explanation.ingress).toMatchObject({ isolated: true, allowed: false, allowedBy: [] });
    expect(res.body.explanation.ingress.reason).toEqual(expect.any(String));
    const fromApi = await ask({ from: 'deploy/shop/api', to: 'shop/db-0', port: '5432' }).expect(200);
    expect(fromApi.body.allowed).toBe(true);
  });

  it('treats an address outside the cluster as an external peer', async () => {
    const inside = await ask({ from: '192.168.3.4', to: 'deploy/shop/api', port: '8080' }).expect(200);
    expect(inside.body.allowed).toBe(true);
    const outside = await ask({ from: '8.8.8.8', to: 'deploy/shop/api', port: '8080' }).expect(200);
    expect(outside.body.allowed).toBe(false);
    const podIp = await ask({ from: '10.244.1.10', to: 'deploy/shop/api', port: '8080' }).expect(200);
    expect(podIp.body).toMatchObject({ allowed: true, from: 'pod shop/web (10.244.1.10)' });
  });

  it('rejects unknown pods, ports and protocols with the field at fault', async () => {
    const cases: Array<[Record<string, string>, number, string]> = [
      [{ from: 'shop/nope', to: 'shop/web', port: '80' }, 404, 'from'],
      [{ from: 'shop/web', to: 'deploy/shop/nope', port: '80' }, 404, 'to'],
      [{ from: 'shop/web', to: 'shop/db-0', port: 'mysql' }, 422, 'port'],
      [{ from: 'shop/web', to: 'shop/db-0', port: '0' }, 422, 'port'],
      [{ from: 'shop/web', to: 'shop/db-0', port: '5432', protocol: 'ICMP' }, 422, 'protocol'],
      [{ from: 'nonsense', to: 'shop/db-0', port: '5432' }, 422, 'from'],
      [{ to: 'shop/db-0', port: '5432' }, 422, 'from'],
    ];
    for (const [query, status, path] of cases) {
      const res = await ask(query);
      expect(res.status, JSON.stringify(query)).toBe(status);
      expect(res.body.errors.map((e: { path: string }) => e.path), JSON.stringify(query)).toContain(path);
    }
  });

  it('answers the matrix: rows are sources, columns destinations', async () => {
    const res = await api.http.get(`/api/v1/clusters/${cluster}/reachability/matrix`).query({ port: '5432', protocol: 'TCP' }).expect(200);
    expect(res.body.revision).toBe(2);
    const pods: string[] = res.body.pods;
    expect(pods).toHaveLength(4);
    const at = (from: string, to: string) => res.body.allowed[pods.indexOf(from)][pods.indexOf(to)];
    const apiPod = pods.find((p) => p.startsWith('shop/api-'))!;
    expect(at(apiPod, 'shop/db-0')).toBe(true);
    expect(at('shop/web', 'shop/db-0')).toBe(false);
    expect(at('shop/db-0', 'shop/db-0')).toBe(true);
    expect(at('shop/db-0', 'shop/web')).toBe(false);
  });

  it('lists connections at workload level in the peer formats', async () => {
    const txt = await api.http.get(`/api/v1/clusters/${cluster}/connections`).expect(200);
    expect(txt.headers['x-switchyard-revision']).toBe('2');
    expect(txt.text).toContain('shop/web[Pod] => shop/api[Deployment] : TCP 8080');
    expect(txt.text).toContain('shop/api[Deployment] => shop/db[StatefulSet] : TCP 5432');
    expect(txt.text).not.toContain('shop/web[Pod] => shop/db[StatefulSet]');
    for (const format of ['csv', 'md', 'dot']) {
      const res = await api.http.get(`/api/v1/clusters/${cluster}/connections`).query({ format }).expect(200);
      expect(res.text).toContain('shop/api[Deployment]');
    }
    const json = await api.http.get(`/api/v1/clusters/${cluster}/connections`).query({ format: 'json' }).expect(200);
    expect(json.body.connections).toContainEqual({ src: 'shop/web[Pod]', dst: 'shop/api[Deployment]', conn: 'TCP 8080' });
    const focus = await api.http.get(`/api/v1/clusters/${cluster}/connections`).query({ focus: 'shop/db' }).expect(200);
    expect(focus.text.split('\n').filter(Boolean).every((line: string) => line.includes('shop/db[StatefulSet]'))).toBe(true);
    await api.http.get(`/api/v1/clusters/${cluster}/connections`).query({ format: 'xml' }).expect(422);
    await api.http.get(`/api/v1/clusters/${cluster}/connections`).query({ focus: 'shop/none' }).expect(404);
  });

  it('consistent=true waits for the latest revision; flannel answers with both verdicts and a warning', async () => {
    const opened = await applyYaml(api, cluster, 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: web-to-db, namespace: shop }\nspec:\n  podSelector: { matchLabels: { app: db } }\n  ingress: [{ from: [{ podSelector: { matchLabels: { app: web } } }] }]\n').expect(200);
    const res = await ask({ from: 'shop/web', to: 'shop/db-0', port: '5432', consistent: 'true' }).expect(200);
    expect(res.body).toMatchObject({ allowed: true, revision: opened.body.revision });
    await api.http.patch(`/api/v1/clusters/${cluster}`).send({ cni: 'flannel' }).expect(200);
    const flannel = await ask({ from: 'shop/db-0', to: 'shop/web', port: '80', consistent: 'true' }).expect(200);
    expect(flannel.body).toMatchObject({ allowed: true, policyAllowed: false, enforced: false });
    expect(flannel.body.warnings.join(' ')).toMatch(/flannel/i);
  });

  it('GraphQL offers the same three on the cluster type', async () => {
    const res = await api.http
      .post('/graphql')
      .send({
        query: `query($c: String!) { cluster(name: $c) {
          reachability(from: "deploy/shop/api", to: "sts/shop/db", port: "5432", consistent: true) {
            ... on Reachability { allowed policyAllowed revision explanation }
          }
          reachabilityMatrix(port: 80, namespace: "shop") { revision pods allowed }
          connections(format: "txt") { revision rows { src dst conn } text }
        } }`,
        variables: { c: cluster },
      })
      .expect(200);
    expect(res.body.errors).toBeUndefined();
    const { reachability, reachabilityMatrix, connections } = res.body.data.cluster;
    expect(reachability).toMatchObject({ allowed: true, policyAllowed: true });
    expect(reachability.explanation.ingress.allowedBy[0].policy).toBe('shop/api-to-db');
    expect(reachabilityMatrix.pods).toHaveLength(4);
    expect(connections.rows).toContainEqual({ src: 'shop/api[Deployment]', dst: 'shop/db[StatefulSet]', conn: 'TCP 5432' });
    const bad = await api.http.post('/graphql').send({ query: `{ cluster(name: "${cluster}") { reachability(from: "shop/nope", to: "shop/web", port: "80") { ... on Reachability { allowed } } } }` });
    expect(bad.body.errors[0].extensions).toMatchObject({ code: 'NOT_FOUND', errors: [{ path: 'from' }] });
  });
});

describe('before the first computation', () => {
  it('answers 503 with the reason rather than waiting, unless asked to wait', async () => {
    const name = await createCluster(api, 'cold');
    const res = await api.http.get(`/api/v1/clusters/${name}/reachability`).query({ from: 'a/b', to: 'a/c', port: '80' });
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('UNAVAILABLE');
  });
});
