/** A URL → the article on that page: fetch, check that it is HTML, decode (fetchHtml); extract (articleOfPage). */
import type { Article } from '../article.js';
import { decodeHtml } from '../html/decode-html.js';
import { extractArticle, type ExtractOptions } from '../html/extract-article.js';
import { looksLikeHtml } from '../html/looks-like-html.js';
import { FetchError } from './fetch-error.js';
import { fetchPage, type FetchPageOptions } from './fetch-page.js';
import { redactUrl, withoutCredentials } from './redact-url.js';

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);

/** Whether a response is an HTML page: by its Content-Type, or by its first bytes when it has none. */
export function isHtmlResponse(contentType: string, body: Uint8Array): boolean {
  const mime = contentType.split(';')[0]!.trim().toLowerCase();
  if (mime !== '') return HTML_TYPES.has(mime);
  return looksLikeHtml(body);
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
  const page = await fetchPage(url, options);
  if (!isHtmlResponse(page.contentType, page.body)) {
    const what = page.contentType.split(';')[0]!.trim() || 'something that is not HTML';
    const shown = redactUrl(page.finalUrl);
    throw new FetchError('not-html', shown, `${shown}: the server sent ${what}, not an HTML page; save the text and pass the file instead`);
  }
  const { text, notes } = decodeHtml(page.body, charset ? `text/html; charset=${charset}` : page.contentType, redactUrl(url));
  return { url, finalUrl: page.finalUrl, fetchedAt: page.fetchedAt, html: text, notes };
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
