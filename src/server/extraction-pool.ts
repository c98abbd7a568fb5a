/**
 * Article extraction off the HTTP event loop: a few worker threads (./extract-worker.ts) run
 * extractArticle for the server's `html` and `url` inputs, parse a URL's Markdown answer (and split
 * `/translate`'s HTML fragments, ./html-fragment.ts). A 570 KB page of nested links took 9 s of CPU on the event
 * loop, during which /health and every other client waited. A job whose request ends (its
 * timeout, the client gone, shutdown) terminates its worker (src/io/thread-pool.ts).
 */
import { availableParallelism } from 'node:os';
import type { Article } from '../input/article.js';
import type { ExtractOptions } from '../input/html/extract-article.js';
import { ThreadPool } from '../io/thread-pool.js';
import { siblingModule, startWorkerModule } from '../process/spawn-worker.js';
import type { ExtractRequest } from './extract-worker.js';
import type { FragmentTemplate } from './html-fragment.js';

/** Two pages at once at most: extraction is a short step, and the model's thread needs the cores. */
export const DEFAULT_EXTRACTION_WORKERS = Math.min(2, availableParallelism());

export class ExtractionPool {
  private readonly pool: ThreadPool<ExtractRequest>;

  constructor(size = DEFAULT_EXTRACTION_WORKERS) {
    this.pool = new ThreadPool(() => startWorkerModule(siblingModule('extract-worker', import.meta.url)), 'page extraction', size);
  }

  /** Worker threads running (busy or idle). */
  get workers(): number {
    return this.pool.workers;
  }

  /** extractArticle(html, options) in a worker; rejects with the signal's reason once it fires. */
  extract(html: string, options: ExtractOptions, signal: AbortSignal): Promise<Article> {
    return this.pool.run({ job: 'article', html, options }, signal);
  }

  /** A Markdown text's article (parseMarkdown) in a worker; rejects with the signal's reason once it fires. */
  parseMarkdown(text: string, inputName: string, signal: AbortSignal): Promise<Article> {
    return this.pool.run({ job: 'markdown', text, inputName }, signal);
  }

  /** fragmentTemplate(html) in a worker; rejects with the signal's reason once it fires. */
  prepareHtmlFragment(html: string, signal: AbortSignal): Promise<FragmentTemplate> {
    return this.pool.run({ job: 'fragment', html }, signal);
  }

  /** Terminates every worker; jobs still waiting are dropped. */
  close(): Promise<void> {
    return this.pool.close();
  }
}
