import { Injectable } from '@nestjs/common';
import {
  DomainError,
  impliedNamespaces,
  planApply,
  type ApplyAction,
  type ManifestObject,
  type StoredObjectLike,
} from '@switchyard/engine';
import { Prisma, type Cluster, type ClusterObject } from './generated/prisma/client';
import { PrismaService } from './prisma.service';
import { clusterNotFound, ClusterStore, lockCluster } from './cluster-store';
import { assignAddresses, plannedRow, recordRevision, writePlannedObjects } from './object-writes';
import { decodeCursor, encodeCursor, filterConditions, type ObjectFilter, type PageCursor } from './object-query';
import { objectKey, toObjectView, type ObjectView } from './stored-object';
import { WRITE_TRANSACTION, type Tx } from './transaction';

export interface ApplyResult {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  action: ApplyAction;
  /** Namespaces created because objects used them without declaring them. */
  implied?: boolean;
  warnings?: string[];
}

export interface ApplyOutcome {
  /** The cluster's revision after the write (the current one when nothing changed or on dry run). */
  revision: number;
  dryRun: boolean;
  /** Whether the write advanced the revision. */
  changed: boolean;
  results: ApplyResult[];
}

/** What an apply would do, without doing it (ObjectStore.preview). */
export interface ApplyPreview {
  /** The revision the plan was made against: the objects to change are read at it. */
  revision: number;
  /** As apply answers them: created, configured or unchanged; implied namespaces flagged. */
  results: ApplyResult[];
  /** The created and configured objects as apply would store them at `revision + 1`. */
  objects: ObjectView[];
}

export interface ObjectPage {
  revision: number;
  items: ObjectView[];
  continue?: string;
}

/** One object's change over a range of revisions: its state at the end, or null when deleted. */
export interface ObjectDelta {
  kind: string;
  namespace: string;
  name: string;
  object: ObjectView | null;
}

export interface DeleteOutcome {
  revision: number;
  deleted: { kind: string; namespace?: string; name: string }[];
}

const MAX_PAGE = 1000;

function toStoredLike(row: ClusterObject): StoredObjectLike {
  return {
    apiVersion: row.apiVersion,
    kind: row.kind,
    namespace: row.namespace,
    name: row.name,
    uid: row.uid,
    labels: row.labels as Record<string, string>,
    annotations: row.annotations as Record<string, string>,
    ownerReferences: row.ownerReferences ?? undefined,
    spec: row.spec ?? undefined,
    status: row.status ?? undefined,
    data: (row.data as Record<string, unknown> | null) ?? undefined,
    resourceVersion: row.resourceVersion,
    generation: row.generation,
  };
}

/** Validation warnings (accepted with fieldValidation=Warn) and plan warnings, as readable lines. */
function warningsOf(planWarnings: readonly string[], object: ManifestObject): { warnings?: string[] } {
  const lines = [
    ...(object.warnings ?? []).map((w) => `${w.path ? `${w.path}: ` : ''}${w.message}${w.line ? ` (line ${w.line})` : ''}`),
    ...planWarnings,
  ];
  return lines.length ? { warnings: lines } : {};
}

function namespaceObject(name: string): ManifestObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    namespace: '',
    name,
    labels: { 'kubernetes.io/metadata.name': name },
    annotations: {},
    document: -1,
    path: '',
  };
}

/** Cluster objects: kubectl-like apply and delete, reads of the present and of any past revision. */
@Injectable()
export class ObjectStore {
  constructor(
    private readonly prisma: PrismaService,
    private readonly clusters: ClusterStore,
  ) {}

  /**
   * `reallocateConflicts` (imports, fieldValidation=Warn): addresses that clash or fall outside the
   * cluster's ranges are replaced, with a warning, instead of failing the write.
   */
  async apply(clusterName: string, objects: ManifestObject[], options: { dryRun: boolean; reallocateConflicts?: boolean }): Promise<ApplyOutcome> {
    return this.prisma.$transaction(async (tx) => {
      const cluster = await lockCluster(tx, clusterName);
      const { plan, existing, results } = await this.planApplyIn(tx, cluster, objects, options);
      const writes = plan.entries.filter((entry) => entry.action !== 'unchanged');
      if (options.dryRun || writes.length === 0) {
        return { revision: cluster.revision, dryRun: options.dryRun, changed: false, results };
      }
      const revision = cluster.revision + 1;
      const counts = await writePlannedObjects(tx, cluster.id, revision, writes, existing);
      await recordRevision(tx, cluster.id, revision, 'apply', counts.counts, counts.changes);
      return { revision, dryRun: false, changed: true, results };
    }, WRITE_TRANSACTION);
  }

