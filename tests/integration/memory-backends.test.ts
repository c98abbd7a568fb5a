/**
 * The translation memory is pluggable: the local LMDB store and the Redis one shared by queue
 * workers pass the same contract tests (cache-memory.test.ts has the LMDB-only ones: folders,
 * damaged files, permissions).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { open as openLmdb } from 'lmdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_FILE, openRedisTranslationMemory, openTranslationMemory } from '../../src/cache/index.js';
import { REDIS_SEGMENTS_KEY } from '../../src/cache/redis-memory.js';
import { SEGMENTS_DB_OPTIONS } from '../../src/cache/translation-memory.js';
import type { SourceDocument } from '../../src/document/types.js';
import { Da2enError, isDa2enError } from '../../src/errors.js';
import { memoryKey, type MemoryEntry, type MemoryHit, type TranslationMemory } from '../../src/pipeline/memory.js';
import { translateDocument } from '../../src/pipeline/translate-document.js';
import { qaParagraphs } from '../../src/qa/index.js';
import { startTestRedis, type TestRedis } from '../../tools/redis-server.js';
import { FakeTranslator } from '../helpers/fake-translator.js';

interface Opened extends TranslationMemory {
  lookupWithFlags(keys: readonly string[]): Map<string, MemoryHit> | Promise<Map<string, MemoryHit>>;
  stats(): { entries: number } | Promise<{ entries: number }>;
  clear(): void | Promise<void>;
  close(): Promise<void>;
}

let redis: TestRedis;
let dir: string;
let round = 0;
beforeAll(async () => {
  redis = await startTestRedis();
  dir = mkdtempSync(join(tmpdir(), 'da2en-memory-'));
});
afterAll(async () => {
  await redis?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Each test gets a fresh memory: its own folder, or its own key prefix in the one Redis.
const backends: [string, () => () => Opened][] = [
  ['local LMDB', () => {
    const folder = join(dir, `m${round++}`);
    return () => openTranslationMemory(folder);
  }],
  ['Redis', () => {
    const prefix = `test${round++}:`;
    return () => openRedisTranslationMemory(redis.url, { prefix });
  }],
];

const parts = { modelId: 'Helsinki-NLP/opus-mt-da-en', dtype: 'q8', decoding: { beams: 4, maxLength: 512 } };
const entry = (source: string, target: string): MemoryEntry => ({ key: memoryKey(parts, source), source, target });

describe.each(backends)('translation memory contract: %s', (_name, fresh) => {
  it('stores and looks up translations; misses are absent; a key stored again is replaced', async () => {
    const memory = fresh()();
    try {
      const a = entry('Hej verden.', 'Hello world.');
      const b = entry('Det regner i København.', 'It is raining in Copenhagen.');
      const c = entry('Æbler og pærer – "citat".\n', 'Apples and pears – "quote".\n');
      const missing = memoryKey(parts, 'Ikke oversat.');
      expect((await memory.lookup([a.key, missing])).size).toBe(0);
      await memory.store([a, b]);
      await memory.store([c]);
      await memory.store([]);
      expect(await memory.lookup([a.key, b.key, c.key, missing, a.key])).toEqual(new Map([[a.key, a.target], [b.key, b.target], [c.key, c.target]]));
      expect(await memory.lookup([])).toEqual(new Map());
      expect((await memory.lookup([memoryKey({ ...parts, decoding: { beams: 1, maxLength: 512 } }, 'Hej verden.')])).size).toBe(0);
      await memory.store([{ ...a, target: 'Hi world.' }]);
      expect((await memory.lookup([a.key])).get(a.key)).toBe('Hi world.');
    } finally {
      await memory.close();
    }
  });

  it('keeps entries across close and reopen; a closed memory refuses work', async () => {
    const open = fresh();
    const first = open();
    const a = entry('En sætning.', 'A sentence.');
    await first.store([a]);
    await first.close();
    await first.close();
    await expect(async () => first.lookup([a.key])).rejects.toThrow(/closed/);
    // Kind usage, as a translator used after dispose() (was a plain Error with no kind).
    for (const use of [() => first.lookup([a.key]), () => first.store([a])]) {
      const err = await (async () => use())().catch((e: unknown) => e);
      expect(isDa2enError(err, 'usage'), String(err)).toBe(true);
    }
    const second = open();
    try {
      expect((await second.lookup([a.key])).get(a.key)).toBe('A sentence.');
    } finally {
      await second.close();
    }
  });

  it('counts entries, clears, and takes a large batch in one store', async () => {
    const memory = fresh()();
    try {
      expect((await memory.stats()).entries).toBe(0);
      const entries = Array.from({ length: 2500 }, (_, i) => entry(`Sætning nummer ${i}.`, `Sentence number ${i}.`));
      await memory.store(entries.slice(0, 100));
      await memory.store(entries.slice(100));
      expect((await memory.stats()).entries).toBe(2500);
      const found = await memory.lookup(entries.map((e) => e.key));
      expect(found.size).toBe(2500);
      expect(found.get(entries[1234]!.key)).toBe('Sentence number 1234.');
      await memory.clear();
      expect((await memory.stats()).entries).toBe(0);
      expect((await memory.lookup(entries.map((e) => e.key))).size).toBe(0);
    } finally {
      await memory.close();
    }
  });

  it('two handles see each other\'s writes at once', async () => {
    const open = fresh();
    const one = open();
    const two = open();
    try {
      const a = entry('Første.', 'First.');
      await one.store([a]);
      expect((await two.lookup([a.key])).get(a.key)).toBe('First.');
      const b = entry('Anden.', 'Second.');
      await two.store([b]);
      expect((await one.lookup([b.key])).get(b.key)).toBe('Second.');
    } finally {
      await one.close();
      await two.close();
    }
  });
});

describe.each(backends)('translation memory keeps what the decoding flagged: %s', (_name, fresh) => {
  it('gives a translation back with its flags; one stored without flags has none', async () => {
    const memory = fresh()();
    try {
      const looped = { ...entry('Han sagde det igen.', 'He said it again again again.'), flags: ['repetition', 'length-cap'] };
      const plain = entry('Hej verden.', 'Hello world.');
      await memory.store([looped, plain]);
      expect(await memory.lookupWithFlags([looped.key, plain.key, 'missing'])).toEqual(
        new Map([
          [looped.key, { target: looped.target, flags: ['repetition', 'length-cap'] }],
          [plain.key, { target: plain.target, flags: [] }],
        ]),
      );
      // The plain lookup is unchanged: targets only.
      expect(await memory.lookup([looped.key])).toEqual(new Map([[looped.key, looped.target]]));
      // Stored again without flags (a new translation that did not loop): the flags go with the old one.
      await memory.store([{ ...looped, flags: [] }]);
      expect((await memory.lookupWithFlags([looped.key])).get(looped.key)).toEqual({ target: looped.target, flags: [] });
    } finally {
      await memory.close();
    }
  });

  it('a re-run served from the memory has the QA of the run that translated it (guards that fired)', async () => {
    const memory = fresh()();
    const doc: SourceDocument = {
      title: '',
      metadata: {},
      paragraphs: ['Vejret er godt i dag. Det bliver ved og ved og ved.', 'Solen skinner over byen i dag.'].map((text, index) => {
        const sentences = text.split(/(?<=\.) /);
        return {
          index,
          kind: 'text' as const,
          prefix: '',
          text,
          chunks: sentences.map((t, ci) => ({ index: ci, text: t, joinBefore: ci === 0 ? ('' as const) : (' ' as const), tokens: 8 })),
        };
      }),
    };
    const looping = (text: string) => (text.includes('ved og ved') ? ['repetition'] : []);
    try {
      const first = await translateDocument(doc, new FakeTranslator(undefined, looping), { memory });
      const again = new FakeTranslator(undefined, looping);
      const second = await translateDocument(doc, again, { memory });
      expect(again.calls).toHaveLength(0);
      expect(second.stats.cachedChunks).toBe(3);
      const qa = (r: typeof first) => qaParagraphs(r.paragraphs).paragraphs.map((p) => p.qa);
      expect(qa(first)[0]).toContainEqual({ kind: 'guard', message: expect.stringContaining('"repetition"') as string });
      expect(qa(second)).toEqual(qa(first));
    } finally {
      await memory.close();
    }
  });
});

describe('records written before flags were kept', () => {
  const old = entry('Gammel post.', 'Old entry.');
  const oldRecord = { target: old.target, source: old.source, createdAt: 1 };

  it('local LMDB: read back as a translation with no flags', async () => {
    const folder = join(dir, `old${round++}`);
    openTranslationMemory(folder).close();
    const root = openLmdb({ path: join(folder, DATA_FILE), noSubdir: true, maxDbs: 4 });
    await root.openDB(SEGMENTS_DB_OPTIONS).put(old.key, oldRecord);
    await root.close();
    const memory = openTranslationMemory(folder);
    try {
      expect(memory.lookupWithFlags([old.key])).toEqual(new Map([[old.key, { target: old.target, flags: [] }]]));
      expect(memory.lookup([old.key])).toEqual(new Map([[old.key, old.target]]));
    } finally {
      await memory.close();
    }
  });

  it('Redis: read back as a translation with no flags; a new record is the old layout plus flags', async () => {
    const prefix = `old${round++}:`;
    const client = new Redis(redis.url);
    const memory = openRedisTranslationMemory(redis.url, { prefix });
    try {
      await client.hset(`${prefix}${REDIS_SEGMENTS_KEY}`, old.key, JSON.stringify(oldRecord));
      expect(await memory.lookupWithFlags([old.key])).toEqual(new Map([[old.key, { target: old.target, flags: [] }]]));
      const looped = { ...entry('Igen.', 'Again again.'), flags: ['repetition'] };
      await memory.store([looped]);
      // What an older worker reads: target (and source, createdAt) where they always were.
      const stored = JSON.parse((await client.hget(`${prefix}${REDIS_SEGMENTS_KEY}`, looped.key))!) as Record<string, unknown>;
      expect(stored).toEqual({ target: looped.target, source: looped.source, createdAt: expect.any(Number) as number, flags: ['repetition'] });
    } finally {
      await memory.close();
      client.disconnect();
    }
  });
});

describe('Redis translation memory', () => {
  it('fails with one line naming the server when Redis is not there', async () => {
    const memory = openRedisTranslationMemory('redis://127.0.0.1:1');
    try {
      const error = await memory.lookup(['x']).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(Da2enError);
      expect((error as Da2enError).kind).toBe('storage');
      expect((error as Da2enError).cause).toBeDefined();
      expect((error as Error).message).toMatch(/^cannot use the translation memory in Redis at redis:\/\/127\.0\.0\.1:1: .*\(is redis-server running there\?\)$/);
      expect((error as Error).message).not.toContain('\n');
    } finally {
      await memory.close();
    }
  });

  it('never shows a password from the URL', async () => {
    const memory = openRedisTranslationMemory('redis://:hunter2@127.0.0.1:1');
    try {
      const error = (await memory.lookup(['x']).catch((e: unknown) => e)) as Error;
      expect(error.message).not.toContain('hunter2');
    } finally {
      await memory.close();
    }
  });

  it('closes while Redis is gone and a lookup waits for it: the lookup fails as unusable, close does not wait for Redis', async () => {
    const memory = openRedisTranslationMemory(redis.url, { prefix: 'gone:', waitForReconnect: true });
    const a = entry('Før nedbrud.', 'Before the crash.');
    await memory.store([a]);
    await redis.stop();
    try {
      const waiting = memory.lookup([a.key]).then(() => null, (e: unknown) => e);
      await new Promise((r) => setTimeout(r, 300));
      // Without the fix QUIT queues behind the lookup and neither ever settles (the test times out).
      await memory.close();
      const error = await waiting;
      expect(error).toBeInstanceOf(Da2enError);
      expect((error as Da2enError).kind).toBe('storage');
    } finally {
      await redis.start();
    }
  }, 20_000);

  it('waits through a Redis restart and keeps what was stored (append-only file)', async () => {
    const memory = openRedisTranslationMemory(redis.url, { prefix: 'restart:', waitForReconnect: true });
    try {
      const a = entry('Før genstart.', 'Before the restart.');
      await memory.store([a]);
      await redis.stop();
      const b = entry('Under genstart.', 'During the restart.');
      const pending = memory.store([b]);
      await new Promise((r) => setTimeout(r, 300));
      await redis.start();
      await pending;
      expect(await memory.lookup([a.key, b.key])).toEqual(new Map([[a.key, a.target], [b.key, b.target]]));
    } finally {
      await memory.close();
    }
  });
});
