/**
 * Parsing off the calling thread: a few worker threads, each running one job at a time, that a
 * job's signal ends. Micromark, linkedom and Readability spend seconds to minutes of CPU on some
 * hostile inputs well under the size limit; on the caller's thread that would hold its event loop
 * (the server's other clients, the CLI's stop signals, a queue worker's lock renewals) for as
 * long. A job whose signal fires terminates its worker, so such an input cannot hold a core after
 * its request or run is over; an idle worker is kept for the next job (starting one costs the
 * import of the parsers), not keeping the process alive while it waits.
 *
 * The worker side answers through answerJobs (./answer-jobs.ts). Used by the server's page
 * extraction (src/server/extraction-pool.ts) and the readers' parse thread (./parse-thread.ts).
 */
import type { Worker } from 'node:worker_threads';
import PQueue from 'p-queue';
import { Da2enError, type ErrorKind, type SettingName } from '../errors.js';
import { NoArticleError } from '../input/errors.js';

export type ThreadReply =
  | { ok: true; result: unknown }
  /** `input` is set for a NoArticleError and `kind` (with the settings its message names) for a Da2enError, so the other side can rebuild them. */
  | { ok: false; error: { name: string; message: string; input?: string; kind?: ErrorKind; settings?: SettingName[] } };

function toError(e: Extract<ThreadReply, { ok: false }>['error']): Error {
  if (e.input !== undefined) return new NoArticleError(e.input);
  if (e.kind !== undefined) return new Da2enError(e.kind, e.message, { settings: e.settings ?? [] });
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

export class ThreadPool<Request> {
  private readonly queue: PQueue;
  private readonly idle: Worker[] = [];
  private readonly live = new Set<Worker>();
  private closed = false;

  /** `start` starts one worker thread (one that answers through answerJobs); `what` names them in errors. */
  constructor(
    private readonly start: () => Worker,
    private readonly what: string,
    readonly size = 1,
  ) {
    this.queue = new PQueue({ concurrency: size });
  }

  /** Worker threads running (busy or idle). */
  get workers(): number {
    return this.live.size;
  }

  /** The job's result from a worker; rejects with the signal's reason once it fires. */
  run<Result>(request: Request, signal: AbortSignal): Promise<Result> {
    if (this.closed) return Promise.reject(new Error(`the ${this.what} pool is closed`));
    return this.queue.add(() => this.runInWorker(request, signal), { signal }) as Promise<Result>;
  }

  /** Starts a worker now, idle until the first job, if none is running. */
  prestart(): void {
    if (this.closed || this.live.size > 0) return;
    this.keep(this.startOne());
  }

  /** Terminates every worker; jobs still waiting are dropped. */
  async close(): Promise<void> {
    this.closed = true;
    this.queue.clear();
    const all = [...this.live];
    this.live.clear();
    this.idle.length = 0;
    await Promise.all(all.map((w) => w.terminate()));
  }

  private runInWorker(request: Request, signal: AbortSignal): Promise<unknown> {
    signal.throwIfAborted();
    const worker = this.idle.pop() ?? this.startOne();
    worker.ref();
    return new Promise<unknown>((resolve, reject) => {
      const settle = () => {
        signal.removeEventListener('abort', onAbort);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onAbort = () => {
        settle();
        this.discard(worker);
        reject(signal.reason);
      };
      const onMessage = (reply: ThreadReply) => {
        settle();
        this.keep(worker);
        if (reply.ok) resolve(reply.result);
        else reject(toError(reply.error));
      };
      const onError = (err: Error) => {
        settle();
        this.discard(worker);
        reject(err);
      };
      const onExit = (code: number) => {
        settle();
        reject(new Error(`the ${this.what} worker exited (code ${code})`));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage(request);
    });
  }

  private startOne(): Worker {
    const worker = this.start();
    this.live.add(worker);
    // An idle worker that dies is forgotten; a busy one's job hears it through its own listeners.
    worker.on('error', () => {});
    worker.once('exit', () => {
      this.live.delete(worker);
      const i = this.idle.indexOf(worker);
      if (i >= 0) this.idle.splice(i, 1);
    });
    return worker;
  }

  /** Back to the idle list, not keeping the process alive while it waits. */
  private keep(worker: Worker): void {
    if (this.closed) {
      this.discard(worker);
      return;
    }
    worker.unref();
    this.idle.push(worker);
  }

  private discard(worker: Worker): void {
    this.live.delete(worker);
    void worker.terminate();
  }
}
