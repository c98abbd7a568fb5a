/**
 * The multi-worker scenarios of the queue tests (default suite, smaller) and the data suite (300
 * articles): N generated articles, 3 worker processes with the tiny builder model, and optionally a
 * fault part-way (a worker SIGKILLed, Redis restarted). Each returns what the test asserts on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openQueue } from '../../src/queue/index.js';
import type { ArticleJobResult } from '../../src/queue/job.js';
import { builtModel } from '../../tools/builder-models.js';
import { writeQueueArticles } from '../../tools/queue-articles.js';
import { outputsOf, spawnWorker, withoutProvenance, stopWorkers, waitForQueue, workerReady, type WorkerSummary } from '../../tools/queue-run.js';
import { startTestRedis, type TestRedis } from '../../tools/redis-server.js';
import { spawnCli, verboseCounts } from '../../tools/spawn-cli.js';

export interface QueueFixture {
  work: string;
  model: string;
  inDir: string;
  files: string[];
  redis: TestRedis;
  /** Reference: the same articles in one `da2en translate` process. */
  reference: Map<string, string>;
  referenceTranslated: number;
  dispose(): Promise<void>;
}

/** Stalled-job settings small enough for a test, large enough for a loaded 2-core machine. */
export const FAST_STALL = ['--lock-duration', '5000', '--stalled-interval', '1000', '--max-stalled', '3'];

