/** What `queue add`, `queue status` and `queue results` do, over a BullMQ queue. */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { writeFileAtomically } from '../io/sinks.js';
import { ARTICLE_JOB, articleJobId, type ArticleJobData, type ArticleJobResult, type JobEngine, type JobOutput, type JobPipeline } from './job.js';
import { safeJoin } from './process-article.js';

export type ArticleQueue = Queue<ArticleJobData, ArticleJobResult>;

export interface ArticleToAdd {
  name: string;
  bytes: Uint8Array;
  outputs: JobOutput[];
}

export interface AddSettings {
  engine: JobEngine;
  pipeline: JobPipeline;
  /** Absolute output folder for the workers, or null to keep outputs in Redis. */
  outDir: string | null;
  /** Tries per job before it fails for good (default 3). */
  attempts?: number;
}

export interface AddReport {
  added: number;
  /** Already in the queue (waiting, running, done or failed): same content, model and options. */
  existing: number;
  ids: string[];
}

export const DEFAULT_ATTEMPTS = 3;

/** Adds one job per article; an article already queued with the same id is left as it is. */
export async function addArticles(queue: ArticleQueue, articles: readonly ArticleToAdd[], settings: AddSettings): Promise<AddReport> {
  const jobs = articles.map((a) => ({
    id: articleJobId(a.bytes, settings.engine, settings.pipeline),
    data: {
      name: a.name,
      bytes: Buffer.from(a.bytes).toString('base64'),
      engine: settings.engine,
      pipeline: settings.pipeline,
      outputs: a.outputs,
      outDir: settings.outDir,
    } satisfies ArticleJobData,
  }));
  const states = await Promise.all(jobs.map((j) => queue.getJobState(j.id)));
  const fresh = jobs.filter((j, i) => states[i] === 'unknown');
  // The same article twice in one call is one job.
  const unique = [...new Map(fresh.map((j) => [j.id, j])).values()];
  if (unique.length > 0) {
    await queue.addBulk(
      unique.map((j) => ({
        name: ARTICLE_JOB,
        data: j.data,
        opts: {
          jobId: j.id,
          attempts: settings.attempts ?? DEFAULT_ATTEMPTS,
          backoff: { type: 'exponential', delay: 2000 },
          // Kept: a finished job is what makes adding the article again a no-op, and holds the
          // output for `queue results` when it is kept in Redis.
          removeOnComplete: false,
          removeOnFail: false,
        },
      })),
    );
  }
  return { added: unique.length, existing: jobs.length - unique.length, ids: jobs.map((j) => j.id) };
}

export interface QueueCounts {
  waiting: number;
  active: number;
  completed: number;
  failed: number;
  /** Waiting to be retried after a failed attempt. */
  delayed: number;
}

export interface QueueStatus extends QueueCounts {
  total: number;
  /** Articles per minute over the most recent completions (up to 200), or null with fewer than 2. */
  perMinute: number | null;
  /** Completions in each of the last minutes, newest first (BullMQ's metrics, kept by the workers). */
  lastMinutes: number[];
}

export async function queueStatus(queue: ArticleQueue, client: Redis): Promise<QueueStatus> {
  const raw = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized', 'waiting-children');
  const counts: QueueCounts = {
    waiting: (raw['waiting'] ?? 0) + (raw['prioritized'] ?? 0) + (raw['waiting-children'] ?? 0),
    active: raw['active'] ?? 0,
    completed: raw['completed'] ?? 0,
    failed: raw['failed'] ?? 0,
    delayed: raw['delayed'] ?? 0,
  };
  // The completed set is scored by finish time: the rate over the latest completions is cheap and
  // exact, however long ago the queue started.
  const recent = await client.zrevrange(queue.toKey('completed'), 0, 199, 'WITHSCORES');
  const times = recent.filter((_, i) => i % 2 === 1).map(Number);
  const span = times.length >= 2 ? times[0]! - times[times.length - 1]! : 0;
  const perMinute = span > 0 ? ((times.length - 1) / span) * 60_000 : null;
  const metrics = await queue.getMetrics('completed', 0, 9).catch(() => ({ data: [] as number[] }));
  return {
    ...counts,
    total: counts.waiting + counts.active + counts.completed + counts.failed + counts.delayed,
    perMinute,
    lastMinutes: metrics.data.map(Number),
  };
}

export interface FailedJob {
  id: string;
  name: string;
  reason: string;
  attempts: number;
}

/** The failed jobs with their one-line reasons (first `limit`). */
export async function failedJobs(queue: ArticleQueue, limit = 20): Promise<FailedJob[]> {
  const jobs = await queue.getJobs(['failed'], 0, limit - 1, true);
  return jobs.filter(Boolean).map((j) => ({ id: String(j.id), name: j.data?.name ?? '?', reason: j.failedReason ?? '', attempts: j.attemptsMade }));
}

export interface ResultsReport {
  written: string[];
  /** Completed jobs whose outputs went to a folder by the worker (nothing kept in Redis). */
  onDisk: number;
}

/** Writes the outputs kept in Redis into `outDir`, each file atomically. */
export async function writeResults(queue: ArticleQueue, outDir: string, onFile?: (path: string) => void): Promise<ResultsReport> {
  const report: ResultsReport = { written: [], onDisk: 0 };
  const page = 100;
  for (let start = 0; ; start += page) {
    const jobs = await queue.getJobs(['completed'], start, start + page - 1, true);
    if (jobs.length === 0) break;
    for (const job of jobs) {
      const files = job?.returnvalue?.files;
      if (!files) {
        if (job) report.onDisk++;
        continue;
      }
      for (const f of files) {
        const target = safeJoin(outDir, f.file);
        await writeFileAtomically(target, f.content);
        report.written.push(target);
        onFile?.(target);
      }
    }
    if (jobs.length < page) break;
  }
  return report;
}
