/**
 * A queue's outputs written into a FIFO nobody reads (a worker's --out-dir, `queue results
 * --out-dir`): a stop ends the wait for a reader with the stop's reason, as the translate command's
 * `-o FIFO` does, and leaves the FIFO as it was.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { Da2enError } from '../../src/errors.js';
import { processArticle, writeResults, type ArticleQueue } from '../../src/queue/index.js';
import type { ArticleJobData } from '../../src/queue/job.js';
import { FakeTranslator } from '../helpers/fake-translator.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'da2en-queue-fifo-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A folder holding a FIFO named `name`. */
function folderWithFifo(folder: string, name: string): string {
  const dir = path.join(root, folder);
  mkdirSync(dir);
  execFileSync('mkfifo', [path.join(dir, name)]);
  return dir;
}

async function waitFor(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 10));
}

describe('queue outputs into a FIFO nobody reads', () => {
  it('a worker\'s job: a stop ends the wait, with the stop\'s reason', async () => {
    const outDir = folderWithFifo('worker', 'a.da-en.html');
    const data: ArticleJobData = {
      name: 'a.da.txt',
      bytes: Buffer.from('Hunden løber.\n\nKatten sover.\n').toString('base64'),
      engine: { model: 'fake', dtype: 'none', beams: 1 },
      pipeline: { encoding: 'utf8', maxChunkTokens: 256, packSentences: false, batchTokens: 4096, maxBatchSize: 32 },
      // The plain file first: once it is there, the job is at the FIFO.
      outputs: [
        { format: 'en', file: 'a.en.txt' },
        { format: 'html', file: 'a.da-en.html' },
      ],
      outDir,
    };
    const stop = new AbortController();
    const reason = new Da2enError('interrupted', 'worker stopping');
    const job = processArticle(data, { translator: new FakeTranslator(), signal: stop.signal });
    await waitFor(() => existsSync(path.join(outDir, 'a.en.txt')));
    stop.abort(reason);
    await expect(job).rejects.toBe(reason);
    expect(lstatSync(path.join(outDir, 'a.da-en.html')).isFIFO()).toBe(true);
    expect(readdirSync(outDir).sort()).toEqual(['a.da-en.html', 'a.en.txt']);
  }, 30_000);

  it('queue results: a stop ends the wait, with the stop\'s reason', async () => {
    const outDir = folderWithFifo('results', 'a.da-en.html');
    const job = {
      id: 'a1b2c3d4e5f6',
      data: { name: 'a.da.txt' },
      returnvalue: {
        files: [
          { file: 'a.en.txt', content: 'Hello.\n' },
          { file: 'a.da-en.html', content: '<p>Hello.</p>\n' },
        ],
      },
    };
    // Only what writeResults reads of a BullMQ queue: one page of finished jobs, then each one's outputs.
    const queue = { getJobs: async (_types: string[], start: number) => (start === 0 ? [job] : []), getJob: async () => job } as unknown as ArticleQueue;
    const stop = new AbortController();
    const reason = new Da2enError('interrupted', 'interrupted');
    // Stopped once the plain file is written, so that the FIFO is waited for after the stop.
    // A job of no known article (no source): writeResults asks Redis nothing about later versions.
    const writing = writeResults(queue, {} as Redis, outDir, () => stop.abort(reason), { signal: stop.signal });
    await expect(writing).rejects.toBe(reason);
    expect(lstatSync(path.join(outDir, 'a.da-en.html')).isFIFO()).toBe(true);
    expect(readdirSync(outDir).sort()).toEqual(['a.da-en.html', 'a.en.txt']);
  }, 30_000);
});
