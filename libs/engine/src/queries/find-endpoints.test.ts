import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors/domain-error';
import { policyModelOf } from '../policy/cluster-policy-model';
import { objectsFromYaml, pod, SMALL_SETTINGS } from '../services/small-cluster.fixture';
import { computeClusterModel } from '../workloads/cluster-model';
import { parseEndpointRef } from './endpoint-ref';
import { findEndpoints } from './find-endpoints';

const model = policyModelOf(
  computeClusterModel(
    objectsFromYaml(`apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec:
  replicas: 2
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec: { containers: [ { name: c } ] }
---
${pod('shop', 'web-0', { app: 'web' }, '10.244.1.5', 'n1', [])}`),
    SMALL_SETTINGS,
  ),
  SMALL_SETTINGS,
);

const find = (text: string) => findEndpoints(model, parseEndpointRef(text, 'from'), 'from');

describe('finding asked endpoints', () => {
  it('finds a pod, the pods of a workload, a pod by its address, and an outside address', () => {
    expect(find('shop/web-0')).toMatchObject({ text: 'pod shop/web-0', endpoints: [{ label: 'shop/web-0', pod: { name: 'web-0' } }] });
    const api = find('deploy/shop/api');
    expect(api.text).toBe('Deployment shop/api (2 pods)');
    expect(api.endpoints).toHaveLength(2);
    expect(find('10.244.1.5')).toMatchObject({ text: 'pod shop/web-0 (10.244.1.5)', endpoints: [{ label: 'shop/web-0' }] });
    expect(find('8.8.8.8')).toEqual({ text: 'external 8.8.8.8', endpoints: [{ label: '8.8.8.8', endpoint: { ip: '8.8.8.8' } }] });
  });

  it('answers NOT_FOUND naming the field for a pod or workload that is not there', () => {
    for (const text of ['shop/nobody', 'sts/shop/api']) {
      try {
        find(text);
        expect.unreachable(text);
      } catch (error) {
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).code).toBe('NOT_FOUND');
        expect((error as DomainError).errors[0]).toMatchObject({ path: 'from', reason: 'NotFound' });
      }
    }
  });
});
