/** A URL → the article on that page: fetch, check that it is HTML, decode, extract. */
import type { Article } from '../article.js';
import { decodeHtml } from '../html/decode-html.js';
import { extractArticle } from '../html/extract-article.js';
import { FetchError } from './fetch-error.js';
import { fetchPage, type FetchPageOptions } from './fetch-page.js';

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);

/** Whether a response is an HTML page: by its Content-Type, or by its first bytes when it has none. */
export function isHtmlResponse(contentType: string, body: Uint8Array): boolean {
  const mime = contentType.split(';')[0]!.trim().toLowerCase();
  if (mime !== '') return HTML_TYPES.has(mime);
  return looksLikeHtml(body);
}

/** `<!doctype html` or `<html` at the start (after a BOM, white space and comments are skipped). */
export function looksLikeHtml(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1').replace(/^\uFEFF|^\u00EF\u00BB\u00BF/, '');
  return /^\s*(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html[\s>])/i.test(head);
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
