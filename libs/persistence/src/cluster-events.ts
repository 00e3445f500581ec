import type { Prisma } from './generated/prisma/client';
import type { Tx } from './transaction';

export interface NewClusterEvent {
  revision: number;
  /** recomputed | connectivity-changed | finding-opened | finding-resolved */
  type: string;
  payload: Prisma.InputJsonValue;
}

/** The per-cluster lock key that orders event ids by commit (for writers that use SQL directly, take it the same way). */
export const clusterEventsLock = (clusterId: string): string => `events:${clusterId}`;

/**
 * Appends events of a cluster. Call it as the last write of the transaction: it takes a
 * per-cluster lock held until commit, so events of one cluster are numbered in commit order and
 * a follower reading "ids after the last one seen" can never skip one that committed late.
 */
export async function appendClusterEvents(tx: Tx, clusterId: string, events: readonly NewClusterEvent[]): Promise<void> {
  if (events.length === 0) return;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${clusterEventsLock(clusterId)}))`;
  await tx.clusterEvent.createMany({ data: events.map((event) => ({ clusterId, ...event })) });
}
