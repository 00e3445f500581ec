import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peerCorpusPresent, peerScenarios } from '../support/peer-corpus';
import { startApi, uniqueClusterName, type ApiUnderTest } from './support/api-under-test';

/**
 * Folders without `bad_path` in their name whose inputs are broken on purpose (the peer reports
 * them as errors too): they must be rejected with a clear 4xx, never applied and never a 500.
 */
const BROKEN_ON_PURPOSE: Record<string, string> = {
  dirty: 'unquoted {{ }} templates: not YAML',
  document_with_syntax_error: 'YAML syntax error',
  onlineboutique_with_pods_severe_error: 'unquoted {{ }} templates: not YAML',
  'malformed-pod-example-2': 'pod list with wrongly typed fields',
  'malformed-pod-example-3': '`kindt` instead of `kind`',
  'malformed-pod-example-4': '`kindt` instead of `kind`',
  'malformed-pod-example-5': 'stray `@`, `kindt` instead of `kind`',
  malformed_pod_example: 'pod without kind',
  bad_netpols: 'NetworkPolicies with invalid selectors, ports and CIDRs',
  bad_yamls: 'a YAML file that is not a Kubernetes object',
};

/**
 * Every scenario of the peer corpus that is meant to be valid applies, one cluster per folder.
 * The only rejections allowed are of kinds outside the supported list, each a 422 naming the kind.
 */
describe.runIf(peerCorpusPresent())('the peer corpus applies', () => {
  let api: ApiUnderTest;
  beforeAll(async () => {
    api = await startApi({ bodyLimitBytes: 20 * 1024 * 1024, bodyLimit: '20mb' });
  });
  afterAll(async () => {
    await api.close();
  });

  it('applies every non-bad_path folder, or rejects it only for unsupported kinds', async () => {
    const rejected: Record<string, string[]> = {};
    const failures: string[] = [];
    for (const scenario of peerScenarios({ badPath: false })) {
      const cluster = uniqueClusterName(`peer-${scenario.name.replace(/[^a-z0-9]+/gi, '-')}`.slice(0, 40));
      await api.http.post('/api/v1/clusters').send({ name: cluster }).expect(201);
      // One request per file, in order, as `kubectl apply -f <folder>` does: some folders define
      // an object in two files, which one request would reject as a duplicate.
      const responses = [];
      for (const file of scenario.files) {
        responses.push(
          await api.http
            .post(`/api/v1/clusters/${cluster}/apply?fieldValidation=Warn`)
            .set('Content-Type', 'application/yaml')
            .send(readFileSync(file, 'utf8')),
        );
      }
      const failed = responses.filter((r) => r.status !== 200);
      const response = failed[0] ?? responses[0]!;
      if (BROKEN_ON_PURPOSE[scenario.name]) {
        if (response.status < 400 || response.status >= 500) failures.push(`${scenario.name}: broken on purpose but answered ${response.status}`);
        continue;
      }
      if (failed.length === 0) {
        expect(responses.some((r) => r.body.results.length > 0), scenario.name).toBe(true);
        continue;
      }
      const errors = failed.flatMap((r) => (r.body.errors ?? []) as Array<{ reason: string; message: string; path: string }>);
      const onlyKinds = failed.every((r) => r.status === 422) && errors.length > 0 && errors.every((e) => e.reason === 'KindNotSupported');
      if (onlyKinds) rejected[scenario.name] = [...new Set(errors.map((e) => e.message))];
      else failures.push(`${scenario.name}: ${response.status} ${JSON.stringify(errors.filter((e) => e.reason !== 'KindNotSupported').slice(0, 3))}`);
    }
    expect(failures).toEqual([]);
    // Printed so the list of folders rejected for their kinds stays visible in the test log.
    console.info(`peer folders rejected for unsupported kinds: ${JSON.stringify(rejected, null, 1)}`);
  }, 600_000);
});
