/**
 * Parsing an article's text, as a job that runs on this thread (parseHere) or in a worker thread
 * that a stop ends (./parse-thread.ts). The parsers are imported when a job needs them (linkedom
 * and Readability, or the Markdown parser, take ~0.2–0.5 s to import).
 */
import type { Article } from './article.js';
import type { ExtractOptions } from './html/extract-article.js';

export type ParseJob = { job: 'markdown'; text: string; inputName: string } | { job: 'html'; html: string; options: ExtractOptions };

export interface ArticleParser {
  /** The job's article; rejects with the signal's reason once it fires (parseHere cannot hear it until done). */
  parse(job: ParseJob, signal?: AbortSignal): Promise<Article>;
}

export async function parseArticle(job: ParseJob): Promise<Article> {
  if (job.job === 'markdown') return (await import('./markdown/parse-markdown.js')).parseMarkdown(job.text, job.inputName);
  return (await import('./html/extract-article.js')).extractArticle(job.html, job.options);
}

/** Parses on the calling thread. */
export const parseHere: ArticleParser = { parse: (job) => parseArticle(job) };
