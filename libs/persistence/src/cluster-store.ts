import { Injectable } from '@nestjs/common';
import { DomainError, mergeClusterSettings, type ClusterSettings } from '@switchyard/engine';
import { Prisma, type Cluster } from './generated/prisma/client';
import { PrismaService } from './prisma.service';
import type { Tx } from './transaction';

export interface ClusterView extends ClusterSettings {
  revision: number;
  /** The revision the latest snapshot reflects; answers say which revision they come from. */
  computedRevision: number;
  computeState: 'pending' | 'computing' | 'ready' | 'failed';
  computeError: string | null;
  createdAt: string;
  updatedAt: string;
}

export function settingsOf(cluster: Cluster): ClusterSettings {
  return {
    name: cluster.name,
    podCidr: cluster.podCidr,
    serviceCidr: cluster.serviceCidr,
    clusterDomain: cluster.clusterDomain,
    cni: cluster.cni,
    kubeProxyMode: cluster.kubeProxyMode,
    nodePortRange: `${cluster.nodePortMin}-${cluster.nodePortMax}`,
  };
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
  };
}

const notFound = (name: string) =>
  new DomainError('NOT_FOUND', `cluster "${name}" not found`, [
    { path: 'cluster', reason: 'NotFound', message: `cluster "${name}" does not exist` },
  ]);

/**
 * Locks a cluster's row for the rest of the transaction. Every write to a cluster takes this
 * lock first, so writers to one cluster are serialised and none can lose another's update.
 */
export async function lockCluster(tx: Tx, name: string): Promise<Cluster> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Cluster" WHERE name = ${name} FOR UPDATE`;
  if (rows.length === 0) throw notFound(name);
  return tx.cluster.findUniqueOrThrow({ where: { id: rows[0]!.id } });
}

@Injectable()
export class ClusterStore {
  constructor(private readonly prisma: PrismaService) {}

  async create(settings: ClusterSettings): Promise<ClusterView> {
    try {
      const cluster = await this.prisma.$transaction(async (tx) => {
        const created = await tx.cluster.create({ data: { ...columnsOf(settings), revision: 1 } });
        await tx.revision.create({
          data: { clusterId: created.id, revision: 1, operation: 'create', settings: settings as object },
        });
        return created;
      });
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
    if (!cluster) throw notFound(name);
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
    if (deleted.count === 0) throw notFound(name);
  }
}
