import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, uniqueClusterName, type ApiUnderTest } from './support/api-under-test';

describe('clusters over REST', () => {
  let api: ApiUnderTest;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('creates a cluster with the documented defaults and reads it back', async () => {
    const name = uniqueClusterName('defaults');
    const created = await api.http.post('/api/v1/clusters').send({ name }).expect(201);
    expect(created.body).toMatchObject({
      name,
      podCidr: '10.244.0.0/16',
      serviceCidr: '10.96.0.0/12',
      clusterDomain: 'cluster.local',
      cni: 'calico',
      kubeProxyMode: 'iptables',
      nodePortRange: '30000-32767',
      revision: 1,
    });
    const read = await api.http.get(`/api/v1/clusters/${name}`).expect(200);
    expect(read.body).toEqual(created.body);
    const list = await api.http.get('/api/v1/clusters').expect(200);
    expect(list.body.items.map((c: { name: string }) => c.name)).toContain(name);
  });

  it('answers 409 when the name exists, and changes nothing', async () => {
    const name = uniqueClusterName('taken');
    await api.http.post('/api/v1/clusters').send({ name, cni: 'cilium' }).expect(201);
    const again = await api.http.post('/api/v1/clusters').send({ name, cni: 'flannel' }).expect(409);
    expect(again.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(again.body.errors[0]).toMatchObject({ path: 'name', reason: 'FieldValueDuplicate' });
    const read = await api.http.get(`/api/v1/clusters/${name}`).expect(200);
    expect(read.body.cni).toBe('cilium');
  });

  it('rejects invalid settings with the field at fault', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: 'Not_A_Name' }, 'name'],
      [{ name: uniqueClusterName('c'), podCidr: '10.0.0.0/33' }, 'podCidr'],
      [{ name: uniqueClusterName('c'), serviceCidr: '10.244.0.0/20' }, 'serviceCidr'],
      [{ name: uniqueClusterName('c'), cni: 'bogus' }, 'cni'],
      [{ name: uniqueClusterName('c'), kubeProxyMode: 'userspace' }, 'kubeProxyMode'],
      [{ name: uniqueClusterName('c'), nodePortRange: '32767-30000' }, 'nodePortRange'],
      [{ name: uniqueClusterName('c'), colour: 'blue' }, 'colour'],
      [{}, 'name'],
    ];
    for (const [body, path] of cases) {
      const response = await api.http.post('/api/v1/clusters').send(body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(response.body.errors.map((e: { path: string }) => e.path), JSON.stringify(body)).toContain(path);
      if (typeof body.name === 'string') await api.http.get(`/api/v1/clusters/${body.name}`).expect(404);
    }
  });

  it('patches settings, advancing the revision only on change, and keeps the overlap rule', async () => {
    const name = uniqueClusterName('patch');
    await api.http.post('/api/v1/clusters').send({ name }).expect(201);
    const patched = await api.http.patch(`/api/v1/clusters/${name}`).send({ cni: 'flannel' }).expect(200);
    expect(patched.body).toMatchObject({ cni: 'flannel', revision: 2 });
    const same = await api.http.patch(`/api/v1/clusters/${name}`).send({ cni: 'flannel' }).expect(200);
    expect(same.body.revision).toBe(2);
    const overlap = await api.http.patch(`/api/v1/clusters/${name}`).send({ podCidr: '10.96.0.0/16' }).expect(422);
    expect(overlap.body.errors.length).toBeGreaterThan(0);
    const read = await api.http.get(`/api/v1/clusters/${name}`).expect(200);
    expect(read.body).toMatchObject({ podCidr: '10.244.0.0/16', revision: 2 });
  });

  it('deletes a cluster', async () => {
    const name = uniqueClusterName('gone');
    await api.http.post('/api/v1/clusters').send({ name }).expect(201);
    await api.http.delete(`/api/v1/clusters/${name}`).expect(204);
    const missing = await api.http.get(`/api/v1/clusters/${name}`).expect(404);
    expect(missing.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    await api.http.delete(`/api/v1/clusters/${name}`).expect(404);
  });
});
