import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, uniqueClusterName, type ApiUnderTest } from './support/api-under-test';

const SHOP = `
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: { team: retail }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
  labels: { app: api, tier: back }
spec:
  replicas: 2
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers:
        - name: api
          image: shop/api:1
          ports: [{ name: http, containerPort: 8080 }]
---
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
  labels: { app: api }
spec:
  selector: { app: api }
  ports: [{ name: http, port: 80, targetPort: http }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Ingress]
`;

describe('apply, read and delete objects over REST', () => {
  let api: ApiUnderTest;
  let cluster: string;
  beforeAll(async () => {
    api = await startApi();
    cluster = uniqueClusterName('shop');
    await api.http.post('/api/v1/clusters').send({ name: cluster }).expect(201);
  });
  afterAll(async () => {
    await api.close();
  });

  const apply = (body: string, type = 'application/yaml', query = '') =>
    api.http.post(`/api/v1/clusters/${cluster}/apply${query}`).set('Content-Type', type).send(body);

  it('dry run validates and reports without storing', async () => {
    const dry = await apply(SHOP, 'application/yaml', '?dryRun=true').expect(200);
    expect(dry.body).toMatchObject({ revision: 1, dryRun: true });
    expect(dry.body.results.map((r: { action: string }) => r.action)).toEqual(['created', 'created', 'created', 'created']);
    const list = await api.http.get(`/api/v1/clusters/${cluster}/objects?namespace=shop`).expect(200);
    expect(list.body.items).toEqual([]);
    await api.http.get(`/api/v1/clusters/${cluster}/objects/ns/shop`).expect(404);
  });

  it('creates, then reports unchanged, then configured, advancing the revision only on change', async () => {
    const first = await apply(SHOP).expect(200);
    expect(first.body.revision).toBe(2);
    expect(first.body.results).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', name: 'shop', action: 'created' },
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'api', action: 'created' },
      { apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'api', action: 'created' },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace: 'shop', name: 'default-deny', action: 'created' },
    ]);
    const again = await apply(SHOP).expect(200);
    expect(again.body.revision).toBe(2);
    expect(new Set(again.body.results.map((r: { action: string }) => r.action))).toEqual(new Set(['unchanged']));
    const changed = await apply(SHOP.replace('replicas: 2', 'replicas: 3')).expect(200);
    expect(changed.body.revision).toBe(3);
    expect(changed.body.results[1]).toMatchObject({ kind: 'Deployment', action: 'configured' });
    const deployment = await api.http.get(`/api/v1/clusters/${cluster}/objects/deploy/shop/api`).expect(200);
    expect(deployment.body).toMatchObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'shop', resourceVersion: '3', generation: 2 },
      spec: { replicas: 3 },
    });
    const namespace = await api.http.get(`/api/v1/clusters/${cluster}/objects/Namespace/shop`).expect(200);
    expect(namespace.body.metadata.labels).toEqual({ team: 'retail', 'kubernetes.io/metadata.name': 'shop' });
    const read = await api.http.get(`/api/v1/clusters/${cluster}`).expect(200);
    expect(read.body.revision).toBe(3);
  });

  it('accepts JSON: one object, a v1 List and an array; creates namespaces that are used but not declared', async () => {
    const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'lab', labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    const one = await apply(JSON.stringify(pod('one')), 'application/json').expect(200);
    expect(one.body.results).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', name: 'lab', action: 'created', implied: true },
      { apiVersion: 'v1', kind: 'Pod', namespace: 'lab', name: 'one', action: 'created' },
    ]);
    await apply(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [pod('two'), pod('three')] }), 'application/json').expect(200);
    const array = await apply(JSON.stringify([pod('four')]), 'application/json').expect(200);
    expect(array.body.results).toEqual([{ apiVersion: 'v1', kind: 'Pod', namespace: 'lab', name: 'four', action: 'created' }]);
    const pods = await api.http.get(`/api/v1/clusters/${cluster}/objects?kind=pods&namespace=lab`).expect(200);
    expect(pods.body.items.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(['four', 'one', 'three', 'two']);
  });

  it('puts namespaced objects without a namespace into default', async () => {
    await apply('apiVersion: v1\nkind: Pod\nmetadata: { name: loose }\nspec: { containers: [{ name: c, image: x }] }\n').expect(200);
    await api.http.get(`/api/v1/clusters/${cluster}/objects/Pod/default/loose`).expect(200);
  });

  it('lists with label selectors, set-based included, and paginates with limit/continue', async () => {
    const select = async (selector: string, kind?: string) => {
      const res = await api.http.get(`/api/v1/clusters/${cluster}/objects`).query({ labelSelector: selector, ...(kind ? { kind } : {}) }).expect(200);
      return res.body.items.map((o: { kind: string; metadata: { name: string } }) => `${o.kind}/${o.metadata.name}`);
    };
    expect(await select('app=api')).toEqual(['Deployment/api', 'Service/api']);
    expect(await select('app in (one,two),app!=two')).toEqual(['Pod/one']);
    expect(await select('tier')).toEqual(['Deployment/api']);
    expect(await select('!app,kubernetes.io/metadata.name notin (lab,kube-public,kube-node-lease)', 'ns')).toEqual(['Namespace/default', 'Namespace/kube-system', 'Namespace/shop']);
    expect(await select('!app,!kubernetes.io/metadata.name')).toEqual(['NetworkPolicy/default-deny', 'Pod/loose', 'Service/kubernetes', 'Service/kube-dns']);
    const bad = await api.http.get(`/api/v1/clusters/${cluster}/objects`).query({ labelSelector: 'app in (' }).expect(422);
    expect(bad.body.errors[0].path).toBe('labelSelector');

    const seen: string[] = [];
    let token: string | undefined;
    do {
      const res = await api.http.get(`/api/v1/clusters/${cluster}/objects`).query({ limit: 2, ...(token ? { continue: token } : {}) }).expect(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((o: { kind: string; metadata: { namespace?: string; name: string } }) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`));
      token = res.body.metadata.continue;
    } while (token);
    const all = await api.http.get(`/api/v1/clusters/${cluster}/objects`).expect(200);
    expect(seen).toEqual(all.body.items.map((o: { kind: string; metadata: { namespace?: string; name: string } }) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`));
  });

  it('rejects a stale resourceVersion with 409 and keeps the stored object', async () => {
    const current = await api.http.get(`/api/v1/clusters/${cluster}/objects/svc/shop/api`).expect(200);
    const stale = SHOP.split('---')[2]!.replace('labels: { app: api }', 'labels: { app: api, v: "2" }\n  resourceVersion: "1"');
    const conflict = await apply(stale).expect(409);
    expect(conflict.body.errors[0]).toMatchObject({ path: 'metadata.resourceVersion', reason: 'Conflict' });
    const fresh = stale.replace('resourceVersion: "1"', `resourceVersion: "${current.body.metadata.resourceVersion}"`);
    const ok = await apply(fresh).expect(200);
    expect(ok.body.results[0].action).toBe('configured');
  });

  it('keeps history: revisions list what changed and any past revision reads back', async () => {
    const history = await api.http.get(`/api/v1/clusters/${cluster}/revisions`).expect(200);
    const byRevision = new Map(history.body.items.map((r: { revision: number }) => [r.revision, r]));
    expect(byRevision.get(1)).toMatchObject({ operation: 'create', added: 6 });
    expect((byRevision.get(1) as { changes: { kind: string; name: string }[] }).changes.map((c) => `${c.kind}/${c.name}`)).toEqual([
      'Namespace/default',
      'Namespace/kube-node-lease',
      'Namespace/kube-public',
      'Namespace/kube-system',
      'Service/kubernetes',
      'Service/kube-dns',
    ]);
    expect(byRevision.get(3)).toMatchObject({ operation: 'apply', modified: 1, changes: [{ type: 'MODIFIED', kind: 'Deployment', namespace: 'shop', name: 'api' }] });
    const past = await api.http.get(`/api/v1/clusters/${cluster}/objects`).query({ revision: 2 }).expect(200);
    expect(past.body.metadata.resourceVersion).toBe('2');
    expect(past.body.items.filter((o: { metadata: { namespace?: string; name: string } }) => o.metadata.namespace === 'shop' || o.metadata.name === 'shop').map((o: { kind: string }) => o.kind).sort()).toEqual(['Deployment', 'Namespace', 'NetworkPolicy', 'Service']);
    const deployment = past.body.items.find((o: { kind: string }) => o.kind === 'Deployment');
    expect(deployment.spec.replicas).toBe(2);
  });

  it('deletes one object, and a namespace with its contents', async () => {
    const one = await api.http.delete(`/api/v1/clusters/${cluster}/objects/netpol/shop/default-deny`).expect(200);
    expect(one.body.deleted).toEqual([{ kind: 'NetworkPolicy', namespace: 'shop', name: 'default-deny' }]);
    await api.http.get(`/api/v1/clusters/${cluster}/objects/netpol/shop/default-deny`).expect(404);
    const ns = await api.http.delete(`/api/v1/clusters/${cluster}/objects/ns/lab`).expect(200);
    expect(ns.body.deleted).toHaveLength(5);
    const left = await api.http.get(`/api/v1/clusters/${cluster}/objects?namespace=lab`).expect(200);
    expect(left.body.items).toEqual([]);
    await api.http.delete(`/api/v1/clusters/${cluster}/objects/ns/lab`).expect(404);
  });
});
