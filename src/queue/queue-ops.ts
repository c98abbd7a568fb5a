/** What `queue add`, `queue status` and `queue results` do, over a BullMQ queue. */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { writeFileAtomically, type FileSinkOptions } from '../io/sinks.js';
import { ARTICLE_JOB, articleJobId, type ArticleJobData, type ArticleJobResult, type JobEngine, type JobInputFormat, type JobOutput, type JobPipeline } from './job.js';
import { safeJoin } from './process-article.js';

export type ArticleQueue = Queue<ArticleJobData, ArticleJobResult>;

export interface ArticleToAdd {
  name: string;
  bytes: Uint8Array;
  /** How the worker reads it (detectInputFormat, as the translate command decides). */
  inputFormat: JobInputFormat;
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
  /** New jobs, and failed ones queued again. */
  added: number;
  /** Of `added`: jobs that had failed for good, queued again with this call's settings. */
  requeued: number;
  /** Already in the queue (waiting, running or done): same content, model and options. */
  existing: number;
  ids: string[];
}

export const DEFAULT_ATTEMPTS = 3;

/**
 * Adds one job per article. An article already queued with the same id (waiting, running or done)
 * is left as it is; one whose job failed for good is queued again, since whatever made it fail (an
 * unwritable folder, a worker with another model) may have been fixed: adding it is asking for it.
 */
