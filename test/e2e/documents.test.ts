import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiUnderTest } from './support/api-under-test';

describe('health, OpenAPI and metrics', () => {
  let api: ApiUnderTest;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('is live, and ready when database, Redis and migrations are', async () => {
    await api.http.get('/health/live').expect(200);
    const ready = await api.http.get('/health/ready').expect(200);
    expect(ready.body.details).toMatchObject({ database: { status: 'up' }, redis: { status: 'up' }, migrations: { status: 'up' } });
  });

  it('documents every REST route in OpenAPI, with Swagger UI served locally', async () => {
    const doc = await api.http.get('/docs-json').expect(200);
    const paths = Object.keys(doc.body.paths);
    for (const route of [
      '/api/v1/clusters',
      '/api/v1/clusters/{cluster}',
      '/api/v1/clusters/{cluster}/apply',
      '/api/v1/clusters/{cluster}/objects',
      '/api/v1/clusters/{cluster}/objects/{kind}/{name}',
      '/api/v1/clusters/{cluster}/objects/{kind}/{namespace}/{name}',
      '/api/v1/clusters/{cluster}/revisions',
      '/health/ready',
    ]) {
      expect(paths).toContain(route);
    }
    const ui = await api.http.get('/docs').expect(200);
    expect(ui.text).toMatch(/swagger/i);
    expect(ui.text).not.toMatch(/(src|href)="https?:\/\//);
    // The page's scripts and styles come from this server, and are there.
    const assets = [...ui.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => new URL(m[1]!, 'http://api/docs').pathname);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) expect((await api.http.get(asset)).status, asset).toBe(200);
  });

  it('exposes Prometheus metrics: HTTP latency and queue depth', async () => {
    await api.http.get('/api/v1/clusters').expect(200);
    const metrics = await api.http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/switchyard_http_request_duration_seconds_bucket\{[^}]*route="\/api\/v1\/clusters"/);
    expect(metrics.text).toMatch(/switchyard_queue_jobs\{queue="cluster-compute",state="waiting"\}/);
  });
});
