import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTranslationMemory } from '../../src/cache/index.js';
import { cacheEntry } from '../helpers/cache-entries.js';
import { finished, spawnCacheWorker } from '../helpers/cache-child.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'da2en-cache-mp-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface WorkerReport {
  worker: number;
  stored: number;
  lookups: number;
  hits: number;
  ownMisses: number;
  wrong: number;
  ms: number;
  startedAt: number;
  endedAt: number;
}

/** Resolves once the child has printed `ready`. */
function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      if (d.toString('utf8').includes('ready')) {
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.on('exit', () => reject(new Error('worker exited before it was ready')));
  });
}

describe('translation memory shared by several processes', () => {
  it('a process holding it open does not block another from reading and writing', async () => {
    const memory = openTranslationMemory(dir);
    try {
      memory.store([{ key: 'parent', source: 'forælder', target: 'parent' }]);
      // Keep a read snapshot in use while the child works.
      expect(memory.lookup(['parent']).get('parent')).toBe('parent');
      const child = spawnCacheWorker(['touch', dir, 'parent']);
      child.stdin?.end();
      const result = await finished(child);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout) as { found: string | null; stored: string };
      expect(report.found).toBe('parent');
      // The parent, still open, sees the child's write.
      expect(memory.lookup([report.stored]).get(report.stored)).toBe('child');
    } finally {
      await memory.close();
    }
  });

  it('3 processes writing and reading 2,000 entries each at once: all present and correct', async () => {
    const workers = 3;
    const n = 2000;
    const batch = 50;
    // The test process keeps it open too, and reads while the workers write.
    const memory = openTranslationMemory(dir);
    try {
      const children = Array.from({ length: workers }, (_, w) => spawnCacheWorker(['mixed', dir, String(w), String(workers), String(n), String(batch)]));
      const results = children.map((c) => finished(c));
      // Each worker opens the memory, says so, then waits for this line: they all write at once.
      await Promise.all(children.map((c) => ready(c)));
      const start = performance.now();
      for (const c of children) c.stdin?.end('go\n');
      let parentReads = 0;
      let settled = false;
      void Promise.all(results).then(() => (settled = true));
      while (!settled) {
        const sample = Array.from({ length: 30 }, (_, k) => cacheEntry(`w${k % workers}`, (k * 67 + parentReads) % n));
        const found = memory.lookup(sample.map((e) => e.key));
        for (const e of sample) if (found.has(e.key)) expect(found.get(e.key)).toBe(e.target);
        parentReads++;
        await new Promise((r) => setTimeout(r, 5));
      }
      const done = await Promise.all(results);
      const wall = performance.now() - start;
      const reports = done.map((d) => {
        expect(d.stderr).toBe('');
        expect(d.code).toBe(0);
        return JSON.parse(d.stdout.trim().split('\n').at(-1)!) as WorkerReport;
      });
      for (const r of reports) {
        expect(r.stored).toBe(n);
        expect(r.ownMisses).toBe(0);
        expect(r.wrong).toBe(0);
      }
      // They really ran at the same time.
      expect(Math.max(...reports.map((r) => r.startedAt))).toBeLessThan(Math.min(...reports.map((r) => r.endedAt)));
      // Every entry of every worker is there, with its own value.
      const all = Array.from({ length: workers }, (_, w) => Array.from({ length: n }, (_, i) => cacheEntry(`w${w}`, i))).flat();
      const found = memory.lookup(all.map((e) => e.key));
      expect(found.size).toBe(workers * n);
      for (const e of all) expect(found.get(e.key)).toBe(e.target);
      expect(memory.stats().entries).toBe(workers * n);
      console.info(
        `cache concurrency: ${workers} processes x ${n} entries (batches of ${batch}) in ${wall.toFixed(0)} ms wall; ` +
          reports.map((r) => `w${r.worker}: ${r.ms.toFixed(0)} ms, ${r.lookups} lookups, ${r.hits} hits`).join('; ') +
          `; parent lookup rounds meanwhile: ${parentReads}; ${memory.stats().bytes} bytes`,
      );
    } finally {
      await memory.close();
    }
    // And it opens cleanly afterwards, in a fresh process.
    const child = spawnCacheWorker(['touch', dir, cacheEntry('w2', n - 1).key]);
    child.stdin?.end();
    const after = await finished(child);
    expect(after.code).toBe(0);
    expect((JSON.parse(after.stdout) as { found: string }).found).toBe(cacheEntry('w2', n - 1).target);
  });
});
