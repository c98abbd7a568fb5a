/**
 * `queue results` run before the queue is drained: it writes what has finished and says how many
 * articles have not (and how many failed), instead of a bare "wrote 0 files" that read as if the
 * outputs were lost. No model runs: the articles wait, then a BullMQ worker of the test's own fails them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_QUEUE_NAME, openQueue } from '../../src/queue/index.js';
import { startTestRedis, type TestRedis } from '../../tools/redis-server.js';
import { runCli } from '../helpers/run-cli.js';

let redis: TestRedis;
let work: string;
beforeAll(async () => {
  redis = await startTestRedis();
  work = mkdtempSync(path.join(os.tmpdir(), 'da2en-results-unfinished-'));
}, 60_000);
afterAll(async () => {
  await redis?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
});

it('says how many articles are not finished yet and how many failed', async () => {
  const url = `${redis.url}/6`;
  const files = ['a', 'b', 'c'].map((n) => {
    const file = path.join(work, `${n}.txt`);
    writeFileSync(file, `Artikel ${n}.\n`);
    return file;
  });
  const added = await runCli(['queue', 'add', ...files, '--redis', url, '--out-store', 'redis', '--model', 'models/tiny']);
  expect(added.code).toBe(0);

  const waiting = await runCli(['queue', 'results', '--redis', url, '--out-dir', path.join(work, 'out')]);
  expect(waiting.code).toBe(0);
  expect(waiting.stderr).toBe(`wrote 0 files into ${path.join(work, 'out')} (3 articles not finished yet: run it again once "da2en queue status" shows them done)\n`);

  // A worker of the test's own fails the three for good (as a bad article fails); then one more is added.
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const worker = new Worker(
    DEFAULT_QUEUE_NAME,
    async () => {
      throw new UnrecoverableError('not a text file');
    },
    { connection },
  );
  const { queue, close } = openQueue(url);
  try {
    while ((await queue.getJobCounts('failed'))['failed'] !== 3) await new Promise((r) => setTimeout(r, 20));
  } finally {
    await worker.close();
    connection.disconnect();
    await close();
  }
  const file = path.join(work, 'd.txt');
  writeFileSync(file, 'Artikel d.\n');
  expect((await runCli(['queue', 'add', file, '--redis', url, '--out-store', 'redis', '--model', 'models/tiny'])).code).toBe(0);

  const after = await runCli(['queue', 'results', '--redis', url, '--out-dir', path.join(work, 'out')]);
  expect(after.code).toBe(0);
  expect(after.stderr).toBe(
    `wrote 0 files into ${path.join(work, 'out')} (1 article not finished yet: run it again once "da2en queue status" shows them done; 3 articles failed: see "da2en queue status")\n`,
  );
}, 60_000);
