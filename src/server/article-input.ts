/**
 * What /v1/articles translates: the text of the request, or the article in its HTML, or the page
 * at its URL (fetched under the server's fetch policy).
 */
import type { ArticleBody, ServerContext } from './context.js';
import { HttpError } from './http-error.js';

export interface ArticleInput {
  text: string;
  /** Where the text came from (the URL), kept in the document's metadata. */
  source?: string;
}

export async function loadArticleInput(body: ArticleBody, ctx: ServerContext, signal: AbortSignal): Promise<ArticleInput> {
  void signal;
  if (body.text !== undefined) return { text: body.text };
  if (body.url !== undefined && !ctx.fetch.enabled) throw new HttpError(403, 'URL input is disabled on this server (--no-fetch)');
  throw new HttpError(501, 'HTML and URL input are not available in this build');
}
