import type { INestApplicationContext } from '@nestjs/common';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, uniqueClusterName, type ApiUnderTest } from './support/api-under-test';
import { eventually, startWorker } from './support/worker-under-test';

const SHOP = `
apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: v1
kind: Pod
metadata: { name: web, namespace: shop, labels: { app: web } }
spec: { containers: [{ name: c, image: x, ports: [{ name: http, containerPort: 80 }] }] }
status: { podIP: 10.244.1.10, conditions: [{ type: Ready, status: "True" }] }
---
apiVersion: v1
kind: Pod
metadata: { name: api, namespace: shop, labels: { app: api } }
spec: { containers: [{ name: c, image: x, ports: [{ name: http, containerPort: 8080 }] }] }
status: { podIP: 10.244.1.11, conditions: [{ type: Ready, status: "True" }] }
---
apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec: { selector: { app: api }, ports: [{ name: http, port: 80, targetPort: http }] }
`;

const DENY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: shop }
spec: { podSelector: {}, policyTypes: [Ingress] }
`;

describe('audits, diagnosis, what-if, diffs and the event stream', () => {
  let api: ApiUnderTest;
  let worker: INestApplicationContext;
  let cluster: string;
  const get = (path: string, query: Record<string, string> = {}) => api.http.get(`/api/v1/clusters/${cluster}${path}`).query(query);
  const state = async () => (await get('').expect(200)).body;
  const findings = async (query: Record<string, string> = {}) => (await get('/findings', query).expect(200)).body.items as { rule: string; state: string; objects: { name: string }[] }[];

  beforeAll(async () => {
    api = await startApi();
    worker = await startWorker();
    cluster = uniqueClusterName('audit');
    await api.http.post('/api/v1/clusters').send({ name: cluster }).expect(201);
    await api.http.post(`/api/v1/clusters/${cluster}/apply`).set('Content-Type', 'application/yaml').send(SHOP).expect(200);
    await eventually(state, (c) => c.computeState === 'ready' && c.computedRevision === c.revision);
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  it('keeps findings in the background: opened, then resolved when fixed, with history', async () => {
    const open = await eventually(() => findings({ state: 'open' }), (items) => items.some((f) => f.rule === 'namespace-without-default-deny'));
    expect(open.find((f) => f.rule === 'namespace-without-default-deny')!.objects).toEqual([expect.objectContaining({ name: 'shop' })]);
    const metrics = await api.http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(new RegExp(`switchyard_findings_open\\{cluster="${cluster}",severity="medium"\\} [1-9]`));
    await api.http.post(`/api/v1/clusters/${cluster}/apply`).set('Content-Type', 'application/yaml').send(DENY).expect(200);
    const resolved = await eventually(() => findings({ rule: 'namespace-without-default-deny' }), (items) => items.length > 0 && items.every((f) => f.state === 'resolved'));
    expect(resolved[0]!.state).toBe('resolved');
    await get('/findings', { severity: 'dire' }).expect(422);
  });

  it('what-if answers the diff of a change and stores nothing', async () => {
    const before = await state();
    const opening = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-to-api, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  ingress: [{ from: [{ podSelector: { matchLabels: { app: web } } }], ports: [{ port: 8080 }] }]
`;
    const res = await api.http.post(`/api/v1/clusters/${cluster}/whatif`).set('Content-Type', 'application/yaml').send(opening).expect(200);
    expect(res.body.connectivity).toContainEqual(expect.objectContaining({ type: 'added', source: 'shop/web[Pod]', destination: 'shop/api[Pod]', new: 'TCP 8080' }));
    expect(res.body.connectivityText).toContain('diff-type: added, source: shop/web[Pod], destination: shop/api[Pod]');
    const deletion = await api.http
      .post(`/api/v1/clusters/${cluster}/whatif`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ delete: [{ kind: 'NetworkPolicy', namespace: 'shop', name: 'default-deny' }] }))
      .expect(200);
    expect(deletion.body.findings.opened.map((f: { rule: string }) => f.rule)).toContain('namespace-without-default-deny');
    const after = await state();
    expect(after.revision).toBe(before.revision);
    await api.http.post(`/api/v1/clusters/${cluster}/whatif`).set('Content-Type', 'application/yaml').send('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n').expect(422);
    await api.http.post(`/api/v1/clusters/${cluster}/whatif`).set('Content-Type', 'application/json').send(JSON.stringify({ delete: [{ kind: 'Pod', namespace: 'shop', name: 'ghost' }] })).expect(404);
    expect((await state()).revision).toBe(before.revision);
  });

  it('diffs two stored revisions', async () => {
    const current = await state();
    const res = await get('/diff', { from: String(current.revision - 1), to: String(current.revision) }).expect(200);
    expect(res.body.connectivity).toContainEqual(expect.objectContaining({ type: 'removed', source: 'shop/web[Pod]', destination: 'shop/api[Pod]' }));
    expect(res.body.findings.resolved.map((f: { rule: string }) => f.rule)).toContain('namespace-without-default-deny');
    await get('/diff', { from: '1', to: String(current.revision + 5) }).expect(422);
  });

  it('diagnoses a broken connection step by step', async () => {
    const res = await get('/diagnose', { from: 'shop/web', to: 'svc/shop/api', port: 'http', consistent: 'true' }).expect(200);
    expect(res.body.firstFailure).toBe('ingress-policy');
    const step = res.body.steps.find((s: { step: string }) => s.step === 'ingress-policy');
    expect(step.status).toBe('fail');
    expect(step.commands.join('\n')).toMatch(/kubectl/);
    expect(step.fix).toEqual(expect.any(String));
  });

  it('streams events (SSE), resumable from a revision', async () => {
    const typesOf = (text: string) => [...text.matchAll(/^event: (.+)$/gm)].map((m) => m[1]);
    // Connectivity changes are derived after the snapshot is stored: they may come a little later.
    const res = await eventually(() => get('/events', { since: '0', follow: 'false' }).expect(200), (r) => typesOf(r.text).includes('connectivity-changed'));
    expect(res.headers['content-type']).toMatch(/text\/event-stream/);
    const types = typesOf(res.text);
    expect(types).toEqual(expect.arrayContaining(['recomputed', 'connectivity-changed', 'finding-opened', 'finding-resolved']));
    const current = await state();
    const later = await get('/events', { since: String(current.revision), follow: 'false' }).expect(200);
    expect(later.text).not.toMatch(/event: recomputed/);
    await api.http.get('/api/v1/clusters/nope/events').query({ follow: 'false' }).expect(404);
  });

  it('offers the stream as a GraphQL subscription (graphql-ws)', async () => {
    const server = api.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const client = createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const received: { type: string; revision: number }[] = [];
      await new Promise<void>((resolve, reject) => {
        const stop = client.subscribe<{ clusterEvents: { type: string; revision: number } }>(
          { query: `subscription($c: String!) { clusterEvents(cluster: $c, since: 0) { id revision type payload } }`, variables: { c: cluster } },
          {
            next: (message) => {
              if (message.errors) return reject(new Error(JSON.stringify(message.errors)));
              received.push(message.data!.clusterEvents);
              if (received.some((e) => e.type === 'finding-resolved')) {
                stop();
                resolve();
              }
            },
            error: reject,
            complete: resolve,
          },
        );
      });
      expect(received[0]).toMatchObject({ type: 'recomputed' });
    } finally {
      await client.dispose();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a what-if answers what the change turns out to do once applied, over REST and GraphQL alike', async () => {
    const change = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api-from-web, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  ingress: [{ from: [{ podSelector: { matchLabels: { app: web } } }], ports: [{ port: http }] }]
`;
    // From the stored snapshot of the latest revision, as in production.
    await eventually(state, (c) => c.computeState === 'ready' && c.computedRevision === c.revision);
    const predicted = (await api.http.post(`/api/v1/clusters/${cluster}/whatif`).set('Content-Type', 'application/yaml').send(change).expect(200)).body;
    expect(predicted.connectivity).toContainEqual(expect.objectContaining({ type: 'added', source: 'shop/web[Pod]', destination: 'shop/api[Pod]', new: 'TCP 8080' }));
    const viaGraphql = await api.http
      .post('/graphql')
      .send({ query: 'mutation($c: String!, $m: String!) { whatIf(cluster: $c, manifests: $m) }', variables: { c: cluster, m: change } })
      .expect(200);
    expect(viaGraphql.body.data.whatIf).toEqual(predicted);

    const applied = await api.http.post(`/api/v1/clusters/${cluster}/apply`).set('Content-Type', 'application/yaml').send(change).expect(200);
    await eventually(state, (c) => c.computedRevision >= applied.body.revision);
    const actual = (await get('/diff', { from: String(applied.body.revision - 1), to: String(applied.body.revision) }).expect(200)).body;
    for (const field of ['connectivity', 'connectivityText', 'routes', 'dns'] as const) expect(actual[field], field).toEqual(predicted[field]);
    const keys = (findings: { key: string }[]) => findings.map((f) => f.key).sort();
    expect(keys(actual.findings.opened)).toEqual(keys(predicted.findings.opened));
    expect(keys(actual.findings.resolved)).toEqual(keys(predicted.findings.resolved));
  });
});
