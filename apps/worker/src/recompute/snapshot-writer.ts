import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@switchyard/config';
import type { ClusterModel } from '@switchyard/engine';
import { clusterEventsLock, modelWithoutPods } from '@switchyard/persistence';
import { Pool, type PoolClient } from 'pg';

export interface SnapshotToStore {
  clusterId: string;
  revision: number;
  model: ClusterModel;
  /** The computation the pods come from: they are written only when the stored ones are not these. */
  podsRevision: number;
  northSouth: object;
  durationMs: number;
}

/**
 * The worker's large writes, with `pg` directly rather than through Prisma. A snapshot and the
 * cluster's computedRevision are stored in one transaction: the model is a few hundred kilobytes of JSON at 10k pods,
 * and Prisma's handling of a parameter that size cost 23–35 ms of a 35–55 ms transaction where
 * `pg` takes 6–8 ms (BENCHMARKS.md, "One policy change → snapshot").
 *
 * Same shape as every writer: the cluster row is locked first (a concurrent writer of a newer
 * snapshot is ordered against this one), the event is appended last under the per-cluster events
 * lock (ids follow commit order, see appendClusterEvents).
 */
@Injectable()
export class SnapshotWriter implements OnModuleDestroy {
  private readonly pool: Pool;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.pool = new Pool({ connectionString: config.databaseUrl, max: 4, application_name: 'switchyard-worker-writes' });
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }

  /** False when a newer snapshot is already stored (nothing is written then) or the cluster is gone. */
  store(snapshot: SnapshotToStore): Promise<boolean> {
    const { clusterId, revision, model, podsRevision, northSouth, durationMs } = snapshot;
    return this.transaction(async (client) => {
      const { rows } = await client.query<{ revision: number; computedRevision: number; podsRevision: number | null }>(
        `SELECT c.revision, c."computedRevision", s."podsRevision"
         FROM "Cluster" c LEFT JOIN "ClusterSnapshot" s ON s."clusterId" = c.id
         WHERE c.id = $1 FOR NO KEY UPDATE OF c`,
        [clusterId],
      );
      const current = rows[0];
      if (!current || current.computedRevision > revision) return false;
      // NULL keeps the stored pods: they are sent (and written) only when they are not these.
      const pods = current.podsRevision === podsRevision ? null : JSON.stringify(model.pods);
      await client.query(
        `INSERT INTO "ClusterSnapshot" ("clusterId", revision, "computedAt", "durationMs", data, pods, "podsRevision", "northSouth")
         VALUES ($1, $2, now(), $3, $4::json, COALESCE($5::json, '[]'::json), $6, $7::json)
         ON CONFLICT ("clusterId") DO UPDATE SET
           revision = EXCLUDED.revision, "computedAt" = EXCLUDED."computedAt", "durationMs" = EXCLUDED."durationMs", data = EXCLUDED.data,
           pods = COALESCE($5::json, "ClusterSnapshot".pods), "podsRevision" = EXCLUDED."podsRevision", "northSouth" = EXCLUDED."northSouth"`,
        [clusterId, revision, durationMs, JSON.stringify(modelWithoutPods(model)), pods, podsRevision, JSON.stringify(northSouth)],
      );
      await client.query(
        `UPDATE "Cluster" SET "computedRevision" = $2, "computeState" = $3::"ComputeState", "computeError" = NULL, "updatedAt" = now() WHERE id = $1`,
        [clusterId, revision, current.revision === revision ? 'ready' : 'pending'],
      );
      await appendEvent(client, clusterId, revision, 'recomputed', { revision, durationMs, pods: model.pods.length });
      return true;
    });
  }

  /**
   * Stores a cluster's connection list (already encoded as JSON text) in place of the list of
   * `baseRevision`, with its connectivity-changed event when there is one. False when another
   * writer replaced the base meanwhile (nothing is written then). Under a per-cluster lock of its
   * own, so API writers never wait for it. A list is tens of megabytes at 10k pods: through Prisma
   * its parameter alone held the worker's main thread for a long moment.
   */
  storeConnections(list: { clusterId: string; baseRevision: number | undefined; revision: number; json: string; event?: object }): Promise<boolean> {
    const { clusterId, baseRevision, revision, json, event } = list;
    return this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`connections:${clusterId}`]);
      const { rows } = await client.query<{ revision: number }>('SELECT revision FROM "ClusterConnections" WHERE "clusterId" = $1', [clusterId]);
      if (rows[0]?.revision !== baseRevision) return false;
      await client.query(
        `INSERT INTO "ClusterConnections" ("clusterId", revision, "computedAt", connections)
         VALUES ($1, $2, now(), $3::json)
         ON CONFLICT ("clusterId") DO UPDATE SET revision = EXCLUDED.revision, "computedAt" = EXCLUDED."computedAt", connections = EXCLUDED.connections`,
        [clusterId, revision, json],
      );
      if (event) await appendEvent(client, clusterId, revision, 'connectivity-changed', event);
      return true;
    });
  }

  /** Runs `work` in one transaction; its false (nothing to write) rolls back. */
  private async transaction(work: (client: PoolClient) => Promise<boolean>): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const done = await work(client);
      await client.query(done ? 'COMMIT' : 'ROLLBACK');
      return done;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

/** Appends one event as the last write of the transaction, under the per-cluster events lock (see appendClusterEvents). */
async function appendEvent(client: PoolClient, clusterId: string, revision: number, type: string, payload: object): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [clusterEventsLock(clusterId)]);
  await client.query('INSERT INTO "ClusterEvent" ("clusterId", revision, type, payload) VALUES ($1, $2, $3, $4::jsonb)', [clusterId, revision, type, JSON.stringify(payload)]);
}
