import { randomUUID } from 'node:crypto';
import {
  allocateAddresses,
  allocationsOfService,
  DomainError,
  objectKey,
  type ApplyPlanEntry,
  type ManifestObject,
} from '@switchyard/engine';
import { Prisma, type Cluster, type ClusterObject } from './generated/prisma/client';
import { settingsOf } from './cluster-store-settings';
import { toObjectView, type ObjectView } from './stored-object';
import type { Tx } from './transaction';

/** The write path shared by apply and cluster creation: rows, change log and revision, in one transaction. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const json = (value: unknown) => (value === undefined || value === null ? Prisma.DbNull : (value as Prisma.InputJsonValue));

export interface WriteCounts {
  counts: { added: number; modified: number; deleted: number };
  changes: Prisma.ObjectChangeCreateManyInput[];
}

/** One planned object as a write at `revision` stores it: its row's columns, its uid, and its change-log view. */
export interface PlannedRow {
  columns: {
    apiVersion: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    ownerReferences: ReturnType<typeof json>;
    spec: ReturnType<typeof json>;
    status: ReturnType<typeof json>;
    data: ReturnType<typeof json>;
    resourceVersion: number;
    generation: number;
  };
  uid: string;
  view: ObjectView;
}

/**
 * The row and view of a created or configured object at `revision`, without writing it: the
 * write path stores exactly this, and a preview (what-if) reads the same objects apply would store.
 */
export function plannedRow(entry: Pick<ApplyPlanEntry, 'object' | 'generation'>, stored: ClusterObject | undefined, revision: number): PlannedRow {
  const o = entry.object;
  const columns = {
    apiVersion: o.apiVersion,
    labels: o.labels,
    annotations: o.annotations,
    ownerReferences: json(o.ownerReferences),
    spec: json(o.spec),
    status: json(o.status),
    data: json(o.data),
    resourceVersion: revision,
    generation: entry.generation,
  };
  const uid = stored?.uid ?? (o.uid && UUID.test(o.uid) ? o.uid : randomUUID());
  const view = toObjectView({
    ...columns,
    kind: o.kind,
    namespace: o.namespace,
    name: o.name,
    uid,
    ownerReferences: (o.ownerReferences as Prisma.JsonValue | undefined) ?? null,
    spec: (o.spec as Prisma.JsonValue) ?? null,
    status: (o.status as Prisma.JsonValue) ?? null,
    data: (o.data as Prisma.JsonValue) ?? null,
    creationTimestamp: stored?.creationTimestamp ?? new Date(),
  });
  return { columns, uid, view };
}

/** Stores created and configured objects at `revision` and returns their change-log rows. */
export async function writePlannedObjects(
  tx: Tx,
  clusterId: string,
  revision: number,
  writes: readonly Pick<ApplyPlanEntry, 'action' | 'object' | 'generation'>[],
  existing: ReadonlyMap<string, ClusterObject>,
): Promise<WriteCounts> {
  let added = 0;
  const changes: Prisma.ObjectChangeCreateManyInput[] = [];
  const creates: Prisma.ClusterObjectCreateManyInput[] = [];
  const updates: ObjectUpdate[] = [];
  for (const entry of writes) {
    const o = entry.object;
    const { columns, uid, view } = plannedRow(entry, existing.get(objectKey(o.kind, o.namespace, o.name)), revision);
    if (entry.action === 'created') {
      added++;
      creates.push({ clusterId, kind: o.kind, namespace: o.namespace, name: o.name, uid, createdRevision: revision, ...columns });
    } else {
      updates.push({ kind: o.kind, namespace: o.namespace, name: o.name, ...columns });
    }
    changes.push({
      clusterId,
      revision,
      kind: o.kind,
      namespace: o.namespace,
      name: o.name,
      type: entry.action === 'created' ? 'ADDED' : 'MODIFIED',
      object: view as unknown as Prisma.InputJsonValue,
    });
  }
  await insertObjects(tx, creates);
  await updateObjects(tx, clusterId, updates);
  return { counts: { added, modified: writes.length - added, deleted: 0 }, changes };
}

/** Advances the cluster to `revision` and records what the revision changed. */
export async function recordRevision(
  tx: Tx,
  clusterId: string,
  revision: number,
  operation: string,
  counts: WriteCounts['counts'],
  changes: Prisma.ObjectChangeCreateManyInput[],
): Promise<void> {
  const cluster = await tx.cluster.update({ where: { id: clusterId }, data: { revision } });
  await tx.revision.create({ data: { clusterId, revision, operation, settings: settingsOf(cluster) as object, ...counts } });
  await insertChanges(tx, changes);
}

/*
 * Bulk inserts as one statement with one JSON parameter that Postgres expands into rows
 * (json_to_recordset). Prisma's createMany binds a parameter per column and row and builds the
 * statement in its query compiler: for the 4,379 objects of a 10k-pod cluster that took ~2 s
 * against ~0.2 s this way. Json columns given as Prisma.DbNull are SQL NULL either way.
 */

/** A JSON column's value in the parameter: Prisma's DbNull/JsonNull markers become null. */
const jsonValue = (value: unknown): unknown => (value === Prisma.DbNull || value === Prisma.JsonNull || value === undefined ? null : value);

