/**
 * Output names near the file system's 255-byte limit in the queue: `queue add` refuses one over it as
 * the translate command does (exit 8, one line, nothing queued), so that no worker fails on it at
 * every try; `queue results` fits a name it tags to the limit, and one file it cannot write for its
 * own sake does not keep the others from being written.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addArticles, openQueue, startArticleWorker, type ArticleToAdd, type ArticleWorker } from '../../src/queue/index.js';
import type { JobEngine, JobPipeline } from '../../src/queue/job.js';
import { startTestRedis, type TestRedis } from '../../tools/redis-server.js';
import { FakeTranslator } from '../helpers/fake-translator.js';
import { runCli } from '../helpers/run-cli.js';

let redis: TestRedis;
const work = mkdtempSync(path.join(os.tmpdir(), 'da2en-queue-long-names-'));
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.dispose();
  rmSync(work, { recursive: true, force: true });
});

const TOO_LONG = /^da2en: cannot write \S*c{245}\.da-en\.html: its name is too long for the file system \(most allow 255 bytes a name, 4096 a path\); choose a shorter name\n$/;

async function jobCount(): Promise<number> {
  const { queue, close } = openQueue(redis.url);
  try {
    return Object.values(await queue.getJobCounts()).reduce((a, b) => a + b, 0);
  } finally {
    await close();
  }
}

describe('queue add: output names too long for the file system', () => {
  it('refuses an output name over 255 bytes in one line (exit 8), before anything is queued, for --out-dir and --out-store alike', async () => {
    const inputs = path.join(work, 'in');
    mkdirSync(inputs);
    const ok = path.join(inputs, 'ok.txt');
    const long = path.join(inputs, `${'c'.repeat(245)}.txt`);
    for (const file of [ok, long]) writeFileSync(file, 'Hunden løber.\n');
    const add = (...where: string[]) => runCli(['queue', 'add', ok, long, '--redis', redis.url, '--model', work, ...where]);

    for (const where of [['--out-dir', path.join(work, 'out')], ['--out-store', 'redis']]) {
      const refused = await add(...where);
      expect(refused.code, refused.stderr).toBe(8);
      expect(refused.stderr).toMatch(TOO_LONG);
      expect(await jobCount()).toBe(0);
    }
    // The same name as a folder holding the inputs is measured too.
    const walked = await runCli(['queue', 'add', inputs, '--redis', redis.url, '--model', work, '--out-dir', path.join(work, 'out')]);
    expect(walked.code, walked.stderr).toBe(8);
    expect(walked.stderr).toMatch(TOO_LONG);
    expect(await jobCount()).toBe(0);
  });
});

const ENGINE: JobEngine = { model: 'fake', dtype: 'none', beams: 1 };
const PIPELINE: JobPipeline = { encoding: 'utf8', maxChunkTokens: 256, packSentences: false, batchTokens: 4096, maxBatchSize: 32 };

function article(source: string, stem: string, text: string): ArticleToAdd {
  return { name: source, source, bytes: Buffer.from(text), inputFormat: 'text', outputs: [{ format: 'html', file: `${stem}.da-en.html` }] };
}

async function waitFor(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
}

describe('queue results: names near the limit, and a file that cannot be written', () => {
  it('writes a second article of a 255-byte name under a tagged name that fits, and every other file past one it cannot write (exit 8)', async () => {
    const stem = 's'.repeat(244);
    const outDir = path.join(work, 'results');
    // A folder where one article's file would go: that file alone cannot be written.
    mkdirSync(path.join(outDir, 'blocked.da-en.html'), { recursive: true });
    const { queue, connection, close } = openQueue(redis.url, 'results-long');
    let worker: ArticleWorker | undefined;
    try {
      worker = await startArticleWorker({ redisUrl: redis.url, queueName: 'results-long', translator: new FakeTranslator(), engine: ENGINE });
      const articles = [article('/a/S.txt', stem, 'Hunden løber.\n'), article('/b/S.txt', stem, 'Katten sover.\n'), article('/blocked.txt', 'blocked', 'Fuglen synger.\n'), article('/normal.txt', 'normal', 'Solen skinner.\n')];
      await addArticles(queue, connection, articles, { engine: ENGINE, pipeline: PIPELINE, outDir: null });
      await waitFor(() => worker!.jobsDone === articles.length);
    } finally {
      await worker?.close();
      await close();
    }

    // Twice: the same names, and the same failure, every time.
    for (let round = 0; round < 2; round++) {
      const run = await runCli(['queue', 'results', '--redis', redis.url, '--queue', 'results-long', '--out-dir', outDir]);
      expect(run.code, run.stderr).toBe(8);
      const errors = run.stderr.split('\n').filter((line) => line.startsWith('da2en: '));
      expect(errors).toEqual([`da2en: /blocked.txt: cannot write ${path.join(outDir, 'blocked.da-en.html')}: it is a folder`]);
      expect(run.stderr).toMatch(/wrote 3 files into .* \(1 file could not be written, said above\)/);
      const names = readdirSync(outDir).sort();
      expect(names).toHaveLength(4);
      expect(names).toContain(`${stem}.da-en.html`);
      expect(names).toContain('normal.da-en.html');
      expect(statSync(path.join(outDir, 'blocked.da-en.html')).isDirectory()).toBe(true);
      const tagged = names.find((n) => /^s+\.[0-9a-f]{8}\.da-en\.html$/.test(n));
      expect(tagged, names.join(', ')).toBeDefined();
      expect(Buffer.byteLength(tagged!, 'utf8')).toBe(255);
      expect(readFileSync(path.join(outDir, 'normal.da-en.html'), 'utf8')).toContain('Solen skinner');
    }
  });
});
