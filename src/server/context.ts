/**
 * What the routes share with the server that runs them (types only, so that routes and the
 * server assembling them do not import each other).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Article } from '../input/article.js';
import type { InputEncoding } from '../io/decode-text.js';
import type { ExtractOptions } from '../input/html/extract-article.js';
import type { OutputFormat } from '../rendering/formats.js';
import type { ServerEngine } from './engine.js';
import type { FragmentTemplate } from './html-fragment.js';
import type { HttpError } from './http-error.js';
import type { SentenceScheduler } from './scheduler.js';

export interface FetchPolicy {
  /** URL input allowed at all (--no-fetch turns it off). */
  enabled: boolean;
  /** Private, loopback and link-local addresses may be fetched (--allow-private-fetch). */
  allowPrivate: boolean;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
}

/** How /v1/articles reads its input (the CLI's --input-format, less `url`: the url field says that). */
export type ApiInputFormat = 'auto' | 'text' | 'html' | 'md';

export interface ArticleBody {
  text?: string;
  html?: string;
  url?: string;
  input_format?: ApiInputFormat;
  /** How a URL's answer is decoded (the CLI's --encoding); the text and html fields are already text. */
  encoding?: InputEncoding;
  /** Rendered files to include in the stream's `done` event (for the reading page's downloads). */
  render?: OutputFormat[];
  api_key?: string;
}

/** What handlers share: the queue, the limits, and how to start and end a request's work. */
export interface ServerContext {
  engine: ServerEngine;
  scheduler: SentenceScheduler;
  charLimit: number;
  apiKeys: ReadonlySet<string> | undefined;
  fetch: FetchPolicy;
  /** Admits a translation request (429 when the queue is full) and gives it its abort signal. */
  begin(request: FastifyRequest, reply: FastifyReply): AbortSignal;
  /** The article in a page's HTML, extracted off the event loop; rejects when `signal` fires. */
  extractArticle(html: string, options: ExtractOptions, signal: AbortSignal): Promise<Article>;
  /** The article in a Markdown text (a URL's text/markdown answer), parsed off the event loop; rejects when `signal` fires. */
  parseMarkdown(text: string, inputName: string, signal: AbortSignal): Promise<Article>;
  /** A `format: "html"` fragment's markup and texts, parsed off the event loop; rejects when `signal` fires. */
  prepareHtmlFragment(html: string, signal: AbortSignal): Promise<FragmentTemplate>;
  /** Throws the right HttpError when a request's signal fired. */
  abortError(signal: AbortSignal): HttpError;
  /** Checks the request's API key (401 missing, 403 unknown). */
  checkKey(request: FastifyRequest): void;
  /** Checks a text size against the character limit (413). */
  checkChars(chars: number): void;
}

