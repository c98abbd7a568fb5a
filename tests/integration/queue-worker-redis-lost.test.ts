/**
 * A worker stopped (SIGTERM) just as Redis goes away, in the state a dying Redis leaves a busy
 * machine in: the blocking connection has seen its end and waits to reconnect, the main connection
 * has not yet (open, unanswered). BullMQ's graceful close then waits for ever for the blocking
 * connection's 'end', which ioredis never emits for a connection that is waiting to reconnect, and
 * its timers keep the process alive: a clean-clone CI run hung here for its whole 900 s.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useQueueBed } from '../helpers/queue-bed.js';
import { startRedisProxy, type RedisProxy } from '../helpers/redis-proxy.js';
import { startTestRedis, type TestRedis } from '../../tools/redis-server.js';
import { writeLongArticle } from '../../tools/queue-articles.js';
import { spawnWorker, stopWorkers, waitForQueue, workerReady, workerSummary } from '../../tools/queue-run.js';
import type { SpawnedCli } from '../../tools/spawn-cli.js';
import { FAST_STALL } from '../helpers/queue-scenarios.js';

const bed = useQueueBed('da2en-queue-lost-');
const { cli, engine } = bed;

/** The worker's end, or null (and the worker killed) if it is still running after `ms`. */
async function endWithin(worker: SpawnedCli, ms: number) {
  const end = await Promise.race([worker.done, new Promise<null>((r) => setTimeout(() => r(null), ms))]);
  if (end === null) worker.child.kill('SIGKILL');
  return end;
}

async function untilBlockingSeen(seen: () => boolean, worker: SpawnedCli): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!seen()) {
    if (Date.now() > deadline) throw new Error(`the worker never waited in BZPOPMIN: ${worker.stderr().slice(-400)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A Redis of its own, a relay in front of it, and a worker through the relay that has waited in
 * BZPOPMIN; everything is stopped after `body`.
 */
async function withWorkerBehindRelay(grace: string, body: (s: { own: TestRedis; proxy: RedisProxy; worker: SpawnedCli }) => Promise<void>): Promise<void> {
  const own = await startTestRedis();
  const proxy = await startRedisProxy(own.port);
  try {
    const worker = spawnWorker({ redis: proxy.url(1), queue: 'da2en', model: bed.model, extra: [...FAST_STALL, '--memory', 'none', '--grace', grace] });
    await workerReady(worker);
    await untilBlockingSeen(proxy.blockingSeen, worker);
    await body({ own, proxy, worker });
  } finally {
    await proxy.close();
    await own.dispose();
  }
}

/** Redis lost unevenly, then SIGTERM: the worker must end, with exit 0, within 90 s (it hung for ever). */
async function loseRedisThenStop(proxy: RedisProxy, worker: SpawnedCli) {
  proxy.cutBlockingAndFreeze();
  // Long enough for the blocking connection to see its end and wait to reconnect.
  await new Promise((r) => setTimeout(r, 500));
  worker.child.kill('SIGTERM');
  const end = await endWithin(worker, 90_000);
  expect(end, worker.stderr().slice(-600)).not.toBeNull();
  expect(end!.code, end!.stderr.slice(-600)).toBe(0);
  return end!;
}

describe('da2en worker: SIGTERM as Redis goes away', () => {
  it('an idle worker stops at once, not after its grace period: it has nothing to finish', async () => {
    // A grace period far longer than the wait below: a close that waited for it would fail the test.
    await withWorkerBehindRelay('600', async ({ proxy, worker }) => {
      const end = await loseRedisThenStop(proxy, worker);
      expect(workerSummary(end.stderr)).toMatchObject({ done: 0, failed: 0 });
    });
  }, 300_000);

  it('a busy worker stops once its grace and the hand-back wait are over, and its article is done once, by another worker', async () => {
    await withWorkerBehindRelay('1', async ({ own, proxy, worker }) => {
      const file = path.join(bed.work, 'long', 'lang.da.txt');
      writeLongArticle(file, 400);
      expect((await cli(['queue', 'add', file, '--redis', `${own.url}/1`, ...engine(), '--max-batch-size', '4', '--format', 'en', '--out-store', 'redis'])).code).toBe(0);
      await waitForQueue(`${own.url}/1`, 'da2en', (s) => s.active === 1, 600_000, [worker]);
      // Grace 1 s, then 5 s for Redis to take the article back: far less than the bound.
      const end = await loseRedisThenStop(proxy, worker);
      expect(end.stderr).toContain('stopping: finishing the article in progress');

      // Its lock expires (5 s here), the stalled check puts it back, and another worker does it.
      const rescuer = spawnWorker({ redis: `${own.url}/1`, queue: 'da2en', model: bed.model, extra: [...FAST_STALL, '--memory', 'none'] });
      await workerReady(rescuer);
      const done = await waitForQueue(`${own.url}/1`, 'da2en', (s) => s.completed === 1 && s.active === 0, 600_000, [rescuer]);
      expect(done).toMatchObject({ completed: 1, failed: 0, waiting: 0 });
      const [rescued] = await stopWorkers([rescuer]);
      expect(workerSummary(rescued!.stderr)).toMatchObject({ done: 1, failed: 0 });
    });
  }, 900_000);
});
