/**
 * A queue worker: takes article jobs from BullMQ until stopped, with one translator (the model is
 * loaded once by the caller) and an optional shared translation memory.
 *
 * Failures: a bad article (not text, empty, …) fails at once with the CLI's one-line message as the
 * job's failure reason, and is not retried (it would fail the same way); anything else (a write
 * that failed, a model error) is retried up to the job's attempts. Either way the worker goes on
 * with the next job. A worker that dies mid-job leaves the job's lock to expire; BullMQ's stalled
 * check (in every other worker) puts the job back in the queue, and the segments the dead worker
 * stored in a shared memory are not translated again.
 */
import { Queue, UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { Da2enError, isDa2enError } from '../errors.js';
import type { Translator } from '../engine/translator.js';
import type { TranslationMemory } from '../pipeline/memory.js';
import { ARTICLE_JOB, ARTICLE_JOB_V1, DEFAULT_QUEUE_NAME, type ArticleJobData, type ArticleJobResult, type JobEngine } from './job.js';
import { processArticle, type HeldBackFile } from './process-article.js';
import { isLatestJob } from './queue-ops.js';
import { ParseThread } from '../io/parse-thread.js';
import { queueConnection } from './connection.js';
import { closeRedisClient } from '../cache/redis-memory.js';
import { writeFileAtomically } from '../io/sinks.js';

export interface ArticleWorkerOptions {
  redisUrl: string;
  queueName?: string;
  translator: Translator;
  /** What this worker's translator is; jobs that ask for another model or settings fail with a reason. */
  engine: JobEngine;
  memory?: TranslationMemory;
  /** Jobs in progress at once (default 1; model calls still run one at a time). */
  concurrency?: number;
  /** Lock time in ms (default 30,000); a dead worker's job is taken over after about this long. */
  lockDuration?: number;
  /** How often this worker looks for stalled jobs, in ms (default 30,000). */
  stalledInterval?: number;
  /** Times a job may stall (its worker died) before it fails (default 2). */
  maxStalledCount?: number;
  /** Once the job is completed and any file it held back checked again (written, if its add had become the latest meanwhile). */
  onJobDone?: (job: Job<ArticleJobData, ArticleJobResult>, result: ArticleJobResult) => void;
  /** Also told (final) of a held-back file found latest once the job was completed but that could not be written then. */
  onJobFailed?: (job: Job<ArticleJobData, ArticleJobResult>, reason: string, final: boolean) => void;
  onError?: (error: Error) => void;
  /** How a job's da2en error is said in its failure reason, which `queue status` shows too (default: its message, in the library's words). */
  errorWords?: (error: Da2enError) => string;
  /** Aborted while Redis is being waited for at start: the worker closes and startArticleWorker throws. */
  signal?: AbortSignal;
}

export interface ArticleWorker {
  /** Stops taking jobs and waits for the ones in progress to finish. */
  close(): Promise<void>;
  /**
   * Stops at once: jobs in progress are aborted and put back in the queue for another worker (with
   * Redis gone, when their locks expire). Where Redis went away during a close() already under way,
   * BullMQ's timers of that close may outlive this call: a process that is stopping should end itself.
   */
  returnJobs(): Promise<void>;
  readonly jobsDone: number;
  readonly jobsFailed: number;
  /** Articles taken and not yet finished, failed or handed back. */
  readonly jobsInProgress: number;
}

/**
 * The one-line reason a job fails with. `words` says a da2en error as the front end does (the CLI
 * with its options, cliMessage); by default its message, in the library's words.
 */
export function failureReason(error: unknown, words: (error: Da2enError) => string = (e) => e.message): string {
  const message = isDa2enError(error) ? words(error) : error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.trim() || 'unknown error';
}

/**
 * A model folder is the same model wherever it lies, when its files are (a copy keeping their times,
 * as rsync -a, cp -p or a container image make): `queue add` records the path where it ran, and
 * another machine or working folder keeps its copy elsewhere.
 */
function sameModel(asked: JobEngine, mine: JobEngine): boolean {
  return asked.model === mine.model || (asked.modelFiles !== undefined && asked.modelFiles === mine.modelFiles);
}

export function engineMismatch(asked: JobEngine, mine: JobEngine): string | null {
  const model = sameModel(asked, mine);
  if (model && asked.dtype === mine.dtype && asked.beams === mine.beams) return null;
  const base = `the job asks for model ${asked.model} (${asked.dtype}, beams ${asked.beams}) but this worker runs ${mine.model} (${mine.dtype}, beams ${mine.beams})`;
  // A folder this worker has no same copy of: say how to give it one, the files the fingerprint knows.
  if (!model && asked.modelFiles !== undefined && asked.dtype === mine.dtype) {
    return `${base}; give the worker's --model a copy of that model folder with the same files (copied keeping their times: rsync -a, cp -p), or use one queue per model (--queue)`;
  }
  return `${base}; use one queue per model (--queue)`;
}

/** How long returnJobs waits for Redis to take the jobs back before it drops the connection. */
const RETURN_WAIT_MS = 5_000;

export async function startArticleWorker(options: ArticleWorkerOptions): Promise<ArticleWorker> {
  const connection: Redis = queueConnection(options.redisUrl);
  const returning = new AbortController();
  // One per worker, a thread per article in progress: started at a job's first parse, not per job.
  const parser = new ParseThread(undefined, options.concurrency ?? 1);
  let done = 0;
  let failed = 0;
  // Jobs taken and not yet reported back to Redis (from BullMQ's 'active' to its 'completed'/'failed',
  // which come after the job's move in Redis). With none, a stop has nothing
  // to wait for; a forced close before that move would skip it, and the article would run twice.
  const unsettled = new Set<string | undefined>();
  // The files each finished run held back (by its result, the object BullMQ hands to 'completed'),
  // and the checks of them under way once their jobs were completed.
  const heldBack = new WeakMap<ArticleJobResult, HeldBackFile[]>();
  const lateWrites = new Set<Promise<void>>();

  const worker: Worker<ArticleJobData, ArticleJobResult> = new Worker<ArticleJobData, ArticleJobResult>(
    options.queueName ?? DEFAULT_QUEUE_NAME,
    async (job, token, signal) => {
      unsettled.add(job.id);
      if (job.name !== ARTICLE_JOB && job.name !== ARTICLE_JOB_V1) throw new UnrecoverableError(`unknown job kind "${job.name}" (added by a newer da2en?)`);
      const mismatch = engineMismatch(job.data.engine, options.engine);
      if (mismatch) throw new UnrecoverableError(mismatch);
      const abort = AbortSignal.any([returning.signal, ...(signal ? [signal] : [])]);
      const held: HeldBackFile[] = [];
      try {
        const result = await processArticle(job.data, {
          translator: options.translator,
          signal: abort,
          parser,
          mayWrite: (file) => isLatestJob(worker, connection, job.data, job.id, file),
          onHeldBack: (file) => held.push(file),
          ...(options.memory ? { memory: options.memory } : {}),
        });
        if (held.length > 0) heldBack.set(result, held);
        return result;
      } catch (error) {
        if (returning.signal.aborted) {
          // Stopping now: hand the job back untouched (no attempt used) for another worker.
          await job.moveToWait(token);
          unsettled.delete(job.id);
          throw new WaitingError();
        }
        const reason = failureReason(error, options.errorWords);
        // Bad input (or a page with no article) fails the same way every time: no retries.
        if (isDa2enError(error, 'input') || isDa2enError(error, 'no-article')) throw new UnrecoverableError(reason);
        throw Object.assign(new Error(reason), { cause: error });
      }
    },
    {
      connection,
      concurrency: options.concurrency ?? 1,
      lockDuration: options.lockDuration ?? 30_000,
      stalledInterval: options.stalledInterval ?? 30_000,
      maxStalledCount: options.maxStalledCount ?? 2,
      // Per-minute counts of finished jobs, for `queue status` throughput (a week of minutes).
      metrics: { maxDataPoints: 7 * 24 * 60 },
      autorun: false,
    },
  );
  // Taken from the queue (the processor starts just after).
  worker.on('active', (job) => unsettled.add(job.id));
  const finished = (job: Job<ArticleJobData, ArticleJobResult>, result: ArticleJobResult) => {
    done++;
    options.onJobDone?.(job, result);
  };
  /*
   * A held-back file is checked again once BullMQ has marked its job completed, not before: an edit
   * undone while the job ran would otherwise be written by nobody. `queue add` records the job as
   * the latest and only then reads its state (addArticles); here the state is written (completed)
   * and only then the record read. Redis runs commands one at a time, so at least one side sees
   * the other's write: this check finds the job the latest and writes its text, or the add finds it
   * completed and queues it again (or both: the same text written twice). A check before the
   * completion leaves a gap: job checks, add records and finds the job still active, job completes.
   */
  const writeHeldBack = async (job: Job<ArticleJobData, ArticleJobResult>, result: ArticleJobResult, held: HeldBackFile[]): Promise<ArticleJobResult> => {
    const written = [...(result.written ?? [])];
    const superseded: string[] = [];
    for (const file of held) {
      try {
        if (await isLatestJob(worker, connection, job.data, job.id, file.file)) {
          await writeFileAtomically(file.target, file.content);
          written.push(file.target);
        } else {
          superseded.push(file.target);
        }
      } catch (error) {
        options.onJobFailed?.(job, `${file.target} not written once the job had finished: ${failureReason(error, options.errorWords)}`, true);
      }
    }
    const { superseded: _, ...rest } = result;
    return { ...rest, written, ...(superseded.length > 0 ? { superseded } : {}) };
  };
  worker.on('completed', (job, result) => {
    unsettled.delete(job.id);
    const held = heldBack.get(result);
    if (!held) return finished(job, result);
    const late = writeHeldBack(job, result, held)
      .then((r) => finished(job, r))
      .catch((error: unknown) => options.onError?.(error as Error));
    lateWrites.add(late);
    void late.finally(() => lateWrites.delete(late));
  });
  worker.on('failed', (job, error) => {
    if (job) unsettled.delete(job.id);
    if (!job || error instanceof WaitingError || error?.name === 'WaitingError') return;
    const final = job.finishedOn !== undefined || job.attemptsMade >= (job.opts.attempts ?? 1) || error?.name === 'UnrecoverableError';
    if (final) failed++;
    options.onJobFailed?.(job, failureReason(error), final);
  });
  worker.on('error', (error) => options.onError?.(error));
  void worker.run().catch((error: unknown) => options.onError?.(error as Error));

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      // BullMQ's graceful close waits for the blocking connection's 'end', which ioredis never emits
      // for a connection that lost Redis and is waiting to reconnect: that close hangs for ever, its
      // timers (lock renewal, stalled checks) still running. It is used only where there is a job to
      // finish and Redis is there; otherwise the close is at once, and jobs in progress go back when
      // their locks expire, as a dead worker's do.
      const reachable = connection.status === 'ready';
      await worker.close(!reachable || unsettled.size === 0);
      await Promise.all(lateWrites);
      await parser.close();
      await closeRedisClient(connection);
    })();
    return closing;
  };
  const signal = options.signal;
  if (signal) {
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason);
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([worker.waitUntilReady(), aborted]);
    } catch (error) {
      await close();
      throw error;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  } else {
    await worker.waitUntilReady();
  }
  return {
    close,
    async returnJobs() {
      returning.abort(new Da2enError('interrupted', 'worker stopping'));
      // A graceful close already under way cannot be forced (BullMQ keeps the first close), and with
      // Redis gone meanwhile it waits for a reconnect that may never come: after RETURN_WAIT_MS the
      // connection is dropped, and the jobs go back when their locks expire, as a dead worker's do.
      const closed = await Promise.race([close().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), RETURN_WAIT_MS).unref())]);
      if (!closed) connection.disconnect();
    },
    get jobsDone() {
      return done;
    },
    get jobsFailed() {
      return failed;
    },
    get jobsInProgress() {
      return unsettled.size;
    },
  };
}

/** A BullMQ queue handle for adding jobs and reading counts. */
export function openQueue(redisUrl: string, queueName = DEFAULT_QUEUE_NAME): { queue: Queue<ArticleJobData, ArticleJobResult>; connection: Redis; close(): Promise<void> } {
  const connection = queueConnection(redisUrl, { failFast: true });
  const queue = new Queue<ArticleJobData, ArticleJobResult>(queueName, { connection });
  // Failures reach the caller through the calls that fail; unheard, BullMQ would print each one.
  queue.on('error', () => {});
  return {
    queue,
    connection,
    async close() {
      await queue.close();
      await closeRedisClient(connection);
    },
  };
}
