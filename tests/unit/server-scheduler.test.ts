import { describe, expect, it, vi } from 'vitest';
import type { MemoryEntry, MemoryHit, TranslationMemory } from '../../src/pipeline/memory.js';
import { MEMORY_RETRY_MS, SentenceScheduler, type BatchTranslator } from '../../src/server/scheduler.js';
import { memoryFailure } from '../../src/cache/memory-errors.js';
import type { Da2enError } from '../../src/errors.js';
import type { TranslationResult } from '../../src/engine/translator.js';

/** Records each model call's rows; a call ends when the test releases it (or at once). */
class GatedTranslator implements BatchTranslator {
  readonly modelId = 'fake/gated';
  readonly dtype = 'none';
  readonly decoding = {};
  readonly calls: string[][] = [];
  private gates: (() => void)[] = [];
  constructor(private readonly gated = false) {}
  async translateBatch(texts: string[]): Promise<TranslationResult[]> {
    this.calls.push([...texts]);
    if (this.gated) await new Promise<void>((r) => this.gates.push(r));
    return texts.map((t) => ({ text: `EN:${t}`, flags: [], tokens: 1 }));
  }
  /** Lets the oldest waiting call finish; resolves after its results were handed out. */
  async release(): Promise<void> {
    for (let i = 0; i < 50 && this.gates.length === 0; i++) await new Promise((r) => setTimeout(r, 1));
    this.gates.shift()?.();
    await new Promise((r) => setTimeout(r, 1));
  }
}

class MapMemory implements TranslationMemory {
  readonly map = new Map<string, string>();
  lookup(keys: readonly string[]) {
    return new Map(keys.filter((k) => this.map.has(k)).map((k) => [k, this.map.get(k)!]));
  }
  store(entries: readonly { key: string; target: string }[]) {
    for (const e of entries) this.map.set(e.key, e.target);
  }
}

/** A memory that keeps each entry's flags, as the LMDB and Redis backends do. */
class FlagMemory implements TranslationMemory {
  readonly map = new Map<string, MemoryHit>();
  lookup(keys: readonly string[]) {
    return new Map(keys.filter((k) => this.map.has(k)).map((k) => [k, this.map.get(k)!.target]));
  }
  lookupWithFlags(keys: readonly string[]) {
    return new Map(keys.filter((k) => this.map.has(k)).map((k) => [k, this.map.get(k)!]));
  }
  store(entries: readonly MemoryEntry[]) {
    for (const e of entries) this.map.set(e.key, { target: e.target, flags: [...(e.flags ?? [])] });
  }
}

/** Reports a runaway-guard flag for texts that ask for one. */
class FlaggingTranslator implements BatchTranslator {
  readonly modelId = 'fake/flags';
  readonly dtype = 'none';
  readonly decoding = {};
  calls = 0;
  async translateBatch(texts: string[]): Promise<TranslationResult[]> {
    this.calls++;
    return texts.map((t) => ({ text: `EN:${t}`, flags: t.startsWith('loop') ? ['repetition'] : [], tokens: 1 }));
  }
}

const chunks = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ text: `${prefix}${i}`, tokens: 4 }));

