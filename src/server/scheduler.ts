/**
 * One model, many clients: every request's sentences wait in ONE shared queue, and each model call
 * is filled from several requests at once (that is where a server's throughput comes from: a batch
 * of 16 rows costs little more than a batch of 1). Filling is round-robin over the requests that
 * have work waiting, so a three-sentence request gets a row in the very next model call even while
 * a 20,000-word article is half way through; within one request, sentences go in document order, so
 * its paragraphs finish (and stream out) front to back.
 *
 * Model calls run one at a time (ONNX Runtime uses every core for one call). The translation memory
 * is consulted before queueing and written after every call, so all clients share it.
 */
import { lookupMemory, memoryKey, memoryKeyParts, type MemoryEntry, type MemoryHit, type TranslationMemory } from '../pipeline/memory.js';
import type { TranslationResult } from '../engine/translator.js';
import { lostText } from '../document/types.js';
import { isDa2enError, type Da2enError } from '../errors.js';

/** After the memory's storage refused a write (a full disk), how long the scheduler stores nothing before it tries again. */
export const MEMORY_RETRY_MS = 60_000;

/** What the scheduler needs from the engine: batches in, translations out (see ./engine.ts). */
export interface BatchTranslator {
  readonly modelId: string;
  /** The model in translation-memory keys; modelId when absent. */
  readonly memoryId?: string | undefined;
  readonly dtype: string;
  readonly decoding: Record<string, unknown>;
  translateBatch(texts: string[]): Promise<TranslationResult[]>;
}

export interface SchedulerLimits {
  /** Padded tokens per model call (rows × longest row). */
  batchTokens: number;
  /** Most rows per model call. */
  maxBatchSize: number;
}

export interface ChunkInput {
  text: string;
  tokens: number;
}

export interface ChunkOutput {
  target: string;
  origin: 'model' | 'cache';
  flags: string[];
}

export interface SchedulerStats {
  /** Model calls made since start. */
  modelCalls: number;
  /** Rows translated by the model since start. */
  modelRows: number;
  /** Rows answered from the translation memory. */
  cacheRows: number;
  /** Model calls whose rows came from more than one request. */
  sharedCalls: number;
  /** Requests with sentences still waiting or in a model call. */
  activeRequests: number;
  /** Sentences waiting for a model call. */
  queuedChunks: number;
  /** Recent rows per second (for Retry-After), 0 before the first call. */
  rowsPerSecond: number;
  /** A model call is running. */
  modelBusy: boolean;
}

interface Pending {
  job: Job;
  index: number;
  text: string;
  tokens: number;
  key: string;
}

interface Job {
  id: number;
  queue: Pending[];
  remaining: number;
  results: (ChunkOutput | undefined)[];
  onChunk: ((index: number, out: ChunkOutput) => void) | undefined;
  resolve: (results: ChunkOutput[]) => void;
  reject: (reason: unknown) => void;
  done: boolean;
  /** Model calls this job had rows in. */
  calls: number;
}

export interface SubmitOptions {
  signal?: AbortSignal;
  /** Called as each chunk is translated (in no particular order). */
  onChunk?: (index: number, out: ChunkOutput) => void;
}

export interface SubmitResult {
  chunks: ChunkOutput[];
  /** Model calls that carried at least one of this request's sentences. */
  modelCalls: number;
}

export class SentenceScheduler {
  private readonly jobs: Job[] = [];
  private cursor = 0;
  private running = false;
  private closed = false;
  private nextId = 1;
  private idleWaiters: (() => void)[] = [];
  private readonly counters = { modelCalls: 0, modelRows: 0, cacheRows: 0, sharedCalls: 0 };
  private rate = { rows: 0, ms: 0 };
  private readonly keyParts;
  private memoryPausedUntil = 0;

