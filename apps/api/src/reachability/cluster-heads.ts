import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@switchyard/config';
import { CLUSTER_HEADS_CHANNEL, type ClusterHeadNotice } from '@switchyard/persistence';
import { Client } from 'pg';

/** What an answer needs to know of a cluster before reading its snapshot. */
export interface ClusterHead {
  id: string;
  name: string;
  revision: number;
  computedRevision: number;
  computeState: ClusterHeadNotice['computeState'];
}

/** Wait before listening again after the connection was lost. */
const RECONNECT_DELAY_MS = 1_000;

/**
 * The head of every cluster (latest and computed revision), kept in memory from the database's
 * announcements (a trigger on "Cluster" notifies every commit that changes them), so that the
 * answer path needs no query to know which snapshot is current.
 *
 * Only trusted while listening: a head read from the database is kept until a notice replaces it;
 * when the connection drops, everything is forgotten (notices may have been missed) and callers
 * read from the database again until listening resumes.
 */
@Injectable()
export class ClusterHeads implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ClusterHeads.name);
  private readonly byName = new Map<string, { head: ClusterHead; at: number }>();
  /** Clusters deleted while listening: a read that raced with the deletion must not bring them back. */
  private readonly deletedIds = new Set<string>();
  private client?: Client;
  private listening = false;
  private closed = false;
  private reconnect?: NodeJS.Timeout;
  private readonly listeners: Array<(head: ClusterHead) => void> = [];

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    await this.listen();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnect);
    this.listening = false;
    await this.client?.end().catch(() => undefined);
  }

  /** The cluster's head, when it is known for sure without asking the database. */
  get(name: string): ClusterHead | undefined {
    const entry = this.listening ? this.byName.get(name) : undefined;
    // Older than the maximum age, a head is read again: should notices stop arriving without the
    // connection failing (e.g. behind a pooler that drops LISTEN), answers stay at most that stale.
    return entry && Date.now() - entry.at <= this.config.clusterHeadMaxAgeMs ? entry.head : undefined;
  }

  /**
   * The last head known while listening, however old: for answering while a read refreshes it
   * (see `get` for one that can be trusted as current).
   */
  lastKnown(name: string): ClusterHead | undefined {
    return this.listening ? this.byName.get(name)?.head : undefined;
  }

  /** Called with every head a notice brings (not with heads read from the database). */
  onChange(listener: (head: ClusterHead) => void): void {
    this.listeners.push(listener);
  }

  /** A head just read from the database; a notice received meanwhile is newer and wins. */
  remember(head: ClusterHead): void {
    if (!this.listening || this.deletedIds.has(head.id) || this.get(head.name)) return;
    this.byName.set(head.name, { head, at: Date.now() });
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.config.databaseUrl });
    client.on('notification', (message) => {
      if (message.channel === CLUSTER_HEADS_CHANNEL && message.payload) this.apply(JSON.parse(message.payload) as ClusterHeadNotice);
    });
    const lost = (error?: Error) => {
      if (this.client !== client) return;
      this.forget();
      if (!this.closed) {
        this.logger.warn(`cluster head notices lost${error ? `: ${error.message}` : ''}; answers read the database until they resume`);
        this.reconnect = setTimeout(() => void this.listen(), RECONNECT_DELAY_MS);
      }
    };
    client.on('error', lost);
    client.on('end', () => lost());
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${CLUSTER_HEADS_CHANNEL}`);
      this.byName.clear();
      this.listening = !this.closed;
    } catch (error) {
      lost(error as Error);
      await client.end().catch(() => undefined);
    }
  }

  private forget(): void {
    this.listening = false;
    this.byName.clear();
    this.deletedIds.clear();
    this.client = undefined;
  }

  private apply(notice: ClusterHeadNotice): void {
    if (notice.op === 'DELETE') {
      this.byName.delete(notice.name);
      this.deletedIds.add(notice.id);
      return;
    }
    const { id, name, revision, computedRevision, computeState } = notice;
    const head = { id, name, revision, computedRevision, computeState };
    this.byName.set(name, { head, at: Date.now() });
    for (const listener of this.listeners) listener(head);
  }
}
