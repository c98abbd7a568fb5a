/**
 * The translation memory in Redis: one memory shared by workers on several machines, so a job that
 * moves to another worker (its first worker died) does not translate its finished segments again.
 *
 * Layout: one hash, `<prefix>segments-v1` (default prefix `da2en:tm:`), field = the sha256 key from
 * `memoryKey` (the same keys as the local LMDB memory), value = JSON `{ target, source, createdAt, flags? }`
 * (memory-record.ts).
 * A store is one HSET of the whole batch, which Redis applies atomically: all of the batch or none
 * of it. How long a stored batch survives a Redis crash is Redis's persistence setting (the README
 * asks for `appendonly yes`); losing entries only costs translating them again, never a wrong one.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { Da2enError } from '../errors.js';
import type { MemoryEntry, MemoryHit, TranslationMemory } from '../pipeline/memory.js';
import { memoryHit, memoryRecord } from './memory-record.js';

export const REDIS_SEGMENTS_KEY = 'segments-v1';
export const DEFAULT_REDIS_MEMORY_PREFIX = 'da2en:tm:';

export interface RedisMemoryStats {
  entries: number;
  /** What Redis reports the hash takes in memory (MEMORY USAGE), 0 when empty. */
  bytes: number;
  /** The Redis URL (without a password) and the hash's key. */
  path: string;
}

export interface RedisTranslationMemory extends TranslationMemory {
  lookup(keys: readonly string[]): Promise<Map<string, string>>;
  lookupWithFlags(keys: readonly string[]): Promise<Map<string, MemoryHit>>;
  store(entries: readonly MemoryEntry[]): Promise<void>;
  stats(): Promise<RedisMemoryStats>;
  clear(): Promise<void>;
  close(): Promise<void>;
}

export interface RedisMemoryOptions {
  /** Key prefix, so several memories can share one Redis (default `da2en:tm:`). */
  prefix?: string;
  /**
   * Wait through a Redis restart instead of failing (default false): commands are held while the
   * client reconnects. Workers want this; a one-off command would rather fail with a clear line.
   */
  waitForReconnect?: boolean;
}

/** Lookups are sent in slices, so one huge document does not make one huge reply. */
const LOOKUP_SLICE = 1000;

/** The URL with any password removed, for messages. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/** How long a closing client waits for Redis to answer its QUIT before it drops the connection. */
const QUIT_WAIT_MS = 2_000;

/**
 * Closes an ioredis client: QUIT where the connection is up (it waits its turn behind the commands
 * already sent, so they finish), dropped where it is not, or where no answer comes in time (a Redis
 * that stopped answering on an open connection, as across a network partition, never answers).
 */
export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const answered = await Promise.race([
    client.quit().then(() => true, () => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), QUIT_WAIT_MS))),
  ]);
  clearTimeout(timer);
  if (!answered) client.disconnect();
}

/** Options for an ioredis client to `url`, with the reconnect behaviour asked for. */
export function redisClientOptions(waitForReconnect: boolean): RedisOptions {
  return waitForReconnect
    ? { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(times * 200, 2000) }
    : { maxRetriesPerRequest: 1, retryStrategy: (times) => (times > 3 ? null : times * 200), connectTimeout: 5000 };
}

function unusable(url: string, error: unknown): Da2enError {
  const detail = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.replace(/\s+/g, ' ').trim();
  return new Da2enError('storage', `cannot use the translation memory in Redis at ${redactRedisUrl(url)}: ${detail} (is redis-server running there?)`, { cause: error });
}

function hitOf(raw: string | null): MemoryHit | undefined {
  if (raw === null) return undefined;
  try {
    return memoryHit(JSON.parse(raw));
  } catch {
    // Not ours (or damaged): a miss, translated again and overwritten.
    return undefined;
  }
}

/**
 * Throws (kind 'network', as for the queue's Redis) unless the Redis memory at `url` answers: a worker
 * checks this before it loads its model. Its memory waits through later outages, so a wrong
 * `--memory-redis` (or password) would otherwise hold its first article for ever, without a word.
 */
