/**
 * Worker-thread side of the extraction pool (./extraction-pool.ts): runs Readability over a page's
 * HTML, parses a URL's Markdown answer, or splits a `format: "html"` fragment into markup and
 * texts, one job at a time. Parsing a
 * large or pathological page takes seconds of CPU; here that blocks this worker, never the HTTP
 * server's event loop, and the pool can end it.
 */
import { answerJobs } from '../io/answer-jobs.js';
import { extractArticle, type ExtractOptions } from '../input/html/extract-article.js';
import { parseArticle } from '../input/parse-article.js';
import { fragmentTemplate } from './html-fragment.js';

export type ExtractRequest = { job: 'article'; html: string; options: ExtractOptions } | { job: 'markdown'; text: string; inputName: string } | { job: 'fragment'; html: string };

answerJobs((req: ExtractRequest) => (req.job === 'fragment' ? fragmentTemplate(req.html) : req.job === 'markdown' ? parseArticle(req) : extractArticle(req.html, req.options)));