  constructor(
    private readonly translator: BatchTranslator,
    private readonly limits: SchedulerLimits,
    private readonly memory?: TranslationMemory,
    /**
     * A write the memory's storage refused (a full disk): the requests are answered all the same,
     * nothing is stored for MEMORY_RETRY_MS, then writing is tried again (a server runs for days;
     * the disk may be freed). Called once per failed try; without it, such a failure is ignored.
     */
    private readonly onMemoryWriteFailure?: (error: Da2enError) => void,
  ) {
    this.keyParts = memoryKeyParts(translator);
  }

  stats(): SchedulerStats {
    const queuedChunks = this.jobs.reduce((n, j) => n + j.queue.length, 0);
    return {
      ...this.counters,
      activeRequests: this.jobs.length,
      queuedChunks,
      rowsPerSecond: this.rate.ms > 0 ? (this.rate.rows * 1000) / this.rate.ms : 0,
      modelBusy: this.running,
    };
  }

  /** Seconds until `queued` more rows would be through, from the recent rate (at least 1). */
  estimateSeconds(extraRows = 0): number {
    const rps = this.stats().rowsPerSecond;
    const rows = this.stats().queuedChunks + extraRows;
    return Math.max(1, Math.ceil(rps > 0 ? rows / rps : 1));
  }

  /**
   * Translates the chunks of one request. Resolves with one output per chunk, in input order.
   * Rejects with the signal's reason when aborted: the request's waiting chunks leave the queue at
   * once (a model call already running finishes, and its rows still go to the memory).
   */
  async submit(chunks: readonly ChunkInput[], options: SubmitOptions = {}): Promise<SubmitResult> {
    if (this.closed) throw new Error('the translation queue is shut down');
    const { signal } = options;
    signal?.throwIfAborted();
    const keys = chunks.map((c) => memoryKey(this.keyParts, c.text));
    const cached = this.memory ? await lookupMemory(this.memory, keys) : new Map<string, MemoryHit>();
    signal?.throwIfAborted();
    if (this.closed) throw new Error('the translation queue is shut down');
    return new Promise<SubmitResult>((resolve, reject) => {
      const job: Job = {
        id: this.nextId++,
        queue: [],
        remaining: chunks.length,
        results: new Array(chunks.length),
        onChunk: options.onChunk,
        resolve: () => {},
        reject: () => {},
        done: false,
        calls: 0,
      };
      const onAbort = () => this.cancel(job, signal!.reason);
      job.resolve = (results) => {
        signal?.removeEventListener('abort', onAbort);
        resolve({ chunks: results, modelCalls: job.calls });
      };
      job.reject = (reason) => {
        signal?.removeEventListener('abort', onAbort);
        reject(reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });

      chunks.forEach((c, index) => {
        const hit = cached.get(keys[index]!);
        if (hit !== undefined) {
          this.counters.cacheRows++;
          this.settle(job, index, { target: hit.target, origin: 'cache', flags: hit.flags });
        } else {
          job.queue.push({ job, index, text: c.text, tokens: c.tokens, key: keys[index]! });
        }
      });
      if (job.remaining === 0) {
        this.finish(job);
        return;
      }
      this.jobs.push(job);
      this.pump();
    });
  }

