import { Redis } from 'ioredis';
import { redisClientOptions } from '../cache/redis-memory.js';

/**
 * An ioredis connection for BullMQ. Workers wait through a Redis restart (BullMQ requires
 * maxRetriesPerRequest null for them anyway); `failFast` is for one-off commands (`queue add`,
 * `status`, `results`), which would rather say Redis is not there than hang.
 */
export function queueConnection(url: string, options: { failFast?: boolean } = {}): Redis {
  const client = new Redis(url, { ...redisClientOptions(!options.failFast), ...(options.failFast ? { enableOfflineQueue: true } : {}) });
  // Errors reach the caller through the commands that fail (and BullMQ's own 'error' events).
  client.on('error', () => {});
  return client;
}
