/**
 * The page readers as the package exports them (src/index.ts). A library caller is promised one
 * error type (README, "As a library"): every failure it can act on is a Da2enError with its kind
 * (`fetch-*`, `no-article`) and the reader's own error (FetchError, NoArticleError) as its `cause`.
 * An aborted `signal` is kind `interrupted` with the signal's reason as its `cause`, as everywhere in
 * the library. A limit out of range (a NaN time, a negative size) is kind `usage`, before any request.
 * The CLI and the server call the readers directly and map the same errors themselves (inputUserError).
 */
import { checkFetchNumbers } from './check-options.js';
import { inputUserError, interruptedError } from './errors.js';
import type { Article } from './input/article.js';
import { fetchArticle as fetchArticleOf } from './input/fetch/fetch-article.js';
import { fetchPage as fetchPageAt, type FetchedPage, type FetchPageOptions } from './input/fetch/fetch-page.js';
import { extractArticle as extractArticleFrom, type ExtractOptions } from './input/html/extract-article.js';

/** The article at a URL: fetched, checked to be HTML, decoded, extracted. */
export async function fetchArticle(url: string, options: FetchPageOptions = {}): Promise<Article> {
  checkFetchNumbers(options);
  try {
    return await fetchArticleOf(url, options);
  } catch (err) {
    throw readerError(err, options.signal);
  }
}

/** The page at a URL, its bytes as sent (after redirects, decompressed). */
export async function fetchPage(url: string, options: FetchPageOptions = {}): Promise<FetchedPage> {
  checkFetchNumbers(options);
  try {
    return await fetchPageAt(url, options);
  } catch (err) {
    throw readerError(err, options.signal);
  }
}

/** The article in a page's HTML (Readability, then typed blocks). */
export function extractArticle(html: string, options: ExtractOptions = {}): Article {
  try {
    return extractArticleFrom(html, options);
  } catch (err) {
    throw inputUserError(err);
  }
}

function readerError(err: unknown, signal: AbortSignal | undefined): unknown {
  return signal?.aborted ? interruptedError(signal.reason) : inputUserError(err);
}
