/**
 * `queue status --watch --json`: the object `queue status --json` prints, one line each refresh, until
 * the queue is drained; a script reads standard output line by line. A BullMQ worker of the test's
 * own finishes the jobs (no model needed to move them along).
 */
import { PassThrough } from 'node:stream';
import { UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { ARTICLE_JOB, DEFAULT_QUEUE_NAME, openQueue, type ArticleJobData } from '../../src/queue/index.js';
import { startTestRedis, type TestRedis } from '../../tools/redis-server.js';
import { runCli } from '../helpers/run-cli.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
}, 60_000);
afterAll(async () => {
  await redis?.dispose();
});

it('prints the --json object on each refresh, one line each, until the queue is drained; nothing on stderr', async () => {
  const url = `${redis.url}/3`;
  const { queue, close } = openQueue(url);
  try {
    await queue.add(ARTICLE_JOB, { name: 'good.da.txt' } as ArticleJobData, { jobId: 'good' });
    await queue.add(ARTICLE_JOB, { name: 'bad.da.txt' } as ArticleJobData, { jobId: 'bad' });
  } finally {
    await close();
  }

  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  // Two refreshes while both jobs wait: then the worker starts.
  const twoLines = new Promise<void>((resolve) =>
    stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.split('\n').length > 2) resolve();
    }),
  );
  const watching = main(['queue', 'status', '--redis', url, '--watch', '--json', '--interval', '0.05'], {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
  });
  await twoLines;
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const worker = new Worker(
    DEFAULT_QUEUE_NAME,
    async (job) => {
      if (job.id === 'bad') throw new UnrecoverableError('bad.da.txt: not a text file');
      return {};
    },
    { connection },
  );
  try {
    expect(await watching).toBe(0);
  } finally {
    await worker.close();
    connection.disconnect();
  }

  expect(err).toBe('');
  expect(out.endsWith('\n')).toBe(true);
  const objects = out.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(objects.length).toBeGreaterThanOrEqual(3);
  expect(objects[0]).toMatchObject({ waiting: 2, completed: 0, failed: 0, total: 2, failedArticles: [] });
  const last = objects.at(-1)!;
  expect(last).toMatchObject({ waiting: 0, active: 0, completed: 1, failed: 1, delayed: 0, total: 2, etaSeconds: 0 });
  expect(last['failedArticles']).toEqual([{ id: 'bad', name: 'bad.da.txt', reason: 'bad.da.txt: not a text file', attempts: 1 }]);
  // The very object `queue status --json` prints, field for field.
  const once = await runCli(['queue', 'status', '--redis', url, '--json']);
  expect(once.code).toBe(0);
  for (const object of objects) expect(Object.keys(object)).toEqual(Object.keys(JSON.parse(once.stdout) as object));
  expect(last).toEqual(JSON.parse(once.stdout));
}, 60_000);
