/**
 * An article added again (edited, or with another model) is one article: its latest add's text is
 * the one in its files, whichever version finishes last (workers with --out-dir), and the one that
 * takes its names in `queue results` (--out-store redis).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addArticles, openQueue, startArticleWorker, writeResults, type ArticleToAdd, type ArticleWorker } from '../../src/queue/index.js';
import { latestJobsKey, type JobEngine, type JobPipeline } from '../../src/queue/job.js';
import type { Redis } from 'ioredis';
import { startTestRedis, type TestRedis } from '../../tools/redis-server.js';
import { FakeTranslator } from '../helpers/fake-translator.js';
import { startRedisProxy } from '../helpers/redis-proxy.js';

const ENGINE: JobEngine = { model: 'fake', dtype: 'none', beams: 1 };
const PIPELINE: JobPipeline = { encoding: 'utf8', maxChunkTokens: 256, packSentences: false, batchTokens: 4096, maxBatchSize: 32 };
const LONG = 'Den lange udgave af artiklen om havnen.\n\nDen har mange afsnit.\n';
const SHORT = 'Den korte udgave.\n';

function article(text: string, source = '/arkiv/art.txt'): ArticleToAdd {
  return { name: 'art.txt', source, bytes: Buffer.from(text), inputFormat: 'text', outputs: [{ format: 'en', file: 'art.en.txt' }] };
}

async function waitFor(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
}

describe('an article added again', () => {
  let redis: TestRedis;
  let work: string;
  beforeAll(async () => {
    redis = await startTestRedis();
    work = mkdtempSync(path.join(os.tmpdir(), 'da2en-queue-versions-'));
  });
  afterAll(async () => {
    await redis?.dispose();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('--out-dir: the older version finishing last leaves the newer one\'s text; undoing the edit writes the old text back', async () => {
    const outDir = path.join(work, 'out');
    const { queue, connection, close } = openQueue(redis.url, 'versions-dir');
    // The long version's model calls take a while, so the short one, added after it, finishes first.
    const translator = new FakeTranslator((texts) => (texts.some((t) => t.includes('lange')) ? 1500 : 0));
    let worker: ArticleWorker | undefined;
    const notes: string[] = [];
    try {
      const settings = { engine: ENGINE, pipeline: PIPELINE, outDir };
      await addArticles(queue, connection, [article(LONG)], settings);
      await addArticles(queue, connection, [article(SHORT)], settings);
      worker = await startArticleWorker({ redisUrl: redis.url, queueName: 'versions-dir', translator, engine: ENGINE, concurrency: 2, onJobDone: (job, r) => notes.push(...(r.superseded ?? []).map((f) => `${job.data.name}: ${f}`)) });
      await waitFor(() => worker!.jobsDone === 2);
      const file = path.join(outDir, 'art.en.txt');
      expect(readFileSync(file, 'utf8')).toContain('KORTE');
      expect(notes).toEqual([`art.txt: ${file}`]);
      // The edit undone: the long version's job is done, but its text is no longer in the file.
      const undo = await addArticles(queue, connection, [article(LONG)], settings);
      expect(undo).toMatchObject({ added: 1, rewritten: 1, existing: 0 });
      await waitFor(() => worker!.jobsDone === 3);
      expect(readFileSync(file, 'utf8')).toContain('LANGE');
    } finally {
      await worker?.close();
      await close();
    }
  });

  it('--out-dir: an edit undone while the old version\'s job is between holding its file back and its completion is written', async () => {
    const outDir = path.join(work, 'race');
    const { queue, connection, close } = openQueue(redis.url, 'versions-race');
    // The worker reaches Redis through the relay, which holds its commands after its look at the
    // latest-version record: its job is still active while this test adds the undo.
    const proxy = await startRedisProxy(redis.port);
    let worker: ArticleWorker | undefined;
    try {
      const settings = { engine: ENGINE, pipeline: PIPELINE, outDir };
      await addArticles(queue, connection, [article(LONG)], settings);
      await addArticles(queue, connection, [article(SHORT)], settings);
      const looked = proxy.holdAfter(/hget\r\n\$\d+\r\n[^\r]*:da2en-latest\r\n/i);
      worker = await startArticleWorker({ redisUrl: proxy.url(0), queueName: 'versions-race', translator: new FakeTranslator(), engine: ENGINE, concurrency: 1 });
      // The long version, first in the queue, found the short one the latest and held its file back.
      const held = await looked;
      const undo = await addArticles(queue, connection, [article(LONG)], settings);
      // Still active: not queued again, its worker is the one to write it.
      expect(undo).toMatchObject({ added: 0, existing: 1 });
      held.release();
      await waitFor(() => worker!.jobsDone === 2);
      expect(readFileSync(path.join(outDir, 'art.en.txt'), 'utf8')).toContain('LANGE');
    } finally {
      await worker?.close();
      await close();
      await proxy.close();
    }
  });

  it('--out-dir: an edit undone whose add reads the old version\'s job still active, which then completes, is written', async () => {
    const outDir = path.join(work, 'race-state');
    const { queue, connection, close } = openQueue(redis.url, 'versions-race-state');
    const proxy = await startRedisProxy(redis.port);
    // The undo's add reaches Redis through the relay too, to be held after it has read the job's state.
    const undoQueue = openQueue(proxy.url(0), 'versions-race-state');
    let worker: ArticleWorker | undefined;
    try {
      const settings = { engine: ENGINE, pipeline: PIPELINE, outDir };
      const [oldId] = (await addArticles(queue, connection, [article(LONG)], settings)).ids;
      await addArticles(queue, connection, [article(SHORT)], settings);
      const looked = proxy.holdAfter(/hget\r\n\$\d+\r\n[^\r]*:da2en-latest\r\n/i);
      worker = await startArticleWorker({ redisUrl: proxy.url(0), queueName: 'versions-race-state', translator: new FakeTranslator(), engine: ENGINE, concurrency: 1 });
      const workerHeld = await looked;
      // BullMQ reads a job's state with a script that names the job (sent whole the first time).
      const stateRead = proxy.holdAfter(new RegExp(`eval(?:sha)?\\r\\n[\\s\\S]*${oldId}`, 'i'));
      const undo = addArticles(undoQueue.queue, undoQueue.connection, [article(LONG)], settings);
      const addHeld = await stateRead;
      // The long version's job completes (and the short one's runs) before the add goes on.
      workerHeld.release();
      await waitFor(() => worker!.jobsDone === 2);
      addHeld.release();
      expect(await undo).toMatchObject({ added: 0, existing: 1 });
      expect(readFileSync(path.join(outDir, 'art.en.txt'), 'utf8')).toContain('LANGE');
    } finally {
      await worker?.close();
      await undoQueue.close();
      await close();
      await proxy.close();
    }
  });

  /** A queue kept in Redis (--out-store redis) with one worker; `add` adds an article and waits for the worker to finish it. */
  async function withStoredQueue(name: string, test: (q: { queue: ReturnType<typeof openQueue>['queue']; connection: Redis; add: (a: ArticleToAdd) => Promise<string | undefined> }) => Promise<void>): Promise<void> {
    const { queue, connection, close } = openQueue(redis.url, name);
    let worker: ArticleWorker | undefined;
    let added = 0;
    try {
      const settings = { engine: ENGINE, pipeline: PIPELINE, outDir: null };
      worker = await startArticleWorker({ redisUrl: redis.url, queueName: name, translator: new FakeTranslator(), engine: ENGINE });
      const add = async (a: ArticleToAdd) => {
        const [id] = (await addArticles(queue, connection, [a], settings)).ids;
        added++;
        await waitFor(() => worker!.jobsDone === added);
        return id;
      };
      await test({ queue, connection, add });
    } finally {
      await worker?.close();
      await close();
    }
  }

  it('--out-store redis: queue results writes the latest version under the plain name, the earlier one left out', async () => {
    const outDir = path.join(work, 'results');
    await withStoredQueue('versions-redis', async ({ queue, connection, add }) => {
      await add(article(LONG));
      await add(article(SHORT));
      const report = await writeResults(queue, connection, outDir);
      expect(report).toMatchObject({ renamed: [], superseded: 1, written: [path.join(outDir, 'art.en.txt')] });
      expect(readFileSync(path.join(outDir, 'art.en.txt'), 'utf8')).toContain('KORTE');
    });
  });

  it('--out-store redis: an edited article keeps its name, and the article that shares it keeps its tag', async () => {
    const outDir = path.join(work, 'results-shared');
    await withStoredQueue('versions-shared', async ({ queue, connection, add }) => {
      await add(article(LONG, '/arkiv/a/art.txt'));
      await add(article('Fra den anden mappe.\n', '/arkiv/b/art.txt'));
      const first = await writeResults(queue, connection, outDir);
      const [tagged] = first.renamed.map((r) => r.as);
      expect(tagged).toMatch(/^art\.[0-9a-f]{8}\.en\.txt$/);
      await add(article(SHORT, '/arkiv/a/art.txt'));
      const second = await writeResults(queue, connection, outDir);
      expect(second).toMatchObject({ superseded: 1, renamed: [{ as: tagged }] });
      expect(readFileSync(path.join(outDir, 'art.en.txt'), 'utf8')).toContain('KORTE');
      expect(readFileSync(path.join(outDir, tagged!), 'utf8')).toContain('ANDEN');
      expect(second.written.sort()).toEqual([path.join(outDir, 'art.en.txt'), path.join(outDir, tagged!)].sort());
    });
  });

  it('--out-store redis: a version added by an older da2en (no source) gives way to the one added since', async () => {
    const outDir = path.join(work, 'results-old');
    await withStoredQueue('versions-old', async ({ queue, connection, add }) => {
      const id = await add(article(LONG));
      // As an older da2en left it: no source, no record of the latest version.
      const old = (await queue.getJob(id!))!;
      const { source: _, ...data } = old.data;
      await old.updateData(data);
      await connection.del(latestJobsKey(queue));
      await add(article(SHORT));
      const report = await writeResults(queue, connection, outDir);
      expect(report).toMatchObject({ renamed: [], superseded: 1, written: [path.join(outDir, 'art.en.txt')] });
      expect(readFileSync(path.join(outDir, 'art.en.txt'), 'utf8')).toContain('KORTE');
    });
  });
});
