import { Redis } from 'ioredis';
import { Da2enError, SETTING_WORDS } from '../errors.js';
import { redactRedisUrl, redisClientOptions } from '../cache/redis-memory.js';

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

/** A failure to talk to the queue's Redis as the one line every queue command prints (exit 6). */
export function queueUnreachable(url: string, err: unknown): Da2enError {
  if (err instanceof Da2enError) return err;
  const detail = (err instanceof Error ? err.message : String(err)).split('\n')[0];
  return new Da2enError('network', `cannot reach the queue's Redis at ${redactRedisUrl(url)}: ${detail} (is redis-server running there? see ${SETTING_WORDS.redisUrl})`, { cause: err, settings: ['redisUrl'] });
}

/**
 * Throws queueUnreachable unless the queue's Redis answers, as the one-off commands find out: a
 * worker checks this before it loads its model, then waits through later outages.
 */
export async function checkQueueRedis(url: string): Promise<void> {
  const client = queueConnection(url, { failFast: true });
  // What went wrong on the way (ECONNREFUSED, a DNS error), rather than ioredis' "max retries" that ends the ping.
  let connectError: unknown;
  client.on('error', (err) => (connectError = err));
  try {
    await client.ping();
  } catch (err) {
    throw queueUnreachable(url, connectError ?? err);
  } finally {
    client.disconnect();
  }
}
