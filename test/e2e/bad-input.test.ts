import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, uniqueClusterName, type ApiUnderTest } from './support/api-under-test';

const policy = (spec: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: p
  namespace: shop
spec:
${spec}`;

interface Case {
  name: string;
  body: string;
  type?: string;
  status: number;
  path?: string;
  reason?: string;
  line?: number;
}

const CASES: Case[] = [
  // The unclosed flow sequence is detected where the document ends, on line 5.
  { name: 'YAML syntax error', body: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n', status: 400, reason: 'SyntaxError', line: 5 },
  { name: 'YAML syntax error mid-document', body: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n labels: {}\n', status: 400, reason: 'SyntaxError', line: 5 },
  { name: 'body that is neither YAML nor JSON objects', body: 'just some words', status: 400, path: '' },
  { name: 'JSON that does not parse', body: '{"apiVersion": "v1", ', type: 'application/json', status: 400, reason: 'SyntaxError' },
  { name: 'missing apiVersion', body: 'kind: Namespace\nmetadata: { name: a }\n', status: 422, path: 'apiVersion', reason: 'FieldValueRequired' },
  { name: 'missing kind', body: 'apiVersion: v1\nmetadata: { name: a }\n', status: 422, path: 'kind', reason: 'FieldValueRequired' },
  { name: 'missing name', body: 'apiVersion: v1\nkind: Namespace\nmetadata: {}\n', status: 422, path: 'metadata.name', reason: 'FieldValueRequired' },
  { name: 'unknown kind', body: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n', status: 422, path: 'kind', reason: 'KindNotSupported' },
  { name: 'invalid name', body: 'apiVersion: v1\nkind: Namespace\nmetadata: { name: Bad_Name }\n', status: 422, path: 'metadata.name', reason: 'FieldValueInvalid' },
  { name: 'invalid label key', body: 'apiVersion: v1\nkind: Namespace\nmetadata: { name: a, labels: { "-bad/key": x } }\n', status: 422, path: 'metadata.labels["-bad/key"]', reason: 'FieldValueInvalid' },
  { name: 'invalid label value', body: 'apiVersion: v1\nkind: Namespace\nmetadata: { name: a, labels: { ok: "no spaces" } }\n', status: 422, path: 'metadata.labels.ok', reason: 'FieldValueInvalid' },
  { name: 'invalid CIDR', body: policy('  podSelector: {}\n  ingress:\n    - from:\n        - ipBlock: { cidr: 10.0.0.0/40 }\n'), status: 422, path: 'spec.ingress[0].from[0].ipBlock.cidr', reason: 'FieldValueInvalid', line: 10 },
  { name: 'except outside its cidr', body: policy('  podSelector: {}\n  ingress:\n    - from:\n        - {}\n        - ipBlock: { cidr: 10.0.0.0/16, except: [10.1.0.0/24] }\n'), status: 422, path: 'spec.ingress[0].from[1].ipBlock.except[0]', reason: 'FieldValueInvalid' },
  { name: 'port out of range', body: policy('  podSelector: {}\n  ingress:\n    - ports: [{ port: 70000 }]\n'), status: 422, path: 'spec.ingress[0].ports[0].port', reason: 'FieldValueInvalid' },
  { name: 'endPort below port', body: policy('  podSelector: {}\n  egress:\n    - ports: [{ port: 8080, endPort: 80 }]\n'), status: 422, path: 'spec.egress[0].ports[0].endPort', reason: 'FieldValueInvalid' },
  { name: 'endPort with a named port', body: policy('  podSelector: {}\n  egress:\n    - ports: [{ port: http, endPort: 90 }]\n'), status: 422, path: 'spec.egress[0].ports[0].endPort', reason: 'FieldValueInvalid' },
  { name: 'unknown protocol', body: policy('  podSelector: {}\n  ingress:\n    - ports: [{ protocol: ICMP, port: 1 }]\n'), status: 422, path: 'spec.ingress[0].ports[0].protocol', reason: 'FieldValueNotSupported' },
  { name: 'unknown field', body: policy('  podSelector: {}\n  ingress:\n    - form: []\n'), status: 422, path: 'spec.ingress[0].form', reason: 'FieldValueUnknown' },
  { name: 'one object named twice', body: 'apiVersion: v1\nkind: Namespace\nmetadata: { name: a }\n---\napiVersion: v1\nkind: Namespace\nmetadata: { name: a }\n', status: 422, reason: 'FieldValueDuplicate' },
  { name: 'unsupported media type', body: '<xml/>', type: 'application/xml', status: 415, path: 'Content-Type' },
];

describe('bad input: a clear 4xx with the field at fault, and nothing stored', () => {
  let api: ApiUnderTest;
  let cluster: string;
  beforeAll(async () => {
    api = await startApi({ bodyLimitBytes: 64 * 1024, bodyLimit: '64kb' });
    cluster = uniqueClusterName('bad');
    await api.http.post('/api/v1/clusters').send({ name: cluster }).expect(201);
    await api.http
      .post(`/api/v1/clusters/${cluster}/apply`)
      .set('Content-Type', 'application/yaml')
      .send('apiVersion: v1\nkind: Namespace\nmetadata: { name: shop }\n')
      .expect(200);
  });
  afterAll(async () => {
    await api.close();
  });

  async function state() {
    const [clusterView, objects] = await Promise.all([
      api.http.get(`/api/v1/clusters/${cluster}`).expect(200),
      api.http.get(`/api/v1/clusters/${cluster}/objects`).expect(200),
    ]);
    return { revision: clusterView.body.revision, objects: objects.body.items };
  }

  for (const c of CASES) {
    it(`${c.name} → ${c.status}`, async () => {
      const before = await state();
      // A valid object travels with the bad one: all or nothing means it is not stored either.
      const valid = 'apiVersion: v1\nkind: Namespace\nmetadata: { name: innocent }\n---\n';
      const body = c.type ? c.body : `${valid}${c.body}`;
      const response = await api.http
        .post(`/api/v1/clusters/${cluster}/apply`)
        .set('Content-Type', c.type ?? 'application/yaml')
        .send(body);
      expect(response.status, JSON.stringify(response.body)).toBe(c.status);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ status: c.status, title: expect.any(String), type: expect.any(String) });
      const errors = response.body.errors as Array<{ path: string; reason: string; line?: number; document?: number }>;
      expect(errors.length).toBeGreaterThan(0);
      if (c.path !== undefined) expect(errors.map((e) => e.path)).toContain(c.path);
      if (c.reason) expect(errors.map((e) => e.reason)).toContain(c.reason);
      if (c.line) expect(errors.map((e) => e.line! - (c.type ? 0 : 4))).toContain(c.line);
      expect(await state()).toEqual(before);
    });
  }

  it('a body over the size limit → 413, nothing stored', async () => {
    const before = await state();
    const labels = Array.from({ length: 4000 }, (_, i) => `    k${i}: v${i}`).join('\n');
    const response = await api.http
      .post(`/api/v1/clusters/${cluster}/apply`)
      .set('Content-Type', 'application/yaml')
      .send(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: big\n  labels:\n${labels}\n`);
    expect(response.status).toBe(413);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await state()).toEqual(before);
  });

  it('unknown clusters, kinds and query parameters are 4xx, never 500', async () => {
    await api.http.post('/api/v1/clusters/nope/apply').set('Content-Type', 'application/yaml').send('apiVersion: v1\nkind: Namespace\nmetadata: { name: a }\n').expect(404);
    const kind = await api.http.get(`/api/v1/clusters/${cluster}/objects?kind=widgets`).expect(422);
    expect(kind.body.errors[0]).toMatchObject({ path: 'kind', reason: 'KindNotSupported' });
    const limit = await api.http.get(`/api/v1/clusters/${cluster}/objects?limit=0`).expect(422);
    expect(limit.body.errors[0].path).toBe('limit');
    const extra = await api.http.get(`/api/v1/clusters/${cluster}/objects?colour=red`).expect(422);
    expect(extra.body.errors[0]).toMatchObject({ path: 'colour', reason: 'FieldValueUnknown' });
    const token = await api.http.get(`/api/v1/clusters/${cluster}/objects?continue=garbage`).expect(422);
    expect(token.body.errors[0].path).toBe('continue');
    const dry = await api.http.post(`/api/v1/clusters/${cluster}/apply?dryRun=maybe`).set('Content-Type', 'application/yaml').send('a: b').expect(422);
    expect(dry.body.errors[0].path).toBe('dryRun');
    const json = await api.http.post('/api/v1/clusters').set('Content-Type', 'application/json').send('{"name": ').expect(400);
    expect(json.body.code).toBe('MALFORMED');
    await api.http.get('/api/v1/nowhere').expect(404);
    const path = await api.http.get('/api/v1/clusters/%E0%A4%A').expect(400);
    expect(path.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(path.body.code).toBe('MALFORMED');
    const param = await api.http.get(`/api/v1/clusters/${cluster}/reachability?from=%E0%A4%A&to=a/b&port=80`);
    expect(param.status).toBeGreaterThanOrEqual(400);
    expect(param.status).toBeLessThan(500);
  });
});
