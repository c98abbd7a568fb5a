/**
 * Parsing a Markdown file or a web page in a worker thread that a stop ends. Some hostile inputs
 * well under the size limit keep micromark or Readability busy for tens of seconds (a 31 KB
 * paragraph of "<!--", 20,000 levels of emphasis); the CLI and a queue worker parse in a ParseThread, so
 * that their own thread stays free to hear Ctrl-C, SIGTERM or a job's end, and the parse ends with them.
 */
import type { Article } from '../input/article.js';
import type { ArticleParser, ParseJob } from '../input/parse-article.js';
import { ThreadPool } from './thread-pool.js';
import { siblingModule, startWorkerModule } from '../process/spawn-worker.js';

const never = new AbortController().signal;

/**
 * Parses in worker threads (./parse-worker.ts), kept until close(): one by default, up to `size`
 * at once for a caller with several articles in progress (a queue worker's --concurrency).
 */
export class ParseThread implements ArticleParser {
  private readonly pool: ThreadPool<ParseJob>;

  /**
   * With `preload`, the thread starts now and imports that kind's parser meanwhile: a worker thread
   * and the parser's import take ~0.1–0.2 s, which the caller can spend on its own start (reading
   * the input, importing the engine); without, at the first job.
   */
  constructor(preload?: ParseJob['job'], size = 1) {
    const workerData = preload ? { preload } : undefined;
    this.pool = new ThreadPool<ParseJob>(() => startWorkerModule(siblingModule('parse-worker', import.meta.url), { workerData }), 'article parsing', size);
    if (preload) this.pool.prestart();
  }

  parse(job: ParseJob, signal: AbortSignal = never): Promise<Article> {
    return this.pool.run(job, signal);
  }

  /** Ends the worker thread. */
  close(): Promise<void> {
    return this.pool.close();
  }
}
