import type { INestApplicationContext } from '@nestjs/common';
import { PrismaService } from '@switchyard/persistence';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyYaml, createCluster, listenOnLoopback, startApi, type ApiUnderTest } from './support/api-under-test';
import { defaultDenyIngress, readyPod } from './support/manifests';
import { eventually, startWorker, untilComputed } from './support/worker-under-test';

const SHOP = `
apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
${readyPod('web', '10.244.1.10', 'app: web', '{ name: http, containerPort: 80 }')}---
${readyPod('api', '10.244.1.11', 'app: api', '{ name: http, containerPort: 8080 }')}---
apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec: { selector: { app: api }, ports: [{ name: http, port: 80, targetPort: http }] }
`;

describe('audits, diagnosis, what-if, diffs and the event stream', () => {
  let api: ApiUnderTest;
  let worker: INestApplicationContext;
  let cluster: string;
  const get = (path: string, query: Record<string, string> = {}) => api.http.get(`/api/v1/clusters/${cluster}${path}`).query(query);
  const state = async () => (await get('').expect(200)).body;
  const findings = async (query: Record<string, string> = {}) => (await get('/findings', query).expect(200)).body.items as { rule: string; state: string; objects: { name: string }[] }[];
  const whatIf = (body: string, type = 'application/yaml') => api.http.post(`/api/v1/clusters/${cluster}/whatif`).set('Content-Type', type).send(body);
  const gql = (query: string, variables: Record<string, unknown> = {}) => api.http.post('/graphql').send({ query, variables: { c: cluster, ...variables } }).expect(200);
  /** Everything a write or the worker stores for the cluster, as counts, latest ids and the snapshot's head. */
  const storedState = async () => {
    const prisma = api.app.get(PrismaService);
    const { id } = await prisma.cluster.findUniqueOrThrow({ where: { name: cluster } });
    const [counts] = await prisma.$queryRaw<Record<string, unknown>[]>`
      SELECT (SELECT row(count(*), max("resourceVersion"), max("updatedAt"))::text FROM "ClusterObject" WHERE "clusterId" = ${id}::uuid) AS objects,
             (SELECT row(count(*), max(revision))::text FROM "ObjectChange" WHERE "clusterId" = ${id}::uuid) AS changes,
             (SELECT row(count(*), max(revision))::text FROM "Revision" WHERE "clusterId" = ${id}::uuid) AS revisions,
             (SELECT row(revision, "computedAt", "podsRevision", "auditedRevision")::text FROM "ClusterSnapshot" WHERE "clusterId" = ${id}::uuid) AS snapshot,
             (SELECT row(revision, "computedAt")::text FROM "ClusterConnections" WHERE "clusterId" = ${id}::uuid) AS connections,
             (SELECT row(count(*), count(*) FILTER (WHERE state = 'open'), max("lastSeenAt"), max("resolvedAt"))::text FROM "Finding" WHERE "clusterId" = ${id}::uuid) AS findings,
             (SELECT row(count(*), max(id))::text FROM "ClusterEvent" WHERE "clusterId" = ${id}::uuid) AS events,
             (SELECT row(revision, "computedRevision", "updatedAt")::text FROM "Cluster" WHERE id = ${id}::uuid) AS cluster`;
    return counts!;
  };
  /** The worker is done with the latest revision: snapshot, connection list and audit. */
  const settled = () =>
    eventually(
      async () => {
        const prisma = api.app.get(PrismaService);
        const c = await prisma.cluster.findUniqueOrThrow({ where: { name: cluster }, include: { snapshot: { select: { auditedRevision: true } }, connections: { select: { revision: true } } } });
        return c;
      },
      (c) => c.computeState === 'ready' && c.computedRevision === c.revision && c.snapshot?.auditedRevision === c.revision && c.connections?.revision === c.revision,
    );

  beforeAll(async () => {
    api = await startApi();
    worker = await startWorker();
    cluster = await createCluster(api, 'audit', SHOP);
    await untilComputed(api, cluster);
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
    await applyYaml(api, cluster, defaultDenyIngress()).expect(200);
    const resolved = await eventually(() => findings({ rule: 'namespace-without-default-deny' }), (items) => items.length > 0 && items.every((f) => f.state === 'resolved'));
    expect(resolved[0]!.state).toBe('resolved');
    await get('/findings', { severity: 'dire' }).expect(422);
  });

  it('what-if answers the diff of a change and stores nothing', async () => {
    await settled();
    const stored = await storedState();
    const before = await state();
    const opening = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-to-api, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  ingress: [{ from: [{ podSelector: { matchLabels: { app: web } } }], ports: [{ port: 8080 }] }]
`;
    const res = await whatIf(opening).expect(200);
    expect(res.body.connectivity).toContainEqual(expect.objectContaining({ type: 'added', source: 'shop/web[Pod]', destination: 'shop/api[Pod]', new: 'TCP 8080' }));
    expect(res.body.connectivityText).toContain('diff-type: added, source: shop/web[Pod], destination: shop/api[Pod]');
    const deletion = await whatIf(JSON.stringify({ delete: [{ kind: 'NetworkPolicy', namespace: 'shop', name: 'default-deny' }] }), 'application/json').expect(200);
    expect(deletion.body.findings.opened.map((f: { rule: string }) => f.rule)).toContain('namespace-without-default-deny');
    const after = await state();
    expect(after.revision).toBe(before.revision);
    await whatIf('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n').expect(422);
    await whatIf(JSON.stringify({ delete: [{ kind: 'Pod', namespace: 'shop', name: 'ghost' }] }), 'application/json').expect(404);
    // A what-if that implies a namespace and one that would conflict store nothing either.
    await whatIf(`apiVersion: v1\nkind: Pod\nmetadata: { name: p, namespace: elsewhere }\nspec: { containers: [{ name: c, image: x }] }\n`).expect(200);
    await whatIf(`apiVersion: v1\nkind: Service\nmetadata: { name: api, namespace: shop, resourceVersion: "1" }\nspec: { selector: { app: api }, ports: [{ port: 80 }] }\n`).expect(409);
    expect((await state()).revision).toBe(before.revision);
    // Nothing at all: objects, change log, revisions, snapshot, connection list, findings, events.
    expect(await storedState()).toEqual(stored);
  });

  it('what-if validates as apply does: a stale resourceVersion is the same 409', async () => {
    const current = (await get('/objects/Service/shop/api').expect(200)).body;
    expect(Number(current.metadata.resourceVersion)).toBeGreaterThan(1);
    const stale = `apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop, resourceVersion: "1" }
spec: { selector: { app: api }, ports: [{ name: http, port: 80, targetPort: http }] }
`;
    const predicted = await whatIf(stale).expect(409);
    const applied = await applyYaml(api, cluster, stale).expect(409);
    expect(predicted.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(predicted.body.errors).toEqual(applied.body.errors);
    expect(predicted.body.errors[0]).toMatchObject({ path: expect.stringContaining('metadata.resourceVersion'), reason: 'Conflict' });
    expect(predicted.body.title).toBe(applied.body.title);
    // The current version is accepted, as apply accepts it.
    await whatIf(stale.replace('"1"', `"${current.metadata.resourceVersion}"`)).expect(200);
  });

  it('what-if creates the namespaces an object implies, as apply would', async () => {
    const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: { name: worker, namespace: batch }
spec:
  replicas: 1
  selector: { matchLabels: { app: worker } }
  template:
    metadata: { labels: { app: worker } }
    spec: { containers: [{ name: c, image: x }] }
`;
    const predicted = (await whatIf(deployment).expect(200)).body;
    const dryRun = (await api.http.post(`/api/v1/clusters/${cluster}/apply`).query({ dryRun: 'true' }).set('Content-Type', 'application/yaml').send(deployment).expect(200)).body;
    expect(predicted.results).toEqual(dryRun.results);
    expect(predicted.results).toContainEqual(expect.objectContaining({ kind: 'Namespace', name: 'batch', action: 'created', implied: true }));
    // The namespace is part of the hypothetical cluster: its audit sees it.
    const opened = predicted.findings.opened as { rule: string; objects: { kind: string; name: string }[] }[];
    expect(opened).toContainEqual(expect.objectContaining({ rule: 'namespace-without-default-deny', objects: [{ kind: 'Namespace', name: 'batch' }] }));
    expect((await get('/objects', { kind: 'Namespace' }).expect(200)).body.items.map((n: { metadata: { name: string } }) => n.metadata.name)).not.toContain('batch');
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

  it('resumes the SSE stream after Last-Event-ID', async () => {
    const idsOf = (text: string) => [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    const all = await get('/events', { since: '0', follow: 'false' }).expect(200);
    const ids = idsOf(all.text);
    expect(ids.length).toBeGreaterThan(2);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    const from = ids[1]!;
    // The header names the last event seen: the replay starts right after it, whatever `since` says.
    const resumed = await api.http.get(`/api/v1/clusters/${cluster}/events`).query({ since: '0', follow: 'false' }).set('Last-Event-ID', String(from)).expect(200);
    expect(idsOf(resumed.text)).toEqual(ids.filter((id) => id > from));
    const last = ids[ids.length - 1]!;
    const nothingNew = await api.http.get(`/api/v1/clusters/${cluster}/events`).query({ follow: 'false' }).set('Last-Event-ID', String(last)).expect(200);
    expect(idsOf(nothingNew.text).filter((id) => id <= last)).toEqual([]);
  });

  it('follows the SSE stream (follow=true): replays, then sends events of later changes as they happen', async () => {
    const { port, close } = await listenOnLoopback(api);
    const abort = new AbortController();
    // Bounded: a stream that never answers fails the test instead of holding the server open.
    const timer = setTimeout(() => abort.abort(), 30_000);
    try {
      const start = await state();
      const lastId = Math.max(...[...(await get('/events', { since: '0', follow: 'false' }).expect(200)).text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1])));
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/clusters/${cluster}/events?follow=true`, { headers: { 'Last-Event-ID': String(lastId) }, signal: abort.signal });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
      // A change made while the stream is open: its recompute arrives on it.
      const applied = await applyYaml(api, cluster, 'apiVersion: v1\nkind: Service\nmetadata: { name: follow-me, namespace: shop }\nspec: { selector: { app: nobody }, ports: [{ port: 80 }] }\n').expect(200);
      expect(applied.body.revision).toBeGreaterThan(start.revision);
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      const deadline = Date.now() + 20_000;
      const recomputedAt = (revision: number) => new RegExp(`^event: recomputed\ndata: .*"revision":${revision}[,}]`, 'm');
      while (!recomputedAt(applied.body.revision).test(text)) {
        if (Date.now() > deadline) throw new Error(`no recompute event for revision ${applied.body.revision}; got:\n${text}`);
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended; got:\n${text}`);
        text += decoder.decode(value, { stream: true });
      }
      const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
      // Only events after the resumed id, each once, in order.
      expect(ids.every((id) => id > lastId)).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    } finally {
      clearTimeout(timer);
      abort.abort();
      await close();
    }
  });

  it('answers findings, diagnosis and diffs over GraphQL; a bad state or severity is a coded error naming the field', async () => {
    await settled();
    const current = await state();
    const res = await gql(
      `query($c: String!, $from: Int!, $to: Int!) { cluster(name: $c) {
        open: findings(state: "open") resolved: findings(state: "resolved", rule: "namespace-without-default-deny")
        diagnose(from: "shop/web", to: "svc/shop/api", port: "http")
        diff(from: $from, to: $to) } }`,
      { from: current.revision - 1, to: current.revision },
    );
    expect(res.body.errors).toBeUndefined();
    const data = res.body.data.cluster;
    const rest = (await get('/findings', { state: 'open' }).expect(200)).body.items;
    expect(data.open).toEqual(rest);
    expect(data.resolved.length).toBeGreaterThan(0);
    expect(data.resolved.every((f: { rule: string; state: string }) => f.rule === 'namespace-without-default-deny' && f.state === 'resolved')).toBe(true);
    expect(data.diagnose).toMatchObject({ from: 'shop/web', to: 'svc/shop/api', verdict: 'unreachable', firstFailure: 'ingress-policy' });
    const restDiff = (await get('/diff', { from: String(current.revision - 1), to: String(current.revision) }).expect(200)).body;
    expect(data.diff).toEqual(restDiff);

    for (const [args, field] of [['state: "closed"', 'state'], ['severity: "dire"', 'severity']] as const) {
      const bad = await gql(`query($c: String!) { cluster(name: $c) { findings(${args}) } }`);
      expect(bad.body.errors, field).toHaveLength(1);
      expect(bad.body.errors[0].extensions).toMatchObject({ code: 'INVALID', status: 422, errors: [expect.objectContaining({ path: field, reason: 'FieldValueNotSupported' })] });
      expect(bad.body.errors[0].path).toEqual(['cluster', 'findings']);
    }
    const badDiagnose = await gql(`query($c: String!) { cluster(name: $c) { diagnose(from: "shop/nobody", to: "svc/shop/api") } }`);
    expect(badDiagnose.body.errors[0].extensions).toMatchObject({ code: 'NOT_FOUND', errors: [expect.objectContaining({ path: 'from' })] });
    const badDiff = await gql(`query($c: String!) { cluster(name: $c) { diff(from: 1, to: ${current.revision + 10}) } }`);
    expect(badDiff.body.errors[0].extensions).toMatchObject({ code: 'INVALID', status: 422, errors: [expect.objectContaining({ path: 'to' })] });
  });

  it('offers the stream as a GraphQL subscription (graphql-ws)', async () => {
    const { port, close } = await listenOnLoopback(api);
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
      await close();
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
    await untilComputed(api, cluster);
    const predicted = (await whatIf(change).expect(200)).body;
    expect(predicted.connectivity).toContainEqual(expect.objectContaining({ type: 'added', source: 'shop/web[Pod]', destination: 'shop/api[Pod]', new: 'TCP 8080' }));
    const viaGraphql = await api.http
      .post('/graphql')
      .send({ query: 'mutation($c: String!, $m: String!) { whatIf(cluster: $c, manifests: $m) }', variables: { c: cluster, m: change } })
      .expect(200);
    expect(viaGraphql.body.data.whatIf).toEqual(predicted);

    const applied = await applyYaml(api, cluster, change).expect(200);
    await eventually(state, (c) => c.computedRevision >= applied.body.revision);
    const actual = (await get('/diff', { from: String(applied.body.revision - 1), to: String(applied.body.revision) }).expect(200)).body;
    for (const field of ['connectivity', 'connectivityText', 'routes', 'ingressRoutes', 'gatewayRoutes', 'dns'] as const) expect(actual[field], field).toEqual(predicted[field]);
    const keys = (findings: { key: string }[]) => findings.map((f) => f.key).sort();
    expect(keys(actual.findings.opened)).toEqual(keys(predicted.findings.opened));
    expect(keys(actual.findings.resolved)).toEqual(keys(predicted.findings.resolved));
  });

  it('diffs Ingress and Gateway routing: a what-if answers what the revision diff shows once applied', async () => {
    const routing = `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: { name: nginx }
spec: { controller: k8s.io/ingress-nginx }
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: shop, namespace: shop }
spec:
  ingressClassName: nginx
  rules: [{ host: shop.example.com, http: { paths: [{ path: /api, pathType: Prefix, backend: { service: { name: api, port: { name: http } } } }] } }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: eg }
spec: { controllerName: gateway.envoyproxy.io/gatewayclass-controller }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: gw, namespace: shop }
spec: { gatewayClassName: eg, listeners: [{ name: http, port: 80, protocol: HTTP }] }
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: api, namespace: shop }
spec:
  parentRefs: [{ name: gw }]
  rules: [{ matches: [{ path: { type: PathPrefix, value: /v1 } }], backendRefs: [{ name: api, port: 80 }] }]
`;
    await untilComputed(api, cluster);
    const predicted = (await whatIf(routing).expect(200)).body;
    expect(predicted.ingressRoutes).toContainEqual({ class: 'nginx', host: 'shop.example.com', route: 'Prefix /api', ingress: 'shop/shop', change: 'added', new: 'service shop/api:http' });
    expect(predicted.gatewayRoutes).toEqual([
      { httpRoute: 'shop/api', route: 'parent Gateway shop/gw', change: 'added', new: 'attached to listener http (*)' },
      { httpRoute: 'shop/api', route: 'rule 0', change: 'added', new: 'PathPrefix /v1 -> service shop/api:80 weight 1' },
    ]);
    const applied = await applyYaml(api, cluster, routing).expect(200);
    await eventually(state, (c) => c.computedRevision >= applied.body.revision);
    const actual = (await get('/diff', { from: String(applied.body.revision - 1), to: String(applied.body.revision) }).expect(200)).body;
    expect(actual.ingressRoutes).toEqual(predicted.ingressRoutes);
    expect(actual.gatewayRoutes).toEqual(predicted.gatewayRoutes);

    // A policy-only change touches no routing.
    const policyOnly = (await whatIf(defaultDenyIngress('another-deny')).expect(200)).body;
    expect(policyOnly.ingressRoutes).toEqual([]);
    expect(policyOnly.gatewayRoutes).toEqual([]);
    // Moving the route to another backend port shows as a changed rule.
    const moved = (await whatIf(routing.split('---\n').at(-1)!.replace('port: 80 }', 'port: 8080 }')).expect(200)).body;
    expect(moved.gatewayRoutes).toEqual([
      expect.objectContaining({ httpRoute: 'shop/api', route: 'rule 0', change: 'changed', old: 'PathPrefix /v1 -> service shop/api:80 weight 1', new: expect.stringContaining('service shop/api:8080 weight 1 (BackendNotFound') }),
    ]);
  });
});