/** An object row as the JSON parameter carries it. */
function objectParam<R extends Pick<Prisma.ClusterObjectCreateManyInput, 'labels' | 'annotations' | 'ownerReferences' | 'spec' | 'status' | 'data' | 'generation'>>(row: R) {
  return {
    ...row,
    labels: jsonValue(row.labels),
    annotations: jsonValue(row.annotations),
    ownerReferences: jsonValue(row.ownerReferences),
    spec: jsonValue(row.spec),
    status: jsonValue(row.status),
    data: jsonValue(row.data),
    generation: row.generation ?? 1,
  };
}

async function insertObjects(tx: Tx, rows: readonly Prisma.ClusterObjectCreateManyInput[]): Promise<void> {
  if (rows.length === 0) return;
  const param = JSON.stringify(rows.map(objectParam));
  await tx.$executeRawUnsafe(
    `INSERT INTO "ClusterObject" (id, "clusterId", "apiVersion", kind, namespace, name, uid, labels, annotations, "ownerReferences", spec, status, data, "resourceVersion", generation, "createdRevision", "updatedAt")
     SELECT gen_random_uuid(), r."clusterId", r."apiVersion", r.kind, r.namespace, r.name, r.uid, r.labels, r.annotations, r."ownerReferences", r.spec, r.status, r.data, r."resourceVersion", r.generation, r."createdRevision", now()
     FROM json_to_recordset($1::json) AS r("clusterId" uuid, "apiVersion" text, kind text, namespace text, name text, uid uuid, labels jsonb, annotations jsonb,
       "ownerReferences" jsonb, spec jsonb, status jsonb, data jsonb, "resourceVersion" int, generation int, "createdRevision" int)`,
    param,
  );
}

/** A configured object's key and new columns. */
type ObjectUpdate = { kind: string; namespace: string; name: string } & PlannedRow['columns'];

async function updateObjects(tx: Tx, clusterId: string, updates: readonly ObjectUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  const param = JSON.stringify(updates.map(objectParam));
  const updated = await tx.$executeRawUnsafe(
    `UPDATE "ClusterObject" AS o
     SET "apiVersion" = r."apiVersion", labels = r.labels, annotations = r.annotations, "ownerReferences" = r."ownerReferences", spec = r.spec,
         status = r.status, data = r.data, "resourceVersion" = r."resourceVersion", generation = r.generation, "updatedAt" = now()
     FROM json_to_recordset($2::json) AS r(kind text, namespace text, name text, "apiVersion" text, labels jsonb, annotations jsonb,
       "ownerReferences" jsonb, spec jsonb, status jsonb, data jsonb, "resourceVersion" int, generation int)
     WHERE o."clusterId" = $1::uuid AND o.kind = r.kind AND o.namespace = r.namespace AND o.name = r.name`,
    clusterId,
    param,
  );
  // The rows were read under the cluster's write lock: every one must still be there.
  if (updated !== updates.length) throw new Error(`updated ${updated} of ${updates.length} objects`);
}

async function insertChanges(tx: Tx, changes: readonly Prisma.ObjectChangeCreateManyInput[]): Promise<void> {
  if (changes.length === 0) return;
  const param = JSON.stringify(changes.map((c) => ({ ...c, object: jsonValue(c.object) })));
  await tx.$executeRawUnsafe(
    `INSERT INTO "ObjectChange" ("clusterId", revision, kind, namespace, name, type, object)
     SELECT r."clusterId", r.revision, r.kind, r.namespace, r.name, r.type::"ChangeType", r.object
     FROM json_to_recordset($1::json) AS r("clusterId" uuid, revision int, kind text, namespace text, name text, type text, object jsonb)`,
    param,
  );
}

/**
 * Gives Services their ClusterIPs and NodePorts and Nodes their pod ranges, checking requested
 * ones, against what the cluster already holds. Runs under the cluster's write lock.
 */
export async function assignAddresses(
  tx: Tx,
  cluster: Cluster,
  objects: ManifestObject[],
  options: { reallocateConflicts?: boolean } = {},
): Promise<ManifestObject[]> {
  if (!objects.some((o) => o.kind === 'Service' || o.kind === 'Node')) return objects;
  const rows = await tx.$queryRaw<{ kind: string; namespace: string; name: string; spec: unknown }[]>`
    SELECT kind, namespace, name, spec FROM "ClusterObject"
    WHERE "clusterId" = ${cluster.id}::uuid AND kind IN ('Service', 'Node')`;
  const settings = settingsOf(cluster);
  const result = allocateAddresses(
    objects,
    {
      services: rows.filter((r) => r.kind === 'Service').map((r) => allocationsOfService(r.namespace, r.name, r.spec)),
      nodes: rows
        .filter((r) => r.kind === 'Node')
        .map((r) => ({ name: r.name, podCidr: (r.spec as { podCIDR?: string } | null)?.podCIDR })),
    },
    settings,
    { onConflict: options.reallocateConflicts ? 'reallocate' : 'reject' },
  );
  if (result.errors.length) {
    throw new DomainError(
      result.exhausted ? 'EXHAUSTED' : 'INVALID',
      result.exhausted ? 'an address pool of the cluster is exhausted' : `${result.errors.length} address error(s)`,
      result.errors,
    );
  }
  return result.objects;
}
