import { Injectable } from '@nestjs/common';
import { ClusterStore, PrismaService } from '@switchyard/persistence';
import { Observable } from 'rxjs';

export interface ClusterEventView {
  id: string;
  revision: number;
  type: string;
  payload: unknown;
  createdAt: string;
}

/** How often a stream looks for new events; events are rows, so a stream resumes from any revision. */
const POLL_MS = 250;

/** The stream of a cluster's recomputes, connectivity changes and findings, resumable from a revision. */
@Injectable()
export class ClusterEventsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly clusters: ClusterStore,
  ) {}

  /** Fails with NOT_FOUND for an unknown cluster, before a stream starts. */
  async assertCluster(clusterName: string): Promise<void> {
    await this.clusters.find(clusterName);
  }

  async page(clusterName: string, afterRevision: number, afterId?: bigint): Promise<ClusterEventView[]> {
    const cluster = await this.clusters.find(clusterName);
    const rows = await this.prisma.clusterEvent.findMany({
      where: { clusterId: cluster.id, ...(afterId !== undefined ? { id: { gt: afterId } } : { revision: { gt: afterRevision } }) },
      orderBy: { id: 'asc' },
      take: 500,
    });
    return rows.map((r) => ({ id: r.id.toString(), revision: r.revision, type: r.type, payload: r.payload, createdAt: r.createdAt.toISOString() }));
  }

  /** Replays events after `since` (a revision), then follows new ones until the subscriber leaves. */
  stream(clusterName: string, since: number, afterId?: bigint): Observable<ClusterEventView> {
    return new Observable<ClusterEventView>((subscriber) => {
      let lastId: bigint | undefined = afterId;
      let stopped = false;
      let timer: NodeJS.Timeout | undefined;
      const tick = async () => {
        try {
          const events = await this.page(clusterName, since, lastId);
          for (const event of events) {
            lastId = BigInt(event.id);
            subscriber.next(event);
          }
        } catch (error) {
          subscriber.error(error);
          return;
        }
        if (!stopped) timer = setTimeout(() => void tick(), POLL_MS);
      };
      void tick();
      return () => {
        stopped = true;
        if (timer) clearTimeout(timer);
      };
    });
  }
}
