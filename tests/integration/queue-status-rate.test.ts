/**
 * `queue status`'s throughput and ETA on a queue that stood idle: finished jobs stay in Redis, so a
 * batch added to a queue drained the day before must be timed on its own completions, not spread
 * over the night (that read "ETA 50m 5s" for seconds of work). The jobs are finished by a BullMQ
 * worker of the test's own; their start and finish times are then set where the scenario needs
 * them, as BullMQ keeps them (the completed set scored by finish, `processedOn` in each job).
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
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

const DAY_MS = 86_400_000;

/** Finishes the named jobs with a real worker, then sets each one's start and finish. */
async function finishJobs(url: string, times: { id: string; start: number; finish: number }[]): Promise<void> {
  const { queue, close } = openQueue(url);
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  try {
    const before = (await queue.getJobCounts('completed'))['completed'] ?? 0;
    for (const { id } of times) await queue.add(ARTICLE_JOB, { name: `${id}.da.txt` } as ArticleJobData, { jobId: id });
    const worker = new Worker(DEFAULT_QUEUE_NAME, async () => ({}), { connection });
    try {
      while ((await queue.getJobCounts('completed'))['completed'] !== before + times.length) await new Promise((r) => setTimeout(r, 20));
    } finally {
      await worker.close();
    }
    for (const { id, start, finish } of times) {
      await connection.zadd(queue.toKey('completed'), finish, id);
      await connection.hset(queue.toKey(id), 'processedOn', start, 'finishedOn', finish);
    }
  } finally {
    connection.disconnect();
    await close();
  }
}

async function addWaiting(url: string, ids: string[]): Promise<void> {
  const { queue, close } = openQueue(url);
  try {
    for (const id of ids) await queue.add(ARTICLE_JOB, { name: `${id}.da.txt` } as ArticleJobData, { jobId: id });
  } finally {
    await close();
  }
}

it('times a batch added to a queue drained long ago on its own completions (rate and ETA)', async () => {
  const url = `${redis.url}/4`;
  const now = Date.now();
  // Yesterday: 4 articles, 10 s each, one after another. Today: 4 more the same way, the last just finished.
  const yesterday = [0, 1, 2, 3].map((i) => ({ id: `old${i}`, start: now - DAY_MS + i * 10_000, finish: now - DAY_MS + (i + 1) * 10_000 }));
  const today = [0, 1, 2, 3].map((i) => ({ id: `new${i}`, start: now - 40_000 + i * 10_000, finish: now - 40_000 + (i + 1) * 10_000 }));
  await finishJobs(url, [...yesterday, ...today]);
  await addWaiting(url, ['w0', 'w1', 'w2', 'w3', 'w4', 'w5']);

  const json = await runCli(['queue', 'status', '--redis', url, '--json']);
  expect(json.code).toBe(0);
  const status = JSON.parse(json.stdout) as { perMinute: number; etaSeconds: number; completed: number; waiting: number };
  expect(status).toMatchObject({ completed: 8, waiting: 6 });
  // 4 articles in today's 40 s: 6 a minute, so the 6 waiting take a minute (was 0.005 a minute, ETA 20 hours).
  expect(status.perMinute).toBeCloseTo(6, 6);
  expect(status.etaSeconds).toBe(60);

  const text = await runCli(['queue', 'status', '--redis', url]);
  expect(text.code).toBe(0);
  expect(text.stdout).toContain('throughput 6.0 articles/min (latest completions), ETA 1m');
}, 60_000);

it('counts a pause of a few seconds between articles as work, and has no rate with one article since the queue stood idle', async () => {
  const url = `${redis.url}/5`;
  const now = Date.now();
  // Three articles of 10 s with 2 s between the first two (a worker's pickup, a slow Redis): one stretch of 32 s.
  await finishJobs(url, [
    { id: 'a', start: now - 32_000, finish: now - 22_000 },
    { id: 'b', start: now - 20_000, finish: now - 10_000 },
    { id: 'c', start: now - 10_000, finish: now },
  ]);
  const first = JSON.parse((await runCli(['queue', 'status', '--redis', url, '--json'])).stdout) as { perMinute: number };
  expect(first.perMinute).toBeCloseTo((3 / 32) * 60, 6);

  // An hour on, one more article finishes: one since the queue stood idle is no rate yet.
  await finishJobs(url, [{ id: 'd', start: now + 3_600_000, finish: now + 3_610_000 }]);
  const second = JSON.parse((await runCli(['queue', 'status', '--redis', url, '--json'])).stdout) as { perMinute: number | null; etaSeconds: number | null };
  expect(second.perMinute).toBeNull();
  expect(second.etaSeconds).toBe(0);
}, 60_000);