  /**
   * What `apply` would do, computed by the same planning and nothing written (what-if): the same
   * rejections (addresses, a stale resourceVersion → CONFLICT), the same results (implied
   * namespaces included), and the objects as apply would store them at the next revision. Reads
   * one consistent snapshot and takes no lock, so writers are never held back.
   */
  async preview(clusterName: string, objects: ManifestObject[], options: { reallocateConflicts?: boolean } = {}): Promise<ApplyPreview> {
    return this.prisma.$transaction(
      async (tx) => {
        const cluster = await tx.cluster.findUnique({ where: { name: clusterName } });
        if (!cluster) throw clusterNotFound(clusterName);
        const { plan, existing, results } = await this.planApplyIn(tx, cluster, objects, options);
        const revision = cluster.revision + 1;
        const written = plan.entries
          .filter((entry) => entry.action !== 'unchanged')
          .map((entry) => plannedRow(entry, existing.get(objectKey(entry.object.kind, entry.object.namespace, entry.object.name)), revision).view);
        return { revision: cluster.revision, results, objects: written };
      },
      { ...WRITE_TRANSACTION, isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
    );
  }

  /** The planning apply and preview share: stored objects, implied namespaces, addresses, conflicts, results. */
  private async planApplyIn(tx: Tx, cluster: Cluster, objects: ManifestObject[], options: { reallocateConflicts?: boolean }) {
    const existing = await this.findExisting(tx, cluster.id, objects);
    const missingNamespaces = await this.missingNamespaces(tx, cluster.id, objects);
    const addressed = await assignAddresses(tx, cluster, objects, { reallocateConflicts: options.reallocateConflicts === true });
    const incoming = [...missingNamespaces.map(namespaceObject), ...addressed];
    const plan = planApply(incoming, new Map([...existing].map(([key, row]) => [key, toStoredLike(row)])), {
      clusterRevision: cluster.revision,
    });
    if (plan.conflicts.length > 0) {
      throw new DomainError(
        'CONFLICT',
        'the object has been modified; apply your changes to the latest version and try again',
        plan.conflicts.map((conflict) => ({
          document: conflict.object.document,
          path: conflict.object.path ? `${conflict.object.path}.${conflict.path}` : conflict.path,
          reason: 'Conflict' as const,
          message: conflict.message,
        })),
      );
    }
    const results: ApplyResult[] = plan.entries.map((entry) => ({
      apiVersion: entry.object.apiVersion,
      kind: entry.object.kind,
      ...(entry.object.namespace ? { namespace: entry.object.namespace } : {}),
      name: entry.object.name,
      action: entry.action,
      ...(entry.object.document === -1 ? { implied: true } : {}),
      ...warningsOf(entry.warnings, entry.object),
    }));
    return { plan, existing, results };
  }

  /** Deletes one object; deleting a Namespace deletes everything in it too, as the API server does. */
  async delete(clusterName: string, kind: string, namespace: string, name: string): Promise<DeleteOutcome> {
    return this.prisma.$transaction(async (tx) => {
      const cluster = await lockCluster(tx, clusterName);
      const target = await tx.clusterObject.findUnique({
        where: { clusterId_kind_namespace_name: { clusterId: cluster.id, kind, namespace, name } },
      });
      if (!target) {
        const where = namespace ? `${kind} "${name}" in namespace "${namespace}"` : `${kind} "${name}"`;
        throw new DomainError('NOT_FOUND', `${where} not found`, [
          { path: 'name', reason: 'NotFound', message: `${where} does not exist in cluster "${clusterName}"` },
        ]);
      }
      const victims = [target];
      if (kind === 'Namespace') {
        victims.push(...(await tx.clusterObject.findMany({ where: { clusterId: cluster.id, namespace: name } })));
      }
      const revision = cluster.revision + 1;
      await tx.clusterObject.deleteMany({ where: { id: { in: victims.map((v) => v.id) } } });
      const changes = victims.map((v) => ({
        clusterId: cluster.id,
        revision,
        kind: v.kind,
        namespace: v.namespace,
        name: v.name,
        type: 'DELETED' as const,
        object: Prisma.DbNull,
      }));
      await recordRevision(tx, cluster.id, revision, 'delete', { added: 0, modified: 0, deleted: victims.length }, changes);
      return {
        revision,
        deleted: victims.map((v) => ({ kind: v.kind, ...(v.namespace ? { namespace: v.namespace } : {}), name: v.name })),
      };
    }, WRITE_TRANSACTION);
  }

  async get(clusterName: string, kind: string, namespace: string, name: string): Promise<ObjectView> {
    const cluster = await this.clusters.find(clusterName);
    const row = await this.prisma.clusterObject.findUnique({
      where: { clusterId_kind_namespace_name: { clusterId: cluster.id, kind, namespace, name } },
    });
    if (!row) {
      const where = namespace ? `${kind} "${name}" in namespace "${namespace}"` : `${kind} "${name}"`;
      throw new DomainError('NOT_FOUND', `${where} not found`, [
        { path: 'name', reason: 'NotFound', message: `${where} does not exist in cluster "${clusterName}"` },
      ]);
    }
    return toObjectView(row);
  }

  /**
   * Lists objects, ordered by (kind, namespace, name). The first page reads the latest revision
   * (or `revision` when asked); continuation tokens keep every later page at that same revision,
   * read back from the change log when the cluster has moved on.
   */
  async list(
    clusterName: string,
    filter: ObjectFilter,
    page: { limit?: number; continue?: string; revision?: number } = {},
  ): Promise<ObjectPage> {
    const cluster = await this.clusters.find(clusterName);
    let after: PageCursor | undefined;
    if (page.continue) {
      after = decodeCursor(page.continue);
      if (!after) {
        throw new DomainError('INVALID', 'invalid continue token', [
          { path: 'continue', reason: 'FieldValueInvalid', message: 'the continue token is malformed' },
        ]);
      }
    }
    const revision = after?.revision ?? page.revision ?? cluster.revision;
    if (revision > cluster.revision || revision < 1) {
      throw new DomainError('INVALID', `revision ${revision} does not exist`, [
        { path: 'revision', reason: 'FieldValueInvalid', message: `revision must be between 1 and ${cluster.revision}` },
      ]);
    }
    const limit = Math.min(page.limit ?? MAX_PAGE, MAX_PAGE);
    const where = filterConditions(filter, after);
    let items: ObjectView[];
    if (revision === cluster.revision) {
      const rows = await this.prisma.$queryRaw<ClusterObject[]>`
        SELECT * FROM "ClusterObject" WHERE "clusterId" = ${cluster.id}::uuid AND ${where}
        ORDER BY kind, namespace, name LIMIT ${limit + 1}`;
      items = rows.map(toObjectView);
    } else {
      items = await this.listAtRevision(cluster.id, revision, where, limit + 1);
    }
    const more = items.length > limit;
    if (more) items = items.slice(0, limit);
    const last = items.at(-1);
    return {
      revision,
      items,
      ...(more && last
        ? {
            continue: encodeCursor({
              revision,
              kind: last.kind,
              namespace: last.metadata.namespace ?? '',
              name: last.metadata.name,
            }),
          }
        : {}),
    };
  }

  /** Every object of the cluster as it stood at `revision` (the whole history stays readable). */
  async snapshotAt(clusterId: string, revision: number): Promise<ObjectView[]> {
    return this.listAtRevision(clusterId, revision, Prisma.sql`TRUE`, Number.MAX_SAFE_INTEGER);
  }

  /**
   * What changed after `fromRevision` up to `toRevision`: per object, its state at `toRevision`
   * (`object: null` when it was deleted by then). Lets a reader that holds the objects at
   * `fromRevision` reach `toRevision` without reading every object again.
   */
  async changesBetween(clusterId: string, fromRevision: number, toRevision: number): Promise<ObjectDelta[]> {
    return this.prisma.$queryRaw<ObjectDelta[]>`
      SELECT DISTINCT ON (kind, namespace, name) kind, namespace, name,
             CASE WHEN type = 'DELETED' THEN NULL ELSE object END AS object
      FROM "ObjectChange"
      WHERE "clusterId" = ${clusterId}::uuid AND revision > ${fromRevision} AND revision <= ${toRevision}
      ORDER BY kind, namespace, name, revision DESC`;
  }

  private async listAtRevision(clusterId: string, revision: number, where: Prisma.Sql, limit: number): Promise<ObjectView[]> {
    const rows = await this.prisma.$queryRaw<{ object: ObjectView }[]>`
      SELECT object FROM (
        SELECT DISTINCT ON (kind, namespace, name) kind, namespace, name, type, object,
               COALESCE(object -> 'metadata' -> 'labels', '{}'::jsonb) AS labels
        FROM "ObjectChange"
        WHERE "clusterId" = ${clusterId}::uuid AND revision <= ${revision}
        ORDER BY kind, namespace, name, revision DESC
      ) latest
      WHERE type <> 'DELETED' AND ${where}
      ORDER BY kind, namespace, name LIMIT ${Math.min(limit, 2 ** 31 - 1)}`;
    return rows.map((row) => row.object);
  }

  private async findExisting(tx: Tx, clusterId: string, objects: ManifestObject[]): Promise<Map<string, ClusterObject>> {
    const keys = objects.map((o) => [o.kind, o.namespace, o.name] as const);
    const rows = keys.length
      ? await tx.$queryRaw<ClusterObject[]>`
          SELECT o.* FROM "ClusterObject" o
          JOIN unnest(${keys.map((k) => k[0])}::text[], ${keys.map((k) => k[1])}::text[], ${keys.map((k) => k[2])}::text[])
            AS k(kind, namespace, name)
            ON o.kind = k.kind AND o.namespace = k.namespace AND o.name = k.name
          WHERE o."clusterId" = ${clusterId}::uuid`
      : [];
    return new Map(rows.map((row) => [objectKey(row.kind, row.namespace, row.name), row]));
  }

  private async missingNamespaces(tx: Tx, clusterId: string, objects: ManifestObject[]): Promise<string[]> {
    const implied = impliedNamespaces(objects);
    if (implied.length === 0) return [];
    const present = await tx.clusterObject.findMany({
      where: { clusterId, kind: 'Namespace', namespace: '', name: { in: implied } },
      select: { name: true },
    });
    const known = new Set(present.map((p) => p.name));
    return implied.filter((ns) => !known.has(ns));
  }

}
