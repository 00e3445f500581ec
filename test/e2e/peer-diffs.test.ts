import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeObjectKey, type ClusterObjectInput } from '../../libs/engine/src';
import { compareWithGolden, SETTINGS } from '../../scripts/conformance/peer-conformance';
import { diffScenarioPairs, runDiffConformance } from '../../scripts/conformance/peer-diff-conformance';
import { peerCorpusPresent } from '../support/peer-corpus';
import { startApi, uniqueClusterName, type ApiUnderTest } from './support/api-under-test';
import { startWorker, untilComputed } from './support/worker-under-test';

const refOf = (o: ClusterObjectInput) => ({ kind: o.kind, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}), name: o.metadata.name });

/**
 * The peer's diff goldens (expected/diff) through the what-if endpoint: per pair, the first
 * scenario applied over REST (and computed by the worker, so the answer starts from the stored
 * snapshot as in production), the second sent as a what-if with deletes for the objects of the
 * first it lacks. The endpoint must pass and fail exactly the goldens the engine-based report
 * (CONFORMANCE.md, scripts/conformance/peer-diff-conformance.ts) passes and fails.
 */
describe.runIf(peerCorpusPresent())('peer diff goldens through POST /whatif', () => {
  let api: ApiUnderTest;
  let worker: INestApplicationContext;
  beforeAll(async () => {
    api = await startApi({ bodyLimitBytes: 20 * 1024 * 1024, bodyLimit: '20mb' });
    worker = await startWorker();
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  it('answers every in-scope pair as the engine-based report does', async () => {
    const report = new Map(runDiffConformance().filter((o) => !o.family).map((o) => [o.name, { pass: o.pass, formats: o.formats }]));
    const pairs = diffScenarioPairs().filter((p) => !p.family);
    expect(pairs.map((p) => p.name)).toEqual([...report.keys()]);
    // Ingress / Route pairs ({ingress-controller} rows) go through the what-if too.
    const ingressPairs = pairs.filter((p) => p.golden.includes('{ingress-controller}')).map((p) => p.name);
    expect(ingressPairs.length).toBeGreaterThanOrEqual(5);
    expect(ingressPairs.filter((name) => report.get(name)?.pass).length).toBeGreaterThanOrEqual(4);
    const results = new Map<string, { pass: boolean | undefined; formats: Record<string, boolean> }>();
    const failures: string[] = [];
    for (const pair of pairs) {
      const cluster = uniqueClusterName(`diff-${pair.name.slice('diff_between_'.length).replace(/[^a-z0-9]+/gi, '-')}`.slice(0, 40));
      await api.http.post('/api/v1/clusters').send({ name: cluster, ...SETTINGS }).expect(201);
      if (pair.beforeObjects.length > 0) {
        const applied = await api.http.post(`/api/v1/clusters/${cluster}/apply?fieldValidation=Warn`).set('Content-Type', 'application/json').send(JSON.stringify(pair.beforeObjects));
        expect(applied.status, `${pair.name}: apply ${JSON.stringify(applied.body).slice(0, 400)}`).toBe(200);
      }
      await untilComputed(api, cluster);
      const kept = new Set(pair.afterObjects.map((o) => changeObjectKey(refOf(o))));
      const body = { apply: pair.afterObjects, delete: pair.beforeObjects.filter((o) => !kept.has(changeObjectKey(refOf(o)))).map(refOf) };
      const whatIf = async (format: string) => {
        const res = await api.http.post(`/api/v1/clusters/${cluster}/whatif?fieldValidation=Warn&format=${format}`).set('Content-Type', 'application/json').send(JSON.stringify(body));
        if (res.status !== 200) failures.push(`${pair.name} (${format}): ${res.status} ${JSON.stringify(res.body).slice(0, 400)}`);
        return String(res.body.connectivityText ?? '');
      };
      const txt = compareWithGolden(pair.golden, await whatIf('txt'));
      const formats: Record<string, boolean> = {};
      for (const [format, golden] of Object.entries(pair.goldens)) formats[format] = compareWithGolden(golden, await whatIf(format)).pass;
      results.set(pair.name, { pass: txt.pass, formats });
      if (report.get(pair.name)?.pass && !txt.pass) failures.push(`${pair.name}: line ${txt.diff?.line}: expected ${txt.diff?.expected}, got ${txt.diff?.got}`);
    }
    expect(failures).toEqual([]);
    expect(Object.fromEntries(results)).toEqual(Object.fromEntries(report));
    // The report's figure (CONFORMANCE.md): all but the documented differences pass.
    expect([...results.values()].filter((r) => r.pass).length).toBe([...report.values()].filter((r) => r.pass).length);
  }, 600_000);
});
