/**
 * Parsing an article's text, as a job that runs on this thread (parseHere) or in a worker thread
 * that a stop ends (src/io/parse-thread.ts). The parsers are imported when a job needs them (linkedom
 * and Readability, or the Markdown parser, take ~0.2–0.5 s to import).
 */
import type { Article } from './article.js';
import type { ExtractOptions } from './html/extract-article.js';

export type ParseJob = { job: 'markdown'; text: string; inputName: string } | { job: 'html'; html: string; options: ExtractOptions };

export interface ArticleParser {
  /** The job's article; rejects with the signal's reason once it fires (parseHere cannot hear it until done). */
  parse(job: ParseJob, signal?: AbortSignal): Promise<Article>;
}

const markdownParser = () => import('./markdown/parse-markdown.js');
const pageReader = () => import('./html/extract-article.js');

/** Imports the parser a job of this kind needs, ahead of the job (a parse thread's start: src/io/parse-thread.ts). */
export async function loadParser(kind: ParseJob['job']): Promise<void> {
  await (kind === 'markdown' ? markdownParser() : pageReader());
}

export async function parseArticle(job: ParseJob): Promise<Article> {
  if (job.job === 'markdown') return (await markdownParser()).parseMarkdown(job.text, job.inputName);
  return (await pageReader()).extractArticle(job.html, job.options);
}

/** Parses on the calling thread. */
export const parseHere: ArticleParser = { parse: (job) => parseArticle(job) };
