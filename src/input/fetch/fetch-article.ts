/** A URL → the article on that page: fetch, check that it is HTML, decode (fetchHtml); extract (articleOfPage). */
import type { Article } from '../article.js';
import { decodeHtml } from '../html/decode-html.js';
import { extractArticle, type ExtractOptions } from '../html/extract-article.js';
import { looksLikeHtml } from '../html/looks-like-html.js';
import { FetchError } from './fetch-error.js';
import { fetchPage, type FetchedPage, type FetchPageOptions } from './fetch-page.js';
import { redactUrl, withoutCredentials } from './redact-url.js';

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
/** Answers that are text as they stand: read as a text file or a Markdown file is. */
const TEXT_TYPES: Readonly<Record<string, 'text' | 'md'>> = { 'text/plain': 'text', 'text/markdown': 'md', 'text/x-markdown': 'md' };

/** A Content-Type's media type, lower case, without its parameters ('' when none). */
function mediaType(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}

/** Whether a response is an HTML page: by its Content-Type, or by its first bytes when it has none. */
export function isHtmlResponse(contentType: string, body: Uint8Array): boolean {
  const mime = mediaType(contentType);
  if (mime !== '') return HTML_TYPES.has(mime);
  return looksLikeHtml(body);
}

/**
 * What a response holds, by its Content-Type: an HTML page (by its first bytes when it has no
 * Content-Type), plain text or Markdown, or something da2en does not read (undefined: a PDF, JSON…).
 */
export function responseKind(contentType: string, body: Uint8Array): 'html' | 'text' | 'md' | undefined {
  if (isHtmlResponse(contentType, body)) return 'html';
  return TEXT_TYPES[mediaType(contentType)];
}

/** A fetched page known to be HTML, decoded to text: what extraction needs. */
export interface FetchedHtml {
  /** The URL asked for. */
  url: string;
  /** The URL that finally answered (after redirects). */
  finalUrl: string;
  fetchedAt: string;
  html: string;
  /** What decoding guessed rather than read from the page (Windows-1252 detected), one line each. */
  notes: string[];
}

/**
 * The page at a URL, checked to be HTML and decoded. `charset` (a WHATWG label: --encoding) stands
 * for the charset of the HTTP header, as it does for a saved page: a byte order mark still wins.
 */
export async function fetchHtml(url: string, options: FetchPageOptions = {}, charset?: string): Promise<FetchedHtml> {
  return htmlOfPage(await fetchPage(url, options), charset);
}

/** A fetched page checked to be HTML and decoded, as fetchHtml gives it. */
export function htmlOfPage(page: FetchedPage, charset?: string): FetchedHtml {
  if (!isHtmlResponse(page.contentType, page.body)) {
    const what = page.contentType.split(';')[0]!.trim() || 'something that is not HTML';
    const shown = redactUrl(page.finalUrl);
    throw new FetchError('not-html', shown, `${shown}: the server sent ${what}, not an HTML page; save the text and pass the file instead`);
  }
  const { text, notes } = decodeHtml(page.body, charset ? `text/html; charset=${charset}` : page.contentType, redactUrl(page.url));
  return { url: page.url, finalUrl: page.finalUrl, fetchedAt: page.fetchedAt, html: text, notes };
}

export type Extractor = (html: string, options: ExtractOptions) => Article | Promise<Article>;

/**
 * The article in a fetched page, with where it came from. `extract` is extractArticle here, or the
 * same run elsewhere (the server runs it in a worker thread, off its event loop). The provenance,
 * which outputs keep, names the URLs with their credentials hidden, and links are resolved against
 * the page's URL without them.
 */
export async function articleOfPage(page: FetchedHtml, extract: Extractor = extractArticle): Promise<Article> {
  const article = await extract(page.html, { url: withoutCredentials(page.finalUrl), inputName: redactUrl(page.url) });
  article.provenance = {
    ...article.provenance,
    url: redactUrl(page.url),
    ...(page.finalUrl !== page.url ? { finalUrl: redactUrl(page.finalUrl) } : {}),
    fetchedAt: page.fetchedAt,
  };
  return article;
}

export async function fetchArticle(url: string, options: FetchPageOptions = {}): Promise<Article> {
  return articleOfPage(await fetchHtml(url, options));
}
