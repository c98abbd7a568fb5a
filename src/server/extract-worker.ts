/**
 * Worker-thread side of the extraction pool (./extraction-pool.ts): runs Readability over a page's
 * HTML, one page at a time. Parsing and extracting a large or pathological page takes seconds of
 * CPU; here that blocks this worker, never the HTTP server's event loop, and the pool can end it.
 */
import { parentPort } from 'node:worker_threads';
import type { Article } from '../input/article.js';
import { NoArticleError } from '../input/errors.js';
import { extractArticle, type ExtractOptions } from '../input/html/extract-article.js';

export interface ExtractRequest {
  html: string;
  options: ExtractOptions;
}

export type ExtractReply =
  | { ok: true; article: Article }
  /** `input` is set for a NoArticleError, so the other side can rebuild it. */
  | { ok: false; error: { name: string; message: string; input?: string } };

const port = parentPort!;
port.on('message', (req: ExtractRequest) => {
  let reply: ExtractReply;
  try {
    reply = { ok: true, article: extractArticle(req.html, req.options) };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    reply = { ok: false, error: { name: e.name, message: e.message, ...(e instanceof NoArticleError ? { input: e.input } : {}) } };
  }
  port.postMessage(reply);
});
