/** A URL → the article on that page: fetch, check that it is HTML, decode, extract. */
import type { Article } from '../article.js';
import { decodeHtml } from '../html/decode-html.js';
import { extractArticle } from '../html/extract-article.js';
import { looksLikeHtml } from '../html/looks-like-html.js';
import { FetchError } from './fetch-error.js';
import { fetchPage, type FetchPageOptions } from './fetch-page.js';

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);

/** Whether a response is an HTML page: by its Content-Type, or by its first bytes when it has none. */
export function isHtmlResponse(contentType: string, body: Uint8Array): boolean {
  const mime = contentType.split(';')[0]!.trim().toLowerCase();
  if (mime !== '') return HTML_TYPES.has(mime);
  return looksLikeHtml(body);
}


export async function fetchArticle(url: string, options: FetchPageOptions = {}): Promise<Article> {
  const page = await fetchPage(url, options);
  if (!isHtmlResponse(page.contentType, page.body)) {
    const what = page.contentType.split(';')[0]!.trim() || 'something that is not HTML';
    throw new FetchError('not-html', page.finalUrl, `${page.finalUrl}: the server sent ${what}, not an HTML page; save the text and pass the file instead`);
  }
  const { text } = decodeHtml(page.body, page.contentType);
  const article = extractArticle(text, { url: page.finalUrl, inputName: url });
  article.provenance = {
    ...article.provenance,
    url,
    ...(page.finalUrl !== url ? { finalUrl: page.finalUrl } : {}),
    fetchedAt: page.fetchedAt,
  };
  return article;
}