export async function checkRedisMemory(url: string): Promise<void> {
  let client: Redis;
  try {
    client = new Redis(url, { ...redisClientOptions(false), lazyConnect: true });
  } catch (error) {
    throw unusable(url, error);
  }
  // What went wrong on the way (ECONNREFUSED, a DNS error), rather than ioredis' "max retries" that ends the ping.
  let connectError: unknown;
  client.on('error', (err) => (connectError = err));
  try {
    await client.ping();
  } catch (error) {
    const { message, cause } = unusable(url, connectError ?? error);
    throw new Da2enError('network', message, { cause });
  } finally {
    client.disconnect();
  }
}

/** Opens the Redis translation memory at `url` (redis://host:port/db). Connects on first use. */
export function openRedisTranslationMemory(url: string, options: RedisMemoryOptions = {}): RedisTranslationMemory {
  let client: Redis;
  try {
    client = new Redis(url, { ...redisClientOptions(options.waitForReconnect ?? false), lazyConnect: true });
  } catch (error) {
    throw unusable(url, error);
  }
  // Connection errors surface through the commands that fail; the client's own event would
  // otherwise print them unasked.
  client.on('error', () => {});
  const hash = `${options.prefix ?? DEFAULT_REDIS_MEMORY_PREFIX}${REDIS_SEGMENTS_KEY}`;
  let closed: Promise<void> | null = null;
  // Settles every command still waiting when the memory is closed: a client waiting for a Redis that
  // is gone would otherwise keep them (and whoever awaits them) forever.
  const closing = new AbortController();
  const live = () => {
    // As a translator used after dispose(): the caller's mistake, kind usage (was a plain Error, no kind).
    if (closed) throw new Da2enError('usage', 'the translation memory has been closed; open it again to use it');
  };
  const run = async <T>(what: () => Promise<T>): Promise<T> => {
    live();
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(closing.signal.reason as Error);
      closing.signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([what(), aborted]);
    } catch (error) {
      throw unusable(url, error);
    } finally {
      closing.signal.removeEventListener('abort', onAbort);
    }
  };

  const lookupWithFlags = (keys: readonly string[]) =>
    run(async () => {
      const found = new Map<string, MemoryHit>();
      const unique = [...new Set(keys)];
      for (let i = 0; i < unique.length; i += LOOKUP_SLICE) {
        const slice = unique.slice(i, i + LOOKUP_SLICE);
        const values = await client.hmget(hash, ...slice);
        slice.forEach((key, j) => {
          const hit = hitOf(values[j] ?? null);
          if (hit) found.set(key, hit);
        });
      }
      return found;
    });

  return {
    lookupWithFlags,

    lookup: async (keys) => new Map([...(await lookupWithFlags(keys))].map(([key, hit]) => [key, hit.target])),

    store: (entries) =>
      run(async () => {
        if (entries.length === 0) return;
        const createdAt = Date.now();
        const fields: Record<string, string> = {};
        for (const e of entries) fields[e.key] = JSON.stringify(memoryRecord(e, createdAt));
        await client.hset(hash, fields);
      }),

    stats: () =>
      run(async () => {
        const [entries, bytes] = await Promise.all([client.hlen(hash), client.memory('USAGE', hash)]);
        return { entries, bytes: Number(bytes ?? 0), path: `${redactRedisUrl(url)} ${hash}` };
      }),

    clear: () =>
      run(async () => {
        await client.del(hash);
      }),

    close() {
      // QUIT waits its turn behind the commands already sent; with the server gone and a worker's
      // client waiting for it to come back, that turn never comes. Then drop the connection: the
      // waiting commands fail, and their segments are translated again next time.
      if (!closed) {
        if (client.status === 'ready') {
          closed = closeRedisClient(client);
        } else {
          closed = Promise.resolve(client.disconnect());
          closing.abort(new Error('the translation memory was closed while Redis was unreachable'));
        }
      }
      return closed;
    },
  };
}
