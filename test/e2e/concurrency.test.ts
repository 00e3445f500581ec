import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, uniqueClusterName, type ApiUnderTest } from './support/api-under-test';

describe('concurrent writers never lose an update', () => {
  let api: ApiUnderTest;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('20 concurrent applies of different objects all land, each with its own revision', async () => {
    const cluster = uniqueClusterName('race');
    await api.http.post('/api/v1/clusters').send({ name: cluster }).expect(201);
    await api.http.post(`/api/v1/clusters/${cluster}/apply`).set('Content-Type', 'application/yaml').send('apiVersion: v1\nkind: Namespace\nmetadata: { name: race }\n').expect(200);
    const writers = Array.from({ length: 20 }, (_, i) =>
      api.http
        .post(`/api/v1/clusters/${cluster}/apply`)
        .set('Content-Type', 'application/yaml')
        .send(`apiVersion: v1\nkind: Pod\nmetadata: { name: p${i}, namespace: race }\nspec: { containers: [{ name: c, image: x }] }\n`),
    );
    const responses = await Promise.all(writers);
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const revisions = responses.map((r) => r.body.revision).sort((a, b) => a - b);
    expect(new Set(revisions).size).toBe(20);
    const pods = await api.http.get(`/api/v1/clusters/${cluster}/objects?kind=Pod`).expect(200);
    expect(pods.body.items).toHaveLength(20);
    const read = await api.http.get(`/api/v1/clusters/${cluster}`).expect(200);
    expect(read.body.revision).toBe(2 + 20);
  });

  it('concurrent read-modify-write with resourceVersion: exactly one writer per version wins', async () => {
    const cluster = uniqueClusterName('rmw');
    await api.http.post('/api/v1/clusters').send({ name: cluster }).expect(201);
    const base = (labels: string, rv?: string) =>
      `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: counter\n  labels: { ${labels} }\n${rv ? `  resourceVersion: "${rv}"\n` : ''}`;
    await api.http.post(`/api/v1/clusters/${cluster}/apply`).set('Content-Type', 'application/yaml').send(base('n: "0"')).expect(200);
    const current = await api.http.get(`/api/v1/clusters/${cluster}/objects/ns/counter`).expect(200);
    const rv = current.body.metadata.resourceVersion;
    const attempts = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        api.http.post(`/api/v1/clusters/${cluster}/apply`).set('Content-Type', 'application/yaml').send(base(`n: "w${i}"`, rv)),
      ),
    );
    const statuses = attempts.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
    const winner = attempts.find((r) => r.status === 200)!;
    const after = await api.http.get(`/api/v1/clusters/${cluster}/objects/ns/counter`).expect(200);
    expect(after.body.metadata.resourceVersion).toBe(String(winner.body.revision));
  });
});
