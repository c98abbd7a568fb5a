import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATA_FILE, openTranslationMemory, type MemoryRecord } from '../../src/cache/index.js';
import { SEGMENTS_DB_OPTIONS } from '../../src/cache/translation-memory.js';
import { cacheEntry } from '../helpers/cache-entries.js';
import { finished, spawnCacheWorker } from '../helpers/cache-child.js';

let dir: string;
/** Writers still running (a test that failed or timed out before its kill): killed after each test. */
const running = new Set<ChildProcess>();
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'da2en-cache-crash-'));
});
afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
  rmSync(dir, { recursive: true, force: true });
});

const BATCH = 100;
/** DA2EN_CACHE_CRASH_KILLS=30 for a longer soak (about 1.7 s a kill). */
const kills = Number(process.env['DA2EN_CACHE_CRASH_KILLS'] ?? 6);

/**
 * Starts a writer for run `run`, waits until it has reported `after` finished store() calls, waits
 * `delayMs` more, then SIGKILLs it. Returns how many batches it had reported as finished.
 */
async function writeAndKill(run: string, after: number, delayMs: number): Promise<number> {
  const child = spawnCacheWorker(['crash', dir, run, String(BATCH)]);
  running.add(child);
  child.stdin?.end();
  const exit = finished(child);
  let confirmed = -1;
  let buffer = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: string | Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        const m = /^ok (\d+)$/.exec(line);
        if (m) confirmed = Math.max(confirmed, Number(m[1]));
      }
      if (confirmed + 1 >= after) resolve();
    });
    exit.then((e) => reject(new Error(`writer exited early: ${e.code} ${e.signal} ${e.stderr}`)), reject);
  });
  if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
  child.kill('SIGKILL');
  const result = await exit;
  running.delete(child);
  expect(result.signal).toBe('SIGKILL');
  // Lines that arrived between the resolve and the kill also count as confirmed.
  for (const line of result.stdout.split('\n')) {
    const m = /^ok (\d+)$/.exec(line);
    if (m) confirmed = Math.max(confirmed, Number(m[1]));
  }
  return confirmed + 1;
}

/** Reads every entry straight from LMDB, to catch anything the writers did not write. */
async function scan(): Promise<Map<string, MemoryRecord>> {
  const root = open({ path: join(dir, DATA_FILE), noSubdir: true, overlappingSync: false });
  try {
    const db = root.openDB<MemoryRecord, string>(SEGMENTS_DB_OPTIONS);
    const all = new Map<string, MemoryRecord>();
    for (const { key, value } of db.getRange()) all.set(key, value);
    return all;
  } finally {
    await root.close();
  }
}

describe('translation memory when the writer is killed mid-write', () => {
  it('SIGKILL at random points: opens cleanly, present entries are intact, confirmed batches are kept, batches are all or nothing', async () => {
    const confirmedByRun = new Map<string, number>();
    const log: string[] = [];
    const start = performance.now();
    for (let k = 0; k < kills; k++) {
      const run = `r${k}`;
      const confirmed = await writeAndKill(run, 2 + ((k * 3) % 7), (k * 7) % 11);
      confirmedByRun.set(run, confirmed);

      // It opens, through the normal path, and can still be written (the dead writer's lock is released).
      const memory = openTranslationMemory(dir);
      memory.store([{ key: `after-${k}`, source: 'efter', target: 'after' }]);
      expect(memory.lookup([`after-${k}`]).get(`after-${k}`)).toBe('after');
      const entries = memory.stats().entries;
      await memory.close();

      const all = await scan();
      expect(all.size).toBe(entries);
      // Every entry present is exactly what some writer wrote for that key.
      const batchesPresent = new Map<string, Set<number>>();
      for (const [key, value] of all) {
        if (key.startsWith('after-')) {
          expect(value.target).toBe('after');
          continue;
        }
        const m = /^(r\d+)-(\d+)$/.exec(key);
        expect(m, key).not.toBeNull();
        const expected = cacheEntry(m![1]!, Number(m![2]));
        expect(value.target).toBe(expected.target);
        expect(value.source).toBe(expected.source);
        expect(typeof value.createdAt).toBe('number');
        const b = Math.floor(Number(m![2]) / BATCH);
        let set = batchesPresent.get(m![1]!);
        if (!set) batchesPresent.set(m![1]!, (set = new Set()));
        set.add(b);
      }
      // Every confirmed batch of every run so far is there, whole; at most one unconfirmed batch
      // (the one in flight at the kill) per run, also whole or absent.
      for (const [r, n] of confirmedByRun) {
        const present = batchesPresent.get(r) ?? new Set<number>();
        for (let b = 0; b < n; b++) {
          for (let i = b * BATCH; i < (b + 1) * BATCH; i++) expect(all.has(cacheEntry(r, i).key), `${r} batch ${b}`).toBe(true);
        }
        const extra = [...present].filter((b) => b >= n);
        expect(extra.every((b) => b === n)).toBe(true);
        for (const b of extra) {
          for (let i = b * BATCH; i < (b + 1) * BATCH; i++) expect(all.has(cacheEntry(r, i).key), `${r} in-flight batch ${b} is partial`).toBe(true);
        }
        if (r === run) log.push(`${run}: ${n} batches confirmed, in-flight batch ${extra.length ? 'committed' : 'absent'}`);
      }
    }
    const total = [...confirmedByRun.values()].reduce((a, b) => a + b, 0) * BATCH;
    const midWrite = log.filter((l) => l.endsWith('absent')).length;
    console.info(
      `cache crash: ${kills} SIGKILLs (${midWrite} before the in-flight batch committed), ${total} confirmed entries all kept, ${(performance.now() - start).toFixed(0)} ms; ${log.join('; ')}`,
    );
  }, Math.max(240_000, kills * 10_000)); // each kill starts a writer (a tsx process): seconds each on a loaded machine
});