export async function addArticles(queue: ArticleQueue, articles: readonly ArticleToAdd[], settings: AddSettings): Promise<AddReport> {
  const jobs = articles.map((a) => ({
    id: articleJobId(a.bytes, { ...settings, inputFormat: a.inputFormat, outputs: a.outputs }),
    data: {
      name: a.name,
      bytes: Buffer.from(a.bytes).toString('base64'),
      inputFormat: a.inputFormat,
      engine: settings.engine,
      pipeline: settings.pipeline,
      outputs: a.outputs,
      outDir: settings.outDir,
    } satisfies ArticleJobData,
  }));
  // The same article twice in one call is one job: the first named keeps it.
  const seen = new Set<string>();
  const unique = jobs.filter((j) => !seen.has(j.id) && Boolean(seen.add(j.id)));
  const states = await Promise.all(unique.map((j) => queue.getJobState(j.id)));
  // Removed and added afresh (not retried in place): this call's name and --attempts apply. One
  // that another `queue add` took first (removed: 0) is that call's to add.
  const failed = unique.filter((_, i) => states[i] === 'failed');
  const removed = await Promise.all(failed.map((j) => queue.remove(j.id)));
  const requeued = new Set(failed.filter((_, i) => removed[i] === 1).map((j) => j.id));
  const fresh = unique.filter((j, i) => states[i] === 'unknown' || requeued.has(j.id));
  if (fresh.length > 0) {
    await queue.addBulk(
      fresh.map((j) => ({
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
  return { added: fresh.length, requeued: requeued.size, existing: jobs.length - fresh.length, ids: jobs.map((j) => j.id) };
}

/** One output file of an `--out-dir` job and the article that writes it. */
export interface OutputClaim {
  /** Absolute path of the file. */
  target: string;
  /** The article: its file's absolute path, or `-:` and a name for standard input. */
  source: string;
}

export interface ClaimConflict extends OutputClaim {
  /** The article that claimed the file first. */
  holder: string;
}

/** Where a queue keeps which article writes each --out-dir file (removed with the queue's keys). */
const claimsKey = (queue: ArticleQueue) => queue.toKey('da2en-outputs');
const CLAIM_SLICE = 1000;

/**
 * Records, queue-wide, which article writes each output file of `--out-dir` jobs, so that articles
 * added by separate `queue add` calls cannot overwrite each other's outputs (`a/x.txt` then
 * `b/x.txt`, both writing x.da-en.html). The same article added again (edited, or with another
 * model) keeps its files: that is an update. Nothing is claimed when any file is another's: the
 * caller refuses the call before it queues anything.
 */
export async function claimOutputs(queue: ArticleQueue, client: Redis, claims: readonly OutputClaim[]): Promise<ClaimConflict[]> {
  const key = claimsKey(queue);
  const conflicts = async (batch: readonly OutputClaim[]): Promise<ClaimConflict[]> => {
    const found: ClaimConflict[] = [];
    for (let i = 0; i < batch.length; i += CLAIM_SLICE) {
      const slice = batch.slice(i, i + CLAIM_SLICE);
      const holders = await client.hmget(key, ...slice.map((c) => c.target));
      slice.forEach((c, j) => {
        const holder = holders[j];
        if (holder != null && holder !== c.source) found.push({ ...c, holder });
      });
    }
    return found;
  };
  const before = await conflicts(claims);
  if (before.length > 0) return before;
  const taken: string[] = [];
  for (let i = 0; i < claims.length; i += CLAIM_SLICE) {
    const slice = claims.slice(i, i + CLAIM_SLICE);
    const set = (await client.multi(slice.map((c) => ['hsetnx', key, c.target, c.source])).exec()) ?? [];
    slice.forEach((c, j) => {
      if (set[j]?.[1] === 1) taken.push(c.target);
    });
  }
  // Another `queue add` may have claimed a file between the look and the claim.
  const raced = await conflicts(claims);
  if (raced.length > 0) {
    for (let i = 0; i < taken.length; i += CLAIM_SLICE) await client.hdel(key, ...taken.slice(i, i + CLAIM_SLICE));
  }
  return raced;
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
  /** Files whose name an earlier-finished article had taken: written under their job's tag instead. */
  renamed: { name: string; file: string; as: string }[];
}

/** "x.da-en.html" → "x.<tag>.da-en.html", "x.en.txt" → "x.<tag>.en.txt": before the output suffix, which is always two dotted parts. */
export function taggedName(file: string, tag: string): string {
  return file.replace(/(\.[^./\\]+\.[^./\\]+)$/, `.${tag}$1`);
}

/**
 * Writes the outputs kept in Redis into `outDir`, each file atomically. Articles added apart may
 * share an output name (two `queue add -`, `a/x.txt` and `b/x.txt`); none is lost: in the order the
 * articles finished, the first keeps the name and each later one is written, all its files alike,
 * under a name tagged with its job id's first 8 hex digits (see taggedName): the same names every
 * time the results are written, whatever finishes later. `signal` ends a wait for a FIFO's reader.
 */
export async function writeResults(queue: ArticleQueue, outDir: string, onFile?: (path: string) => void, options: FileSinkOptions = {}): Promise<ResultsReport> {
  const report: ResultsReport = { written: [], onDisk: 0, renamed: [] };
  const taken = new Set<string>();
  const page = 100;
  // Oldest finished first (BullMQ's completed set is ordered by finish time).
  for (let start = 0; ; start += page) {
    const jobs = await queue.getJobs(['completed'], start, start + page - 1, true);
    if (jobs.length === 0) break;
    for (const job of jobs) {
      const files = job?.returnvalue?.files;
      if (!files) {
        if (job) report.onDisk++;
        continue;
      }
      const id = String(job.id);
      const tags = [null, id.slice(1, 9), id];
      const names = tags
        .map((tag) => files.map((f) => ({ file: f.file, as: tag === null ? f.file : taggedName(f.file, tag) })))
        .find((set) => set.every((n) => !taken.has(safeJoin(outDir, n.as))));
      if (!names) throw new Error(`cannot find a free name in ${outDir} for ${job.data.name}'s outputs (${files.map((f) => f.file).join(', ')})`);
      for (const [i, f] of files.entries()) {
        const { as } = names[i]!;
        const target = safeJoin(outDir, as);
        taken.add(target);
        if (as !== f.file) report.renamed.push({ name: job.data.name, file: f.file, as });
        await writeFileAtomically(target, f.content, options);
        report.written.push(target);
        onFile?.(target);
      }
    }
    if (jobs.length < page) break;
  }
  return report;
}
