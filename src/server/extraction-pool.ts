/**
 * Article extraction off the HTTP event loop: a few worker threads (./extract-worker.ts) run
 * extractArticle for the server's `html` and `url` inputs (and split `/translate`'s HTML
 * fragments, ./html-fragment.ts). A 570 KB page of nested links took 9 s of CPU on the event
 * loop, during which /health and every other client waited. A job whose request
 * ends (its timeout, the client gone, shutdown) terminates its worker, so a pathological page
 * cannot hold a core after its request is over; an idle worker is kept for the next page (starting
 * one costs the import of linkedom and Readability).
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import PQueue from 'p-queue';
import { Da2enError } from '../errors.js';
import type { Article } from '../input/article.js';
import { NoArticleError } from '../input/errors.js';
import type { ExtractOptions } from '../input/html/extract-article.js';
import type { ExtractReply, ExtractRequest } from './extract-worker.js';
import type { FragmentTemplate } from './html-fragment.js';
import { startSiblingWorker } from './spawn-worker.js';

/** Two pages at once at most: extraction is a short step, and the model's thread needs the cores. */
export const DEFAULT_EXTRACTION_WORKERS = Math.min(2, availableParallelism());

function toError(e: Extract<ExtractReply, { ok: false }>['error']): Error {
  if (e.input !== undefined) return new NoArticleError(e.input);
  if (e.kind !== undefined) return new Da2enError(e.kind, e.message);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

export class ExtractionPool {
  private readonly queue: PQueue;
  private readonly idle: Worker[] = [];
  private readonly live = new Set<Worker>();
  private closed = false;

  constructor(readonly size = DEFAULT_EXTRACTION_WORKERS) {
    this.queue = new PQueue({ concurrency: size });
  }

  /** Worker threads running (busy or idle). */
  get workers(): number {
    return this.live.size;
  }

  /** extractArticle(html, options) in a worker; rejects with the signal's reason once it fires. */
  extract(html: string, options: ExtractOptions, signal: AbortSignal): Promise<Article> {
    if (this.closed) return Promise.reject(new Error('the extraction pool is closed'));
    return this.queue.add(() => this.run({ job: 'article', html, options }, signal), { signal }) as Promise<Article>;
  }

  /** fragmentTemplate(html) in a worker; rejects with the signal's reason once it fires. */
  prepareHtmlFragment(html: string, signal: AbortSignal): Promise<FragmentTemplate> {
    if (this.closed) return Promise.reject(new Error('the extraction pool is closed'));
    return this.queue.add(() => this.run({ job: 'fragment', html }, signal), { signal }) as Promise<FragmentTemplate>;
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

  private run(request: ExtractRequest, signal: AbortSignal): Promise<Article | FragmentTemplate> {
    signal.throwIfAborted();
    const worker = this.idle.pop() ?? this.start();
    worker.ref();
    return new Promise<Article | FragmentTemplate>((resolve, reject) => {
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
      const onMessage = (reply: ExtractReply) => {
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
        reject(new Error(`the page extraction worker exited (code ${code})`));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage(request);
    });
  }

  private start(): Worker {
    const worker = startSiblingWorker('extract-worker');
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
