import { Redis } from 'ioredis';

/**
 * A Redis connection as BullMQ wants it: no per-command retry limit (blocking worker
 * commands would otherwise fail after a Redis hiccup) and no offline queue surprises.
 */
export function createRedisConnection(url: string, name: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, connectionName: name, lazyConnect: false });
}
