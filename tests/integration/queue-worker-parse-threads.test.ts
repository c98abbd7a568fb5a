/**
 * A queue worker parses Markdown in worker threads it keeps for its lifetime (one per article in
 * progress), not one started per job (~0.1 s each); a job stopped mid-parse still ends its parse.
 */
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Da2enError } from '../../src/errors.js';
import { ParseThread } from '../../src/io/parse-thread.js';
import { addArticles, openQueue, processArticle, startArticleWorker, type ArticleToAdd } from '../../src/queue/index.js';
import type { ArticleJobData, JobEngine, JobPipeline } from '../../src/queue/job.js';
import { startTestRedis, type TestRedis } from '../../tools/redis-server.js';
import { FakeTranslator } from '../helpers/fake-translator.js';

const ENGINE: JobEngine = { model: 'fake', dtype: 'none', beams: 1 };
const PIPELINE: JobPipeline = { encoding: 'utf8', maxChunkTokens: 256, packSentences: false, batchTokens: 4096, maxBatchSize: 32 };

/**
 * The id the next worker thread gets: Node numbers threads in the order they start, so the
 * difference between two of these, less the probe's own, is how many threads started in between.
 */
async function nextThreadId(): Promise<number> {
  const probe = new Worker('', { eval: true });
  const id = probe.threadId;
  await probe.terminate();
  return id;
}

function markdown(i: number): ArticleToAdd {
  return { name: `n${i}.md`, bytes: Buffer.from(`# Nyhed ${i}\n\nDet regner i **Aarhus** i dag, nummer ${i}.\n`), inputFormat: 'md', outputs: [{ format: 'en', file: `n${i}.en.txt` }] };
}

async function waitFor(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
}

describe('a queue worker\'s parse threads', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(() => redis?.dispose());

  it('several Markdown jobs are parsed in the one thread the worker keeps', async () => {
    const { queue, connection, close } = openQueue(redis.url, 'parse-threads');
    const worker = await startArticleWorker({ redisUrl: redis.url, queueName: 'parse-threads', translator: new FakeTranslator(), engine: ENGINE });
    try {
      await addArticles(queue, connection, [markdown(1)], { engine: ENGINE, pipeline: PIPELINE, outDir: null });
      await waitFor(() => worker.jobsDone === 1);
      const afterFirst = await nextThreadId();
      await addArticles(queue, connection, [markdown(2), markdown(3), markdown(4)], { engine: ENGINE, pipeline: PIPELINE, outDir: null });
      await waitFor(() => worker.jobsDone + worker.jobsFailed === 4);
      expect(worker.jobsFailed).toBe(0);
      // Only the probe itself started since the first job: the three jobs used the first job's thread.
      expect((await nextThreadId()) - afterFirst).toBe(1);
    } finally {
      await worker.close();
      await close();
    }
  });

  it('a job stopped mid-parse ends its parse; the next job on the same parser gets a fresh thread', async () => {
    const parser = new ParseThread();
    try {
      const data = (text: string): ArticleJobData => ({
        name: 'x.md',
        bytes: Buffer.from(text).toString('base64'),
        inputFormat: 'md',
        engine: ENGINE,
        pipeline: PIPELINE,
        outputs: [{ format: 'en', file: 'x.en.txt' }],
        outDir: null,
      });
      const stop = new AbortController();
      const reason = new Da2enError('interrupted', 'worker stopping');
      // Minutes of micromark's time: only ending its thread ends it.
      const hostile = processArticle(data(`${'*_'.repeat(60_000)}\n`), { translator: new FakeTranslator(), signal: stop.signal, parser });
      setTimeout(() => stop.abort(reason), 500);
      await expect(hostile).rejects.toBe(reason);
      const next = await processArticle(data('# Vejret\n\nDet regner.\n'), { translator: new FakeTranslator(), parser });
      expect(next.files?.[0]?.content).toContain('EN(DET REGNER.)');
    } finally {
      await parser.close();
    }
  });
});
