import { Injectable } from '@nestjs/common';
import { allocateAddresses, defaultClusterObjects, DomainError, mergeClusterSettings, type ClusterSettings } from '@switchyard/engine';
import { Prisma, type Cluster } from './generated/prisma/client';
import { PrismaService } from './prisma.service';
import { assignAddresses, recordRevision, writePlannedObjects } from './object-writes';
import { WRITE_TRANSACTION, type Tx } from './transaction';
import { settingsOf } from './cluster-store-settings';

export { settingsOf };

export interface ClusterView extends ClusterSettings {
  revision: number;
  /** The revision the latest snapshot reflects; answers say which revision they come from. */
  computedRevision: number;
  computeState: 'pending' | 'computing' | 'ready' | 'failed';
  computeError: string | null;
  createdAt: string;
  updatedAt: string;
}


export function toClusterView(cluster: Cluster): ClusterView {
  return {
    ...settingsOf(cluster),
    revision: cluster.revision,
    computedRevision: cluster.computedRevision,
    computeState: cluster.computeState,
    computeError: cluster.computeError,
    createdAt: cluster.createdAt.toISOString(),
    updatedAt: cluster.updatedAt.toISOString(),
  };
}

function columnsOf(settings: ClusterSettings) {
  const [min, max] = settings.nodePortRange.split('-').map(Number);
  return {
    name: settings.name,
    podCidr: settings.podCidr,
    serviceCidr: settings.serviceCidr,
    clusterDomain: settings.clusterDomain,
    cni: settings.cni,
    kubeProxyMode: settings.kubeProxyMode,
    nodePortMin: min!,
    nodePortMax: max!,
    auditIntervalSeconds: settings.auditIntervalSeconds,
    ingressControllers: settings.ingressControllers as object,
  };
}

export const clusterNotFound = (name: string) =>
  new DomainError('NOT_FOUND', `cluster "${name}" not found`, [
    { path: 'cluster', reason: 'NotFound', message: `cluster "${name}" does not exist` },
  ]);

/**
 * Locks a cluster's row for the rest of the transaction. Every write to a cluster takes this
 * lock first, so writers to one cluster are serialised and none can lose another's update.
 * NO KEY UPDATE (not UPDATE): rows that reference the cluster (events, findings, connection
 * lists) take a KEY SHARE lock on it while they are inserted, and must not hold writers back.
 */
export async function lockCluster(tx: Tx, name: string): Promise<Cluster> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Cluster" WHERE name = ${name} FOR NO KEY UPDATE`;
  if (rows.length === 0) throw clusterNotFound(name);
  return tx.cluster.findUniqueOrThrow({ where: { id: rows[0]!.id } });
}

/**
 * Address ranges may change only while every address already handed out still fits: a Service
 * keeps its ClusterIP and NodePorts, a Node its pod range, for as long as it exists.
 */
async function checkAllocationsFit(tx: Tx, cluster: Cluster, merged: ClusterSettings): Promise<void> {
  const before = settingsOf(cluster);
  if (before.serviceCidr === merged.serviceCidr && before.podCidr === merged.podCidr && before.nodePortRange === merged.nodePortRange) return;
  const rows = await tx.clusterObject.findMany({ where: { clusterId: cluster.id, kind: { in: ['Service', 'Node'] } } });
  const stored = rows.map((row) => ({
    apiVersion: row.apiVersion,
    kind: row.kind,
    namespace: row.namespace,
    name: row.name,
    labels: {},
    annotations: {},
    spec: row.spec ?? undefined,
    document: 0,
    path: `${row.kind} ${row.namespace ? `${row.namespace}/` : ''}${row.name}`,
  }));
  const { errors } = allocateAddresses(stored, { services: [], nodes: [] }, merged);
  if (errors.length) {
    throw new DomainError(
      'INVALID',
      'the new address ranges do not hold addresses already allocated',
      errors.map(({ document: _document, ...error }) => ({ ...error, message: `${error.message} (cannot change serviceCidr, podCidr or nodePortRange under allocated addresses)` })),
    );
  }
}

@Injectable()
export class ClusterStore {
  constructor(private readonly prisma: PrismaService) {}

  async create(settings: ClusterSettings): Promise<ClusterView> {
    try {
      const cluster = await this.prisma.$transaction(async (tx) => {
        const created = await tx.cluster.create({ data: { ...columnsOf(settings), revision: 0 } });
        // Revision 1 is the cluster as Kubernetes starts it: system namespaces and services.
        const objects = await assignAddresses(tx, created, defaultClusterObjects());
        const written = await writePlannedObjects(tx, created.id, 1, objects.map((object) => ({ action: 'created' as const, object, generation: 1 })), new Map());
        await recordRevision(tx, created.id, 1, 'create', written.counts, written.changes);
        return tx.cluster.findUniqueOrThrow({ where: { id: created.id } });
      }, WRITE_TRANSACTION);
      return toClusterView(cluster);
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new DomainError('CONFLICT', `cluster "${settings.name}" already exists`, [
          { path: 'name', reason: 'FieldValueDuplicate', message: `a cluster named "${settings.name}" already exists` },
        ]);
      }
      throw error;
    }
  }

  async list(): Promise<ClusterView[]> {
    const clusters = await this.prisma.cluster.findMany({ orderBy: { name: 'asc' } });
    return clusters.map(toClusterView);
  }

  async find(name: string): Promise<Cluster> {
    const cluster = await this.prisma.cluster.findUnique({ where: { name } });
    if (!cluster) throw clusterNotFound(name);
    return cluster;
  }

  async get(name: string): Promise<ClusterView> {
    return toClusterView(await this.find(name));
  }

  /** Changes settings; a change that alters anything advances the revision like any other write. */
  async update(name: string, patch: Partial<ClusterSettings>): Promise<ClusterView> {
    const updated = await this.prisma.$transaction(async (tx) => {
      const current = await lockCluster(tx, name);
      const merged = mergeClusterSettings(settingsOf(current), patch);
      const changed = JSON.stringify(columnsOf(merged)) !== JSON.stringify(columnsOf(settingsOf(current)));
      if (!changed) return current;
      // The audit interval is operational, not part of the network: no new revision for it.
      const { auditIntervalSeconds: _before, ...networkBefore } = settingsOf(current);
      const { auditIntervalSeconds, ...networkAfter } = merged;
      if (JSON.stringify(networkBefore) === JSON.stringify(networkAfter)) {
        return tx.cluster.update({ where: { id: current.id }, data: { auditIntervalSeconds } });
      }
      await checkAllocationsFit(tx, current, merged);
      const revision = current.revision + 1;
      await tx.revision.create({
        data: { clusterId: current.id, revision, operation: 'settings', settings: merged as object },
      });
      return tx.cluster.update({ where: { id: current.id }, data: { ...columnsOf(merged), revision } });
    });
    return toClusterView(updated);
  }

  async delete(name: string): Promise<void> {
    const deleted = await this.prisma.cluster.deleteMany({ where: { name } });
    if (deleted.count === 0) throw clusterNotFound(name);
  }
}