export async function queueFixture(articles: number): Promise<QueueFixture> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'da2en-queue-'));
  const model = await builtModel('tiny');
  const inDir = path.join(work, 'in');
  const files = writeQueueArticles(inDir, articles);
  const redis = await startTestRedis();
  const refDir = path.join(work, 'ref');
  const ref = await spawnCli([...files, '--model', model, '--offline', '--dtype', 'fp32', '--no-cache', '--format', 'en,json', '--out-dir', refDir, '--verbose']).done;
  if (ref.code !== 0) throw new Error(`reference run failed: ${ref.stderr.slice(-800)}`);
  return {
    work,
    model,
    inDir,
    files,
    redis,
    reference: outputsOf(refDir),
    referenceTranslated: verboseCounts(ref.stderr).reduce((n, c) => n + c.translated, 0),
    async dispose() {
      await redis.dispose();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

export type Fault = 'kill-worker' | 'restart-redis';

export interface ScenarioResult {
  outputs: Map<string, string>;
  /** Temporary files of atomic writes cut short by a kill, left in the output folder. */
  leftovers: string[];
  completed: number;
  failed: number;
  /** Summaries of the workers that were stopped with SIGTERM (the killed one has none). */
  summaries: (WorkerSummary | null)[];
  exitCodes: (number | null)[];
  /** Each completed job's result, by job id. */
  results: Map<string, ArticleJobResult>;
  /** Jobs that lost their worker at least once (BullMQ's stalled counter). */
  stalledJobs: number;
  /** Jobs started more than once. */
  restartedJobs: number;
  killedPid: number | null;
  /** The workers' process ids, in the order of `summaries`. */
  workerPids: number[];
  /** Articles completed when each fault struck. */
  faultsAt: number[];
  ms: number;
}

/**
 * Queues the fixture's articles on a fresh queue and Redis database and runs 3 workers; fault i of
 * k strikes once (i+1)/(k+1) of the articles are done (a SIGKILL hits worker 0, which is waited for).
 */
export async function runScenario(f: QueueFixture, name: string, db: number, faults: Fault[], workers = 3): Promise<ScenarioResult> {
  const redis = `${f.redis.url}/${db}`;
  const out = path.join(f.work, `out-${name}`);
  const started = performance.now();
  const add = await spawnCli(['queue', 'add', f.inDir, '--redis', redis, '--queue', name, '--model', f.model, '--dtype', 'fp32', '--format', 'en,json', '--out-dir', out]).done;
  if (add.code !== 0) throw new Error(`queue add failed: ${add.stderr}`);
  const procs = Array.from({ length: workers }, () => spawnWorker({ redis, queue: name, model: f.model, extra: FAST_STALL }));
  let killedPid: number | null = null;
  const faultsAt: number[] = [];
  const total = f.files.length;
  // Generous: a loaded 2-core machine ran 60 articles through 3 workers in 214 s (load average 30).
  const patience = Math.max(300_000, total * 10_000);
  for (const [i, fault] of faults.entries()) {
    const at = await waitForQueue(redis, name, (s) => s.completed >= Math.floor(((i + 1) * total) / (faults.length + 1)), patience, procs);
    if (fault === 'kill-worker') {
      // The victim must be taking jobs when it dies (on a loaded machine it may still be loading).
      await workerReady(procs[0]!, 300_000);
      faultsAt.push((await waitForQueue(redis, name, () => true)).completed);
      killedPid = procs[0]!.child.pid!;
      procs[0]!.child.kill('SIGKILL');
    } else {
      faultsAt.push(at.completed);
      await f.redis.restart();
    }
  }
  await waitForQueue(redis, name, (s) => s.completed + s.failed >= total && s.active === 0, patience, procs);
  // A worker still loading its model on a loaded machine is waited for, so each stops with its summary.
  for (const w of procs) if (w.child.pid !== killedPid) await workerReady(w, 300_000);
  const ends = await stopWorkers(procs);
  const { queue, close } = openQueue(redis, name);
  const results = new Map<string, ArticleJobResult>();
  let stalledJobs = 0;
  let restartedJobs = 0;
  let completed = 0;
  let failed = 0;
  try {
    for (const state of ['completed', 'failed'] as const) {
      const jobs = await queue.getJobs([state], 0, -1, true);
      for (const job of jobs) {
        if (state === 'completed') {
          completed++;
          results.set(String(job.id), job.returnvalue);
        } else failed++;
        if (job.stalledCounter > 0) stalledJobs++;
        if (job.attemptsStarted > 1) restartedJobs++;
      }
    }
  } finally {
    await close();
  }
  const leftovers: string[] = [];
  return {
    outputs: outputsOf(out, leftovers),
    leftovers,
    completed,
    failed,
    summaries: ends.map((e) => e.summary),
    exitCodes: ends.map((e) => e.code),
    results,
    stalledJobs,
    restartedJobs,
    killedPid,
    workerPids: procs.map((w) => w.child.pid!),
    faultsAt,
    ms: Math.round(performance.now() - started),
  };
}

/**
 * The checks every scenario shares: all articles completed, none failed, exactly the reference's
 * files; each identical to the reference, except that an article resumed from the translation memory
 * (its job took segments from it) is compared without provenance (see withoutProvenance).
 * Returns the names compared that way.
 */
export function compareWithReference(r: ScenarioResult, f: QueueFixture): { resumed: string[]; mismatches: string[] } {
  const resumedNames = new Set<string>();
  for (const res of r.results.values()) if (res.stats.cachedChunks > 0) for (const w of res.written ?? []) resumedNames.add(path.basename(w));
  const mismatches: string[] = [];
  for (const [name, text] of f.reference) {
    const got = r.outputs.get(name);
    const same = resumedNames.has(name) && name.endsWith('.json') && got !== undefined ? withoutProvenance(got) === withoutProvenance(text) : got === text;
    if (!same) mismatches.push(name);
  }
  return { resumed: [...resumedNames].sort(), mismatches };
}

/**
 * Each surviving worker's own count of finished articles against the completions Redis recorded for
 * it. Without a Redis restart they are equal. A restart can swallow the reply to a completion that
 * Redis did record (BullMQ's moveToCompleted ran; its answer was lost with the connection), which the
 * worker then counts as an error: at most one per worker, since each takes one job at a time.
 */
export function survivorCounts(r: ScenarioResult): { pid: number; reported: number; recorded: number }[] {
  const recordedBy = (pid: number) => [...r.results.values()].filter((x) => x.worker.endsWith(`:${pid}`)).length;
  return r.workerPids.flatMap((pid, i) => (pid === r.killedPid ? [] : [{ pid, reported: r.summaries[i]!.done, recorded: recordedBy(pid) }]));
}