  /** Resolves once no request has work left (for graceful shutdown). */
  idle(): Promise<void> {
    if (this.jobs.length === 0 && !this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Refuses new work; requests still queued are cancelled with `reason`. */
  close(reason: unknown): void {
    this.closed = true;
    for (const job of [...this.jobs]) this.cancel(job, reason);
  }

  private cancel(job: Job, reason: unknown): void {
    if (job.done) return;
    job.done = true;
    job.queue.length = 0;
    this.removeJob(job);
    job.reject(reason);
    this.checkIdle();
  }

  private removeJob(job: Job): void {
    const i = this.jobs.indexOf(job);
    if (i < 0) return;
    this.jobs.splice(i, 1);
    if (i < this.cursor) this.cursor--;
    if (this.cursor >= this.jobs.length) this.cursor = 0;
  }

  private settle(job: Job, index: number, out: ChunkOutput): void {
    if (job.done) return;
    job.results[index] = out;
    job.remaining--;
    job.onChunk?.(index, out);
  }

  private finish(job: Job): void {
    if (job.done) return;
    job.done = true;
    this.removeJob(job);
    job.resolve(job.results as ChunkOutput[]);
  }

  /**
   * The next model call's rows: one sentence from each request in turn (starting after the request
   * served first last time), until the batch is full by rows or by padded tokens.
   */
  private pickBatch(): Pending[] {
    const batch: Pending[] = [];
    let width = 0;
    const n = this.jobs.length;
    let emptyRounds = 0;
    let j = this.cursor % Math.max(1, n);
    const start = j;
    while (batch.length < this.limits.maxBatchSize && emptyRounds < n) {
      const job = this.jobs[j]!;
      const next = job.queue[0];
      if (next) {
        const nextWidth = Math.max(width, next.tokens);
        if (batch.length > 0 && (batch.length + 1) * nextWidth > this.limits.batchTokens) break;
        batch.push(job.queue.shift()!);
        width = nextWidth;
        emptyRounds = 0;
      } else {
        emptyRounds++;
      }
      j = (j + 1) % n;
    }
    // Next call starts with the request after the one that went first this time.
    this.cursor = n > 0 ? (start + 1) % n : 0;
    return batch;
  }

  private pump(): void {
    if (this.running) return;
    const batch = this.pickBatch();
    if (batch.length === 0) {
      this.checkIdle();
      return;
    }
    this.running = true;
    void this.run(batch);
  }

  private async run(batch: Pending[]): Promise<void> {
    const started = performance.now();
    try {
      const out = await this.translator.translateBatch(batch.map((b) => b.text));
      this.counters.modelCalls++;
      this.counters.modelRows += batch.length;
      const owners = new Set(batch.map((b) => b.job));
      if (owners.size > 1) this.counters.sharedCalls++;
      for (const job of owners) job.calls++;
      // Remembered even for requests cancelled meanwhile: the work is done, the next one reuses it.
      // Stored (one all-or-nothing batch) before anyone is answered, so an answer implies it is kept.
      // Not one that lost text the model cannot spell (its QA finding would be lost with it).
      await this.remember(batch.flatMap((b, i) => (lostText(out[i]!.flags) ? [] : [{ key: b.key, source: b.text, target: out[i]!.text, ...(out[i]!.flags.length ? { flags: out[i]!.flags } : {}) }])));
      batch.forEach((b, i) => {
        const r = out[i]!;
        this.settle(b.job, b.index, { target: r.text, origin: 'model', flags: r.flags });
        if (b.job.remaining === 0) this.finish(b.job);
      });
      const ms = performance.now() - started;
      // A decaying window: recent calls count most.
      this.rate = { rows: this.rate.rows * 0.8 + batch.length, ms: this.rate.ms * 0.8 + ms };
    } catch (err) {
      for (const job of new Set(batch.map((b) => b.job))) this.cancel(job, err);
    } finally {
      this.running = false;
      this.pump();
    }
  }

  /** Stores the batch; storage the memory cannot write (a full disk) costs the caching, not the answers. */
  private async remember(entries: MemoryEntry[]): Promise<void> {
    // Not tried on every call meanwhile: each failed try costs a write attempt, and lmdb prints a line of its own.
    if (Date.now() < this.memoryPausedUntil) return;
    try {
      await this.memory?.store(entries);
    } catch (error) {
      // Anything else (a closed memory) is a bug, not a disk to work around.
      if (!isDa2enError(error, 'storage')) throw error;
      this.memoryPausedUntil = Date.now() + MEMORY_RETRY_MS;
      this.onMemoryWriteFailure?.(error);
    }
  }

  private checkIdle(): void {
    if (this.jobs.length > 0 || this.running) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
