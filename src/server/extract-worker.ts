/**
 * Worker-thread side of the extraction pool (./extraction-pool.ts): runs Readability over a page's
 * HTML, or splits a `format: "html"` fragment into markup and texts, one job at a time. Parsing a
 * large or pathological page takes seconds of CPU; here that blocks this worker, never the HTTP
 * server's event loop, and the pool can end it.
 */
import { parentPort } from 'node:worker_threads';
import { inputUserError, isDa2enError, type ErrorKind } from '../errors.js';
import type { Article } from '../input/article.js';
import { NoArticleError } from '../input/errors.js';
import { extractArticle, type ExtractOptions } from '../input/html/extract-article.js';
import { fragmentTemplate, type FragmentTemplate } from './html-fragment.js';

export type ExtractRequest = { job: 'article'; html: string; options: ExtractOptions } | { job: 'fragment'; html: string };

export type ExtractReply =
  | { ok: true; result: Article | FragmentTemplate }
  /** `input` is set for a NoArticleError and `kind` for a Da2enError, so the other side can rebuild them. */
  | { ok: false; error: { name: string; message: string; input?: string; kind?: ErrorKind } };

const port = parentPort!;
port.on('message', (req: ExtractRequest) => {
  let reply: ExtractReply;
  try {
    reply = { ok: true, result: req.job === 'fragment' ? fragmentTemplate(req.html) : extractArticle(req.html, req.options) };
  } catch (err) {
    // The input readers' own errors (a page nested too deeply) cross as the da2en errors they stand for.
    const mapped = err instanceof NoArticleError ? err : inputUserError(err);
    const e = mapped instanceof Error ? mapped : new Error(String(mapped));
    reply = {
      ok: false,
      error: { name: e.name, message: e.message, ...(e instanceof NoArticleError ? { input: e.input } : {}), ...(isDa2enError(e) ? { kind: e.kind } : {}) },
    };
  }
  port.postMessage(reply);
});
