import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, uniqueClusterName, type ApiUnderTest } from './support/api-under-test';

describe('GraphQL: same services, same validation, coded errors', () => {
  let api: ApiUnderTest;
  const gql = (query: string, variables: Record<string, unknown> = {}) => api.http.post('/graphql').send({ query, variables });
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('creates a cluster, applies manifests and lists objects by kind, namespace and label selector', async () => {
    const name = uniqueClusterName('gql');
    const created = await gql('mutation($name: String!) { createCluster(input: { name: $name, cni: "cilium" }) { name cni revision } }', { name }).expect(200);
    expect(created.body.data.createCluster).toEqual({ name, cni: 'cilium', revision: 1 });
    const manifests = 'apiVersion: v1\nkind: Namespace\nmetadata: { name: web }\n---\napiVersion: v1\nkind: Pod\nmetadata: { name: a, namespace: web, labels: { app: a } }\nspec: { containers: [{ name: c, image: x }] }\n---\napiVersion: v1\nkind: Pod\nmetadata: { name: b, namespace: web, labels: { app: b } }\nspec: { containers: [{ name: c, image: x }] }\n';
    const applied = await gql('mutation($c: String!, $m: String!) { apply(cluster: $c, manifests: $m) { revision dryRun results { kind namespace name action } } }', { c: name, m: manifests }).expect(200);
    expect(applied.body.data.apply.revision).toBe(2);
    expect(applied.body.data.apply.results).toHaveLength(3);
    const listed = await gql(
      'query($c: String!) { cluster(name: $c) { revision objects(kind: "Pod", namespace: "web", labelSelector: "app in (b)") { revision items { name labels spec } } } }',
      { c: name },
    ).expect(200);
    expect(listed.body.data.cluster.objects.items).toEqual([{ name: 'b', labels: { app: 'b' }, spec: { containers: [{ name: 'c', image: 'x' }] } }]);
    const page = await gql('query($c: String!) { cluster(name: $c) { objects(limit: 1) { items { kind name } continue } } }', { c: name }).expect(200);
    expect(page.body.data.cluster.objects.items).toHaveLength(1);
    expect(page.body.data.cluster.objects.continue).toEqual(expect.any(String));
  });

  it('reports validation failures as coded errors with the field path, storing nothing', async () => {
    const name = uniqueClusterName('gqlbad');
    await gql('mutation($name: String!) { createCluster(input: { name: $name }) { name } }', { name }).expect(200);
    const bad = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: p }\nspec:\n  podSelector: {}\n  ingress:\n    - from: [{ ipBlock: { cidr: not-a-cidr } }]\n';
    const response = await gql('mutation($c: String!, $m: String!) { apply(cluster: $c, manifests: $m) { revision } }', { c: name, m: bad });
    expect(response.body.data).toBeNull();
    const [error] = response.body.errors;
    expect(error.extensions).toMatchObject({ code: 'INVALID', status: 422 });
    expect(error.extensions.errors[0]).toMatchObject({ path: 'spec.ingress[0].from[0].ipBlock.cidr', reason: 'FieldValueInvalid', line: 7 });
    const after = await gql('query($c: String!) { cluster(name: $c) { revision } }', { c: name }).expect(200);
    expect(after.body.data.cluster.revision).toBe(1);
    const missing = await gql('{ cluster(name: "does-not-exist") { name } }');
    expect(missing.body.errors[0].extensions.code).toBe('NOT_FOUND');
    const dup = await gql('mutation($name: String!) { createCluster(input: { name: $name }) { name } }', { name });
    expect(dup.body.errors[0].extensions).toMatchObject({ code: 'CONFLICT', status: 409 });
  });

  it('refuses queries past the alias and cost limits before running them', async () => {
    const aliases = `{ ${Array.from({ length: 30 }, (_, i) => `a${i}: clusters { name }`).join(' ')} }`;
    const tooMany = await gql(aliases);
    expect(tooMany.body.errors?.length, JSON.stringify(tooMany.body)).toBeGreaterThan(0);
    expect(tooMany.body.data ?? null).toBeNull();
    const fields = 'name podCidr serviceCidr objects(limit: 1000) { revision continue items { apiVersion kind namespace name uid labels annotations spec status manifest } } revisions { revision operation changes { type kind namespace name } }';
    const costly = `{ ${Array.from({ length: 19 }, (_, i) => `c${i}: clusters { ${fields} }`).join(' ')} }`;
    const expensive = await gql(costly);
    expect(expensive.body.errors?.length, JSON.stringify(expensive.body)).toBeGreaterThan(0);
    expect(expensive.body.data ?? null).toBeNull();
  });

  it('serves the GraphiQL explorer from local assets only', async () => {
    const page = await api.http.get('/graphql').set('Accept', 'text/html').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const sources = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(sources.length).toBeGreaterThanOrEqual(4);
    for (const source of sources) {
      expect(source.startsWith('/')).toBe(true);
      const asset = await api.http.get(source).expect(200);
      expect(asset.body.length ?? asset.text.length).toBeGreaterThan(1000);
    }
    expect(page.text).not.toMatch(/https?:\/\//);
  });
});
