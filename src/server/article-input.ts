/**
 * What /v1/articles translates: the text of the request, the article in its HTML, or the article
 * at its URL (fetched under the server's fetch policy: the same limits as the CLI, and no private
 * address unless the server was started with --allow-private-fetch).
 */
import type { Article } from '../input/article.js';
import { inputUserError } from '../errors.js';
import { NoArticleError, UndecodablePageError } from '../input/errors.js';
import { articleOfPage, fetchHtml } from '../input/fetch/fetch-article.js';
import type { FetchPageOptions } from '../input/fetch/fetch-page.js';
import { isPublicAddress } from './address-policy.js';
import type { ArticleBody, ServerContext } from './context.js';
import { HttpError, toHttpError } from './http-error.js';

export type ArticleInput =
  | { kind: 'text'; text: string }
  | { kind: 'article'; article: Article; inputFormat: 'html' | 'url' };

/** Characters of text an article holds (what the character limit counts). */
export function articleChars(article: Article): number {
  return article.title.length + article.blocks.reduce((n, b) => n + b.text.length, 0);
}

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new HttpError(400, `Invalid request: url is not a valid URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new HttpError(400, 'Invalid request: url must be an http or https URL');
}

export async function loadArticleInput(body: ArticleBody, ctx: ServerContext, signal: AbortSignal): Promise<ArticleInput> {
  try {
    if (body.text !== undefined) return { kind: 'text', text: body.text };
    if (body.html !== undefined) return { kind: 'article', article: await ctx.extractArticle(body.html, { inputName: 'the html field' }, signal), inputFormat: 'html' };
    if (body.url === undefined) throw new HttpError(400, 'Invalid request: give exactly one of text, html or url');
    if (!ctx.fetch.enabled) throw new HttpError(403, 'URL input is disabled on this server (--no-fetch)');
    checkUrl(body.url);
    const policy = ctx.fetch;
    const options: FetchPageOptions = {
      signal,
      ...(policy.allowPrivate ? {} : { allowAddress: (address: string, family: 4 | 6) => isPublicAddress(address, family) }),
      ...(policy.timeoutMs !== undefined ? { timeoutMs: policy.timeoutMs } : {}),
      ...(policy.maxBytes !== undefined ? { maxBytes: policy.maxBytes } : {}),
      ...(policy.maxRedirects !== undefined ? { maxRedirects: policy.maxRedirects } : {}),
    };
    // The fetch is I/O on this thread; the extraction runs in a worker.
    const page = await fetchHtml(body.url, options);
    const article = await articleOfPage(page, (html, extractOptions) => ctx.extractArticle(html, extractOptions, signal));
    return { kind: 'article', article, inputFormat: 'url' };
  } catch (err) {
    if (err instanceof HttpError || signal.aborted) throw err;
    if (err instanceof NoArticleError) {
      throw new HttpError(422, `${err.input}: no article text found in the page; send its text in the "text" field to translate all of it`, {}, { cause: err });
    }
    if (err instanceof UndecodablePageError) {
      throw new HttpError(400, `${err.input}: not valid UTF-8 and no charset declared (first bad byte at offset ${err.offset}); send the page's text, decoded, in the "html" field`, {}, { cause: err });
    }
    // A fetch failure or a page without an article: its own status (502/504/403/422) and one line.
    throw toHttpError(inputUserError(err));
  }
}