describe('shared sentence scheduler', () => {
  it('fills one model call from several requests and hands each its own results in order', async () => {
    const t = new GatedTranslator(true);
    const s = new SentenceScheduler(t, { batchTokens: 4096, maxBatchSize: 8 });
    const first = s.submit(chunks('a', 1)); // starts a call at once, alone
    const others = ['b', 'c', 'd'].map((p) => s.submit(chunks(p, 2)));
    await t.release(); // first call: a0
    await t.release(); // second call: everything that queued meanwhile, together
    const [a, ...rest] = await Promise.all([first, ...others]);
    expect(t.calls).toEqual([['a0'], ['b0', 'c0', 'd0', 'b1', 'c1', 'd1']]);
    expect(a.chunks.map((c) => c.target)).toEqual(['EN:a0']);
    expect(rest.map((r) => r.chunks.map((c) => c.target))).toEqual([['EN:b0', 'EN:b1'], ['EN:c0', 'EN:c1'], ['EN:d0', 'EN:d1']]);
    expect(rest.map((r) => r.modelCalls)).toEqual([1, 1, 1]);
    expect(s.stats()).toMatchObject({ modelCalls: 2, modelRows: 7, sharedCalls: 1, activeRequests: 0, queuedChunks: 0 });
  });

  it('is fair: a small request gets rows in the next call while a large one is half done', async () => {
    const t = new GatedTranslator(true);
    const s = new SentenceScheduler(t, { batchTokens: 4096, maxBatchSize: 4 });
    const big = s.submit(chunks('big', 40)); // its first call (big0..3) is running now
    const small = s.submit(chunks('small', 2));
    let smallDone = false;
    void small.then(() => (smallDone = true));
    await t.release(); // big0..3
    await t.release(); // the very next call carries both of the small request's sentences
    expect(t.calls[1]).toEqual(['big4', 'small0', 'big5', 'small1']);
    expect(smallDone).toBe(true);
    // The rest of the big request goes on; nothing of it is lost or repeated.
    for (let i = 0; i < 20; i++) await t.release();
    const result = await big;
    expect(result.chunks.map((c) => c.target)).toEqual(chunks('big', 40).map((c) => `EN:${c.text}`));
    expect(t.calls.flat().filter((x) => x.startsWith('big')).sort()).toEqual(chunks('big', 40).map((c) => c.text).sort());
  });

  it('drops a cancelled request\'s waiting sentences: they never reach the model', async () => {
    const t = new GatedTranslator(true);
    const s = new SentenceScheduler(t, { batchTokens: 4096, maxBatchSize: 4 });
    const keep = s.submit(chunks('keep', 6));
    const controller = new AbortController();
    const gone = s.submit(chunks('gone', 30), { signal: controller.signal });
    await t.release();
    controller.abort(new Error('client went away'));
    await expect(gone).rejects.toThrow('client went away');
    expect(s.stats().queuedChunks).toBeLessThanOrEqual(6);
    for (let i = 0; i < 5; i++) await t.release();
    await keep;
    const goneRows = t.calls.flat().filter((x) => x.startsWith('gone'));
    // Only rows already in the call running at the moment of the abort (at most 2 of a 4-row call).
    expect(goneRows.length).toBeLessThanOrEqual(2);
    expect(s.stats()).toMatchObject({ activeRequests: 0, queuedChunks: 0 });
  });

  it('shares the translation memory: a repeated sentence is not translated twice', async () => {
    const t = new GatedTranslator(false);
    const memory = new MapMemory();
    const s = new SentenceScheduler(t, { batchTokens: 4096, maxBatchSize: 8 }, memory);
    await s.submit(chunks('x', 3));
    const again = await s.submit([...chunks('x', 3), { text: 'new', tokens: 2 }]);
    expect(again.chunks.map((c) => c.origin)).toEqual(['cache', 'cache', 'cache', 'model']);
    expect(t.calls).toEqual([['x0', 'x1', 'x2'], ['new']]);
  });

  it('a memory whose disk is full costs the caching, not the answers, and is tried again a while later', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const t = new GatedTranslator(false);
    const memory = new MapMemory();
    let full = true;
    const store = memory.store.bind(memory);
    memory.store = (entries) => {
      if (full) throw memoryFailure('/c', new Error('No space left on device: Attempting to write page at position 20480, size 4096'));
      store(entries);
    };
    const failures: Da2enError[] = [];
    const s = new SentenceScheduler(t, { batchTokens: 4096, maxBatchSize: 8 }, memory, (error) => failures.push(error));
    const first = await s.submit(chunks('x', 2));
    expect(first.chunks.map((c) => [c.target, c.origin])).toEqual([['EN:x0', 'model'], ['EN:x1', 'model']]);
    expect(failures.map((f) => f.message)).toEqual(['cannot use the translation memory in /c: no space left on the device (run without the translation memory, or set DA2EN_CACHE_DIR to a writable folder)']);
    full = false; // space was freed
    await s.submit(chunks('y', 1));
    expect(memory.map.size).toBe(0); // not tried again at once
    vi.setSystemTime(Date.now() + MEMORY_RETRY_MS);
    await s.submit(chunks('z', 1));
    expect(memory.map.size).toBe(1);
    const again = await s.submit([...chunks('x', 1), ...chunks('z', 1)]);
    expect(again.chunks.map((c) => c.origin)).toEqual(['model', 'cache']);
    expect(failures).toHaveLength(1);
    vi.useRealTimers();
  });

  it('a memory failure that is not its storage (a closed memory) still fails the requests', async () => {
    const t = new GatedTranslator(false);
    const memory = new MapMemory();
    memory.store = () => {
      throw new Error('the translation memory is closed');
    };
    const s = new SentenceScheduler(t, { batchTokens: 4096, maxBatchSize: 8 }, memory, () => {});
    await expect(s.submit(chunks('x', 1))).rejects.toThrow(/closed/);
  });

  it('gives back a remembered translation with its guard flags, as the model gave them', async () => {
    const t = new FlaggingTranslator();
    const memory = new FlagMemory();
    const s = new SentenceScheduler(t, { batchTokens: 4096, maxBatchSize: 8 }, memory);
    const first = await s.submit([...chunks('loop', 1), ...chunks('ok', 1)]);
    const again = await s.submit([...chunks('loop', 1), ...chunks('ok', 1)]);
    expect(t.calls).toBe(1);
    expect(again.chunks.map((c) => c.origin)).toEqual(['cache', 'cache']);
    expect(again.chunks.map((c) => c.flags)).toEqual(first.chunks.map((c) => c.flags));
    expect(again.chunks[0]!.flags).toEqual(['repetition']);
  });

  it('keeps each call within the padded-token budget', async () => {
    const t = new GatedTranslator(false);
    const s = new SentenceScheduler(t, { batchTokens: 100, maxBatchSize: 32 });
    await Promise.all([s.submit(Array.from({ length: 6 }, (_, i) => ({ text: `long${i}`, tokens: 40 }))), s.submit(chunks('short', 10))]);
    expect(t.calls.every((c) => c.length >= 1)).toBe(true);
    for (const call of t.calls) {
      const width = Math.max(...call.map((x) => (x.startsWith('long') ? 40 : 4)));
      expect(call.length * width <= 100 || call.length === 1).toBe(true);
    }
  });

  it('close() cancels what waits and refuses new work; idle() resolves when nothing is left', async () => {
    const t = new GatedTranslator(true);
    const s = new SentenceScheduler(t, { batchTokens: 4096, maxBatchSize: 2 });
    const a = s.submit(chunks('a', 6));
    s.close(new Error('shutting down'));
    await expect(a).rejects.toThrow('shutting down');
    await expect(s.submit(chunks('b', 1))).rejects.toThrow(/shut down/);
    await t.release();
    await s.idle();
    expect(s.stats().activeRequests).toBe(0);
  });
});
