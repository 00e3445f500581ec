import { Injectable } from '@nestjs/common';
import { ClusterStore } from './cluster-store';
import { PrismaService } from './prisma.service';

export interface RevisionEntry {
  revision: number;
  operation: string;
  createdAt: string;
  added: number;
  modified: number;
  deleted: number;
  changes: { type: 'ADDED' | 'MODIFIED' | 'DELETED'; kind: string; namespace?: string; name: string }[];
}

export interface RevisionPage {
  revision: number;
  items: RevisionEntry[];
  /** Pass as `before` to read older revisions. */
  next?: number;
}

/** The cluster's history, newest first, with what each revision changed. */
@Injectable()
export class RevisionHistory {
  constructor(
    private readonly prisma: PrismaService,
    private readonly clusters: ClusterStore,
  ) {}

  async list(clusterName: string, page: { limit?: number; before?: number } = {}): Promise<RevisionPage> {
    const cluster = await this.clusters.find(clusterName);
    const limit = Math.min(page.limit ?? 50, 500);
    const revisions = await this.prisma.revision.findMany({
      where: { clusterId: cluster.id, ...(page.before ? { revision: { lt: page.before } } : {}) },
      orderBy: { revision: 'desc' },
      take: limit + 1,
    });
    const shown = revisions.slice(0, limit);
    const changes = shown.length
      ? await this.prisma.objectChange.findMany({
          where: { clusterId: cluster.id, revision: { in: shown.map((r) => r.revision) } },
          select: { revision: true, type: true, kind: true, namespace: true, name: true },
          orderBy: [{ revision: 'desc' }, { kind: 'asc' }, { namespace: 'asc' }, { name: 'asc' }],
        })
      : [];
    const byRevision = new Map<number, RevisionEntry['changes']>();
    for (const c of changes) {
      const list = byRevision.get(c.revision) ?? [];
      list.push({ type: c.type, kind: c.kind, ...(c.namespace ? { namespace: c.namespace } : {}), name: c.name });
      byRevision.set(c.revision, list);
    }
    return {
      revision: cluster.revision,
      items: shown.map((r) => ({
        revision: r.revision,
        operation: r.operation,
        createdAt: r.createdAt.toISOString(),
        added: r.added,
        modified: r.modified,
        deleted: r.deleted,
        changes: byRevision.get(r.revision) ?? [],
      })),
      ...(revisions.length > limit ? { next: shown.at(-1)!.revision } : {}),
    };
  }
}
