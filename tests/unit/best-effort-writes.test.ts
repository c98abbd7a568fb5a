import { describe, expect, it } from 'vitest';
import { withBestEffortWrites, type RunMemory } from '../../src/cache/best-effort-writes.js';
import { memoryFailure } from '../../src/cache/memory-errors.js';
import type { Da2enError } from '../../src/errors.js';
import type { MemoryEntry } from '../../src/pipeline/memory.js';

/** A memory whose disk fills after `room` stored entries, as a full cache folder does. */
function fillingMemory(room: number) {
  const stored = new Map<string, string>();
  const finished = new Set<string>();
  const memory: RunMemory = {
    lookup: (keys) => new Map(keys.filter((k) => stored.has(k)).map((k) => [k, stored.get(k)!])),
    lookupWithFlags: (keys) => new Map(keys.filter((k) => stored.has(k)).map((k) => [k, { target: stored.get(k)!, flags: [] }])),
    store: (entries) => {
      if (stored.size + entries.length > room) throw memoryFailure('/c', new Error('No space left on device: Attempting to write page at position 20480, size 4096, blocks 1, buffer sizes 4096 0 0'));
      for (const e of entries) stored.set(e.key, e.target);
    },
    hasFinished: (key) => finished.has(key),
    markFinished: (key) => {
      if (stored.size >= room) throw memoryFailure('/c', Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' }));
      finished.add(key);
    },
    close: async () => {},
  };
  return { memory, stored, finished };
}

const entry = (key: string): MemoryEntry => ({ key, source: `${key} da`, target: `${key} en` });

describe('a translate run with a memory it can no longer write', () => {
  it('reports the first failed write once, then goes on without storing, still reading what is there', () => {
    const { memory, stored } = fillingMemory(2);
    const failures: Da2enError[] = [];
    const run = withBestEffortWrites(memory, (error) => failures.push(error));
    run.store([entry('a'), entry('b')]);
    run.store([entry('c')]); // the disk is full: no throw
    run.store([]);
    run.markFinished('article');
    expect(failures.map((f) => f.message)).toEqual(['cannot use the translation memory in /c: no space left on the device (run without the translation memory, or set DA2EN_CACHE_DIR to a writable folder)']);
    expect([...stored.keys()]).toEqual(['a', 'b']);
    expect(run.hasFinished('article')).toBe(false);
    expect(run.lookup(['a', 'c'])).toEqual(new Map([['a', 'a en']]));
    expect(run.lookupWithFlags(['b'])).toEqual(new Map([['b', { target: 'b en', flags: [] }]]));
  });

  it('writes as ever while there is room', () => {
    const { memory, stored } = fillingMemory(10);
    const failures: Da2enError[] = [];
    const run = withBestEffortWrites(memory, (error) => failures.push(error));
    run.store([entry('a')]);
    run.markFinished('article');
    expect(failures).toEqual([]);
    expect(stored.has('a')).toBe(true);
    expect(run.hasFinished('article')).toBe(true);
  });

  it('a failure that is not the storage (a bug, a closed memory) still ends the run', () => {
    const { memory } = fillingMemory(10);
    const run = withBestEffortWrites({ ...memory, store: () => { throw new Error('the translation memory is closed'); } }, () => {});
    expect(() => run.store([entry('a')])).toThrow(/closed/);
  });
});
