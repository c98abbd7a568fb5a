/**
 * The queue commands one by one: idempotent `queue add`, bad articles failing alone with the CLI's
 * reasons, `queue status`, `queue results` for outputs kept in Redis, a worker's graceful SIGTERM,
 * and a job taken over from a SIGKILLed worker resuming from the shared translation memory.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { useQueueBed } from '../helpers/queue-bed.js';
import { startTestRedis } from '../../tools/redis-server.js';
import { openQueue } from '../../src/queue/index.js';
import { writeLongArticle, writeQueueArticles } from '../../tools/queue-articles.js';
import { spawnWorker, stopWorkers, waitForQueue, workerReady, workerSummary } from '../../tools/queue-run.js';
import { FAST_STALL } from '../helpers/queue-scenarios.js';
import { spawnCli, verboseCounts } from '../helpers/spawn-cli.js';

const bed = useQueueBed('da2en-queue-cmd-');
const { cli, engine } = bed;

describe('da2en queue add / status / results, and bad articles', () => {
  it('adds each article once, fails bad ones alone with the CLI\'s reasons (no retries), and writes results kept in Redis', async () => {
    const url = `${bed.redis.url}/1`;
    const dir = path.join(bed.work, 'mixed');
    const good = writeQueueArticles(dir, 4);
    // Named to sort first: bad articles must not hold up the ones behind them.
    const png = path.join(dir, 'a-image.da.txt');
    writeFileSync(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    const empty = path.join(dir, 'a-empty.da.txt');
    writeFileSync(empty, ' \n\n \n');
    // Damaged UTF-8 (a stray byte after a valid "ø"): not text in any encoding da2en would guess.
    // (A clean Windows-1252 file is read as such since the encoding detection.)
    const badUtf8 = path.join(dir, 'a-damaged-utf8.da.txt');
    writeFileSync(badUtf8, Buffer.concat([Buffer.from('Det er en god dag i København'), Buffer.from([0xff]), Buffer.from('.\n')]));

    const first = await cli(['queue', 'add', dir, '--redis', url, ...engine(), '--format', 'en,json', '--out-store', 'redis']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/^queued 7 articles on "da2en" at redis:\/\/127\.0\.0\.1:\d+\/1\n$/);
    // Again, and with one file named directly: nothing new.
    const again = await cli(['queue', 'add', dir, good[0]!, '--redis', url, ...engine(), '--format', 'en,json', '--out-store', 'redis']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/queued 0 articles .*\(7 already queued with the same content, model and options\)/);
    // Other decoding options are other jobs.
    const beams = await cli(['queue', 'add', good[0]!, '--redis', url, ...engine(), '--beams', '2', '--out-store', 'redis', '--queue', 'other']);
    expect(beams.stderr).toMatch(/^queued 1 article on "other"/);

    const worker = spawnWorker({ redis: url, queue: 'da2en', model: bed.model, extra: FAST_STALL });
    await workerReady(worker);
    const status = await waitForQueue(url, 'da2en', (s) => s.completed + s.failed === 7 && s.active === 0, 600_000, [worker]);
    const [end] = await stopWorkers([worker]);
    expect(end!.code).toBe(0);
    expect(status).toMatchObject({ completed: 4, failed: 3, waiting: 0, delayed: 0 });
    expect(end!.summary).toMatchObject({ done: 4, failed: 3 });

    // Each failure reason is exactly the line `da2en translate` prints for that file, and it was tried once.
    const { queue, close } = openQueue(url);
    const reasons = new Map<string, string>();
    try {
      const failed = await queue.getJobs(['failed']);
      expect(failed).toHaveLength(3);
      for (const job of failed) reasons.set(job.data.name, job.failedReason);
      const direct = await Promise.all(failed.map((job) => cli([job.data.name, ...engine(), '--offline', '-o', path.join(bed.work, `${job.id}.txt`)])));
      failed.forEach((job, i) => {
        expect(direct[i]!.code).toBe(3);
        expect(`da2en: ${job.failedReason}\n`).toBe(direct[i]!.stderr);
        expect(job.attemptsMade).toBe(1);
      });
    } finally {
      await close();
    }

    const shown = await cli(['queue', 'status', '--redis', url]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('waiting 0, active 0, completed 4, failed 3 (total 7)');
    expect(shown.stdout).toMatch(/throughput [\d.]+ articles\/min/);
    expect(shown.stdout).toContain(`${png}: ${png} looks like a PNG image, not a text file`);
    const json = JSON.parse((await cli(['queue', 'status', '--redis', url, '--json'])).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ waiting: 0, active: 0, completed: 4, failed: 3, delayed: 0, total: 7, etaSeconds: 0 });
    // The fields scripts already read stay as they were; the ETA and the failed articles come after.
    expect(Object.keys(json)).toEqual(['waiting', 'active', 'completed', 'failed', 'delayed', 'total', 'perMinute', 'lastMinutes', 'etaSeconds', 'failedArticles']);
    expect(json['perMinute']).toEqual(expect.any(Number));
    const failedArticles = json['failedArticles'] as { id: string; name: string; reason: string; attempts: number }[];
    expect(failedArticles.map((f) => f.name).sort()).toEqual([badUtf8, empty, png].sort());
    for (const f of failedArticles) expect(f).toEqual({ id: expect.any(String), name: f.name, reason: reasons.get(f.name), attempts: 1 });

    const watched = await cli(['queue', 'status', '--watch', '--redis', url]);
    expect(watched.code).toBe(0);
    expect(watched.stderr).toMatch(/7\/7 done \| 3 failed/);

    // The outputs kept in Redis, written out: the same files `da2en translate` writes.
    const out = path.join(bed.work, 'results');
    const results = await cli(['queue', 'results', '--redis', url, '--out-dir', out]);
    expect(results.code, results.stderr).toBe(0);
    expect(results.stderr).toContain('wrote 8 files into');
    const ref = path.join(bed.work, 'ref-mixed');
    expect((await cli([...good, ...engine(), '--offline', '--no-cache', '--format', 'en', '--out-dir', ref])).code).toBe(0);
    for (const file of good) {
      const name = path.basename(file).replace('.da.txt', '.en.txt');
      expect(readFileSync(path.join(out, name), 'utf8')).toBe(readFileSync(path.join(ref, name), 'utf8'));
    }
  }, 900_000);

  it('Ctrl-C between slices of a large add: what was queued stays, exit 130, and the same command adds the rest', async () => {
    const url = `${bed.redis.url}/6`;
    const dir = path.join(bed.work, 'many');
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 200; i++) writeFileSync(path.join(dir, `a${String(i).padStart(3, '0')}.txt`), `Artikel nummer ${i} handler om vejret.\n`);
    // The 201st article: a FIFO, so the add waits on it in its second slice until the test feeds it.
    const slow = path.join(bed.work, 'slow.txt');
    execFileSync('mkfifo', [slow]);
    const args = ['queue', 'add', dir, slow, '--redis', url, ...engine(), '--out-store', 'redis'];
    const run = spawnCli(args);
    await waitForQueue(url, 'da2en', (s) => s.total === 200, 120_000);
    run.child.kill('SIGINT');
    writeFileSync(slow, 'Det regner i dag.\n');
    const end = await run.done;
    expect(end.code, end.stderr).toBe(130);
    expect(end.stderr).toBe('da2en: interrupted; 200 articles were queued before the stop; the same command queues the rest\n');
    expect((await waitForQueue(url, 'da2en', () => true)).total).toBe(200);
  }, 300_000);

  it('says what is wrong in one line: no output choice, two output choices, an unreachable Redis, a missing file, a URL', async () => {
    const file = writeQueueArticles(path.join(bed.work, 'one'), 1)[0]!;
    const [noOut, bothOut, down, missing, url] = await Promise.all([
      cli(['queue', 'add', file, '--redis', bed.redis.url]),
      cli(['queue', 'add', file, '--redis', bed.redis.url, '--out-dir', path.join(bed.work, 'out-both'), '--out-store', 'redis']),
      cli(['queue', 'add', file, '--redis', 'redis://127.0.0.1:1', '--out-store', 'redis']),
      cli(['queue', 'add', path.join(bed.work, 'nope.txt'), '--redis', bed.redis.url, '--out-store', 'redis']),
      cli(['queue', 'add', file, 'https://example.dk/indland/artikel', '--redis', bed.redis.url, '--out-store', 'redis']),
    ]);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/^da2en: say where the outputs go: --out-dir DIR .* or --out-store redis/);
    // Was "say where the outputs go", as if neither had been given.
    expect(bothOut.code).toBe(2);
    expect(bothOut.stderr).toBe('da2en: give one place for the outputs, not both: --out-dir DIR (written by the workers) or --out-store redis (then "da2en queue results")\n');
    expect(down.code).toBe(6);
    expect(down.stderr).toMatch(/^da2en: cannot reach the queue's Redis at redis:\/\/127\.0\.0\.1:1: .*\n$/);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toBe(`da2en: cannot read ${path.join(bed.work, 'nope.txt')}: no such file\n`);
    // Was: "cannot read https://…: no such file", exit 3.
    expect(url.code).toBe(2);
    expect(url.stderr).toBe('da2en: https://example.dk/indland/artikel: a URL cannot be queued (its bytes travel in the job); save the page and queue the file\n');
  }, 900_000);
});

describe('da2en worker: stopping and dying', () => {
  // Long enough that a worker is caught mid-article: many small model batches.
  const longArticle = () => {
    const file = path.join(bed.work, 'long', 'lang.da.txt');
    writeLongArticle(file, 400);
    return file;
  };

  it('SIGTERM finishes the article in progress, then exits 0', async () => {
    const url = `${bed.redis.url}/2`;
    const file = longArticle();
    const out = path.join(bed.work, 'out-term');
    expect((await cli(['queue', 'add', file, '--redis', url, ...engine(), '--max-batch-size', '4', '--format', 'en', '--out-dir', out])).code).toBe(0);
    const worker = spawnWorker({ redis: url, queue: 'da2en', model: bed.model, extra: [...FAST_STALL, '--memory', 'none', '--grace', '300'] });
    await workerReady(worker);
    await waitForQueue(url, 'da2en', (s) => s.active === 1, 600_000, [worker]);
    worker.child.kill('SIGTERM');
    const end = await worker.done;
    expect(end.code).toBe(0);
    expect(end.stderr).toContain('stopping: finishing the article in progress');
    expect(workerSummary(end.stderr)).toMatchObject({ done: 1, failed: 0 });
    const s = await waitForQueue(url, 'da2en', () => true);
    expect(s).toMatchObject({ completed: 1, active: 0, waiting: 0 });
    expect(readFileSync(path.join(out, 'lang.en.txt'), 'utf8').length).toBeGreaterThan(1000);
  }, 900_000);

  it('Redis dying during the SIGTERM grace period does not hang the worker: it stops once the grace and the hand-back wait are over', async () => {
    // Its own Redis, to stop under the worker.
    const own = await startTestRedis();
    try {
      const url = `${own.url}/1`;
      const file = longArticle();
      expect((await cli(['queue', 'add', file, '--redis', url, ...engine(), '--max-batch-size', '4', '--format', 'en', '--out-store', 'redis'])).code).toBe(0);
      const worker = spawnWorker({ redis: url, queue: 'da2en', model: bed.model, extra: [...FAST_STALL, '--memory', 'none', '--grace', '1'] });
      await workerReady(worker);
      await waitForQueue(url, 'da2en', (s) => s.active === 1, 600_000, [worker]);
      worker.child.kill('SIGTERM');
      await own.stop();
      // Before the fix the graceful close waited for a Redis that never came back: still alive here.
      const end = await Promise.race([worker.done, new Promise<null>((r) => setTimeout(() => r(null), 90_000))]);
      if (end === null) worker.child.kill('SIGKILL');
      expect(end, worker.stderr().slice(-600)).not.toBeNull();
      expect(end!.code, end!.stderr.slice(-600)).toBe(0);
      expect(end!.stderr).toContain('stopping: finishing the article in progress');
      expect(workerSummary(end!.stderr)).toMatchObject({ done: 0 });
    } finally {
      await own.dispose();
    }
  }, 900_000);

  it('SIGTERM with no grace left hands the article back untouched; the next worker resumes from the shared memory', async () => {
    const url = `${bed.redis.url}/3`;
    const file = longArticle();
    expect((await cli(['queue', 'add', file, '--redis', url, ...engine(), '--max-batch-size', '4', '--format', 'en', '--out-store', 'redis'])).code).toBe(0);
    const first = spawnWorker({ redis: url, queue: 'da2en', model: bed.model, extra: [...FAST_STALL, '--grace', '0'] });
    await workerReady(first);
    const memory = new Redis(url);
    try {
      while ((await memory.hlen('da2en:tm:segments-v1')) < 20) await new Promise((r) => setTimeout(r, 20));
      first.child.kill('SIGTERM');
      const end = await first.done;
      expect(end.code).toBe(0);
      expect(workerSummary(end.stderr)).toMatchObject({ done: 0, failed: 0 });
      const stored = await memory.hlen('da2en:tm:segments-v1');
      const back = await waitForQueue(url, 'da2en', () => true);
      expect(back).toMatchObject({ waiting: 1, active: 0, completed: 0, failed: 0 });

      const second = spawnWorker({ redis: url, queue: 'da2en', model: bed.model, extra: FAST_STALL });
      await workerReady(second);
      await waitForQueue(url, 'da2en', (s) => s.completed === 1, 600_000, [second]);
      const [done] = await stopWorkers([second]);
      const [counts] = verboseCounts(done!.stderr);
      expect(counts!.cached).toBeGreaterThanOrEqual(stored);
      expect(counts!.translated).toBeGreaterThan(0);
    } finally {
      memory.disconnect();
    }
  }, 900_000);

  it('a SIGKILLed worker\'s article is taken over after the stalled check, and its finished segments are not translated again', async () => {
    const url = `${bed.redis.url}/4`;
    const file = longArticle();
    expect((await cli(['queue', 'add', file, '--redis', url, ...engine(), '--max-batch-size', '4', '--format', 'en', '--out-store', 'redis'])).code).toBe(0);
    const victim = spawnWorker({ redis: url, queue: 'da2en', model: bed.model, extra: FAST_STALL });
    await workerReady(victim);
    const memory = new Redis(url);
    try {
      while ((await memory.hlen('da2en:tm:segments-v1')) < 20) await new Promise((r) => setTimeout(r, 20));
      victim.child.kill('SIGKILL');
      await victim.done;
      const stored = await memory.hlen('da2en:tm:segments-v1');
      const killedAt = Date.now();
      const rescuer = spawnWorker({ redis: url, queue: 'da2en', model: bed.model, extra: FAST_STALL });
      await workerReady(rescuer);
      await waitForQueue(url, 'da2en', (s) => s.completed === 1, 600_000, [rescuer]);
      const [end] = await stopWorkers([rescuer]);
      const [counts] = verboseCounts(end!.stderr);
      // Everything the dead worker stored came from the memory; the model did only the rest.
      expect(counts!.cached).toBeGreaterThanOrEqual(stored);
      const { queue, close } = openQueue(url);
      try {
        const [job] = await queue.getJobs(['completed']);
        expect(job!.stalledCounter).toBe(1);
        expect(counts!.translated + counts!.cached).toBe(job!.returnvalue.stats.chunks - job!.returnvalue.stats.passthroughChunks);
      } finally {
        await close();
      }
      process.stderr.write(`[queue] SIGKILL mid-article: ${stored} segments stored before the kill, taken over ${((Date.now() - killedAt) / 1000).toFixed(1)} s later; the second worker translated ${counts!.translated} and took ${counts!.cached} from the memory\n`);
    } finally {
      memory.disconnect();
    }
  }, 900_000);
});
