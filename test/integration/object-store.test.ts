import { parseLabelSelectorString, validateClusterSettings } from '@switchyard/engine';
import { migrationStatus, type ClusterStore, type ObjectStore, type PrismaService } from '@switchyard/persistence';
import { manifests, startPersistence } from '../support/persistence-under-test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ns = (name: string, labels = '') => `apiVersion: v1\nkind: Namespace\nmetadata: { name: ${name}${labels ? `, labels: { ${labels} }` : ''} }\n---\n`;

describe('the object store on a real, migrated Postgres', () => {
  let prisma: PrismaService;
  let clusters: ClusterStore;
  let objects: ObjectStore;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ prisma, clusters, objects, close } = await startPersistence());
  });
  afterAll(async () => {
    await close();
  });

  it('has every migration applied', async () => {
    const status = await migrationStatus(prisma);
    expect(status.pending).toEqual([]);
    expect(status.applied).toBeGreaterThan(0);
  });

  it('reads back every past revision exactly as it stood', async () => {
    const cluster = await clusters.create(validateClusterSettings({ name: 'history' }, { partial: false }));
    const r2 = await objects.apply(cluster.name, manifests(ns('a', 'v: "1"') + ns('b')), { dryRun: false });
    const r3 = await objects.apply(cluster.name, manifests(ns('a', 'v: "2"')), { dryRun: false });
    const r4 = await objects.delete(cluster.name, 'Namespace', '', 'b');
    const r5 = await objects.apply(cluster.name, manifests(ns('c')), { dryRun: false });
    expect([r2.revision, r3.revision, r4.revision, r5.revision]).toEqual([2, 3, 4, 5]);
    const { id } = await clusters.find(cluster.name);
    // Revision 1 holds what every cluster starts with; this test follows its own namespaces.
    const mine = (o: { kind: string; metadata: { name: string } }) => o.kind === 'Namespace' && ['a', 'b', 'c'].includes(o.metadata.name);
    const at = async (revision: number) =>
      (await objects.snapshotAt(id, revision)).filter(mine).map((o) => `${o.metadata.name}:${o.metadata.labels.v ?? '-'}:${o.metadata.resourceVersion}`);
    expect(await at(1)).toEqual([]);
    expect(await at(2)).toEqual(['a:1:2', 'b:-:2']);
    expect(await at(3)).toEqual(['a:2:3', 'b:-:2']);
    expect(await at(4)).toEqual(['a:2:3']);
    expect(await at(5)).toEqual(['a:2:3', 'c:-:5']);
    const current = await objects.list(cluster.name, {});
    expect(current.items.filter(mine).map((o) => o.metadata.name)).toEqual(['a', 'c']);
    expect((await objects.snapshotAt(id, 5)).length).toBe(current.items.length);
    expect(await at(5)).toEqual(current.items.filter(mine).map((o) => `${o.metadata.name}:${o.metadata.labels.v ?? '-'}:${o.metadata.resourceVersion}`));
  });

  it('stores created and configured objects and their change-log rows column by column (absent JSON is SQL NULL)', async () => {
    const cluster = await clusters.create(validateClusterSettings({ name: 'columns' }, { partial: false }));
    const pod = `apiVersion: v1
kind: Pod
metadata: { name: p, namespace: a, labels: { app: x }, uid: 0b6f4b8e-5d2c-4a8e-9a51-2b1a3c4d5e6f,
  ownerReferences: [{ apiVersion: apps/v1, kind: ReplicaSet, name: rs, uid: 1b6f4b8e-5d2c-4a8e-9a51-2b1a3c4d5e6f }] }
spec: { containers: [{ name: c, image: i }] }
status: { podIP: 10.244.0.7 }
`;
    const { revision } = await objects.apply(cluster.name, manifests(ns('a') + pod), { dryRun: false });
    const { id } = await clusters.find(cluster.name);
    const rows = await prisma.$queryRaw<Array<Record<string, unknown>>>`
      SELECT kind, name, uid::text AS uid, labels, annotations, "ownerReferences" IS NULL AS "noOwners", spec, status,
             status IS NULL AS "noStatus", data IS NULL AS "noData", "resourceVersion", generation, "createdRevision",
             "creationTimestamp" IS NOT NULL AS "hasCreated", "updatedAt" IS NOT NULL AS "hasUpdated"
      FROM "ClusterObject" WHERE "clusterId" = ${id}::uuid AND namespace IN ('', 'a') AND name IN ('a', 'p') ORDER BY kind`;
    expect(rows).toEqual([
      expect.objectContaining({ kind: 'Namespace', name: 'a', labels: { 'kubernetes.io/metadata.name': 'a' }, annotations: {}, noOwners: true, spec: null, noStatus: true, noData: true, resourceVersion: revision, generation: 1, createdRevision: revision, hasCreated: true, hasUpdated: true }),
      expect.objectContaining({ kind: 'Pod', name: 'p', uid: '0b6f4b8e-5d2c-4a8e-9a51-2b1a3c4d5e6f', labels: { app: 'x' }, noOwners: false, status: { podIP: '10.244.0.7' }, noData: true, resourceVersion: revision, createdRevision: revision }),
    ]);
    const changes = await prisma.objectChange.findMany({ where: { clusterId: id, revision }, orderBy: { kind: 'asc' } });
    expect(changes.map((c) => [c.kind, c.name, c.type, (c.object as { metadata?: { uid?: string } } | null)?.metadata?.uid !== undefined])).toEqual([
      ['Namespace', 'a', 'ADDED', true],
      ['Pod', 'p', 'ADDED', true],
    ]);
    // Configured: new labels and spec, no status any more (generation moves with the spec only).
    const changed = pod.replace('app: x', 'app: y').replace('image: i', 'image: j').replace('status: { podIP: 10.244.0.7 }\n', '');
    const second = await objects.apply(cluster.name, manifests(changed), { dryRun: false });
    const [updated] = await prisma.$queryRaw<Array<Record<string, unknown>>>`
      SELECT labels, spec, status IS NULL AS "noStatus", "resourceVersion", generation, "createdRevision", uid::text AS uid
      FROM "ClusterObject" WHERE "clusterId" = ${id}::uuid AND kind = 'Pod' AND name = 'p'`;
    expect(updated).toEqual({
      labels: { app: 'y' },
      spec: { containers: [{ name: 'c', image: 'j' }] },
      noStatus: true,
      resourceVersion: second.revision,
      generation: 2,
      createdRevision: revision,
      uid: '0b6f4b8e-5d2c-4a8e-9a51-2b1a3c4d5e6f',
    });
    const modified = await prisma.objectChange.findFirstOrThrow({ where: { clusterId: id, revision: second.revision, name: 'p' } });
    expect(modified.type).toBe('MODIFIED');
    const deleted = await objects.delete(cluster.name, 'Pod', 'a', 'p');
    const gone = await prisma.objectChange.findFirstOrThrow({ where: { clusterId: id, revision: deleted.revision, name: 'p' } });
    expect([gone.type, gone.object]).toEqual(['DELETED', null]);
  });

  it('keeps a continue token on the revision of its first page while the cluster moves on', async () => {
    const cluster = await clusters.create(validateClusterSettings({ name: 'paging' }, { partial: false }));
    await objects.apply(cluster.name, manifests(ns('n1') + ns('n2') + ns('n3')), { dryRun: false });
    const selector = parseLabelSelectorString('kubernetes.io/metadata.name in (n1,n2,n3,n4)');
    const first = await objects.list(cluster.name, { kind: 'Namespace', labelSelector: selector }, { limit: 2 });
    expect(first.items.map((o) => o.metadata.name)).toEqual(['n1', 'n2']);
    await objects.delete(cluster.name, 'Namespace', '', 'n3');
    await objects.apply(cluster.name, manifests(ns('n4')), { dryRun: false });
    const second = await objects.list(cluster.name, { kind: 'Namespace', labelSelector: selector }, { continue: first.continue });
    expect(second.revision).toBe(first.revision);
    expect(second.items.map((o) => o.metadata.name)).toEqual(['n3']);
  });

  it('a rejected apply writes nothing, not even the objects before the conflict', async () => {
    const cluster = await clusters.create(validateClusterSettings({ name: 'atomic' }, { partial: false }));
    await objects.apply(cluster.name, manifests(ns('x')), { dryRun: false });
    const stale = manifests(`${ns('y')}apiVersion: v1\nkind: Namespace\nmetadata: { name: x, resourceVersion: "1", labels: { z: "1" } }\n`);
    await expect(objects.apply(cluster.name, stale, { dryRun: false })).rejects.toMatchObject({ code: 'CONFLICT' });
    const after = await objects.list(cluster.name, { labelSelector: parseLabelSelectorString('kubernetes.io/metadata.name in (x,y)') });
    expect(after.items.map((o) => o.metadata.name)).toEqual(['x']);
    expect((await clusters.get(cluster.name)).revision).toBe(2);
  });
});
