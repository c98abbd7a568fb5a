/**
 * Queue throughput: `npm run bench:queue -- [--articles 300] [--rounds 3] [--workers 1,2,3] [--preset tiny|echo-opus-da-en]`.
 *
 * A private redis-server; for each round and each worker count (interleaved: 1, 2, 3, 1, 2, 3, …),
 * that many `da2en worker` processes are started and their models loaded, then the articles are
 * queued and the time until the last one completes is taken. Each run starts from an empty Redis
 * (queue and shared translation memory), so every article is translated by the model. Reports the
 * median articles/s per worker count and the load average around each run.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { Redis } from 'ioredis';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { addArticles, openQueue } from '../src/queue/index.js';
import { builtModel } from '../tools/builder-models.js';
import { writeQueueArticles } from '../tools/queue-articles.js';
import { spawnWorker, stopWorkers, waitForQueue, workerReady } from '../tools/queue-run.js';
import { startTestRedis } from '../tools/redis-server.js';

const argv = yargs(hideBin(process.argv))
  .option('articles', { type: 'number', default: 300 })
  .option('rounds', { type: 'number', default: 3 })
  .option('workers', { type: 'string', default: '1,2,3' })
  .option('preset', { type: 'string', choices: ['tiny', 'echo-opus-da-en'] as const, default: 'tiny' as const })
  .strict()
  .parseSync();

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const model = await builtModel(argv.preset as 'tiny' | 'echo-opus-da-en');
const work = mkdtempSync(path.join(os.tmpdir(), 'da2en-bench-queue-'));
const files = writeQueueArticles(path.join(work, 'in'), argv.articles);
const redis = await startTestRedis();
const counts = argv.workers.split(',').map(Number);
const runs: { workers: number; seconds: number; perSecond: number; load: string }[] = [];
try {
  for (let round = 0; round < argv.rounds; round++) {
    for (const n of counts) {
      const flush = new Redis(redis.url);
      await flush.flushall();
      flush.disconnect();
      const queueName = `bench${round}-${n}`;
      const workers = Array.from({ length: n }, () => spawnWorker({ redis: redis.url, queue: queueName, model, dtype: 'q8' }));
      await Promise.all(workers.map((w) => workerReady(w, 180_000)));
      const before = loadavg();
      const { queue, connection, close } = openQueue(redis.url, queueName);
      const started = performance.now();
      await addArticles(
        queue,
        connection,
        files.map((f) => ({ name: f, bytes: readFileSync(f), inputFormat: 'text' as const, outputs: [{ format: 'json', file: `${path.basename(f)}.json` }] })),
        {
          engine: { model, dtype: 'q8', beams: 1 },
          pipeline: { encoding: 'auto', maxChunkTokens: 256, packSentences: false, batchTokens: 4096, maxBatchSize: 32 },
          outDir: null,
        },
      );
      await close();
      await waitForQueue(redis.url, queueName, (s) => s.completed + s.failed >= files.length, 1_800_000, workers);
      const seconds = (performance.now() - started) / 1000;
      await stopWorkers(workers);
      const load = `${before} → ${loadavg()}`;
      runs.push({ workers: n, seconds, perSecond: files.length / seconds, load });
      process.stderr.write(`round ${round + 1}, ${n} worker(s): ${files.length} articles in ${seconds.toFixed(1)} s = ${(files.length / seconds).toFixed(1)} articles/s (load ${load})\n`);
    }
  }
  process.stdout.write(`\n${argv.articles} articles, ${argv.preset} model (q8), redis ${redis.version}, ${os.availableParallelism()} cores\n`);
  process.stdout.write('| workers | median articles/s | runs (articles/s) | load average before → after |\n| --- | --- | --- | --- |\n');
  for (const n of counts) {
    const mine = runs.filter((r) => r.workers === n);
    process.stdout.write(`| ${n} | ${median(mine.map((r) => r.perSecond)).toFixed(1)} | ${mine.map((r) => r.perSecond.toFixed(1)).join(', ')} | ${mine.map((r) => r.load).join('; ')} |\n`);
  }
} finally {
  await redis.dispose();
  rmSync(work, { recursive: true, force: true });
}
