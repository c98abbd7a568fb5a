/**
 * What /v1/articles translates: the text of the request, the article in its HTML, or what its URL
 * answers, read as the CLI reads a URL (src/io/read-article.ts readUrl: a web page's article, a
 * text/markdown answer as Markdown, a text/plain one as text; anything else refused), fetched under
 * the server's fetch policy: the same limits as the CLI, and no private address unless the server
 * was started with --allow-private-fetch.
 */
import type { DocumentMetadata } from '../document/types.js';
import type { Article } from '../input/article.js';
import { inputUserError } from '../errors.js';
import { InputFileError, NoArticleError, UndecodablePageError } from '../input/errors.js';
import type { FetchPageOptions } from '../input/fetch/fetch-page.js';
import { redactUrl } from '../input/fetch/redact-url.js';
import type { ArticleParser } from '../input/parse-article.js';
import { decodeBytes, DecodeError } from '../io/decode-text.js';
import type { TextAnswer } from '../io/fetched-text.js';
import { readUrl } from '../io/read-article.js';
import { removeNuls } from '../nul-characters.js';
import { isBlank } from '../segmentation/normalize.js';
import { isPublicAddress } from './address-policy.js';
import type { ArticleBody, ServerContext } from './context.js';
import { HttpError, toHttpError } from './http-error.js';

export type ArticleInput =
  /** `metadata`: a URL's plain-text answer, where it came from. */
  | { kind: 'text'; text: string; metadata?: DocumentMetadata }
  | { kind: 'article'; article: Article; inputFormat: 'html' | 'url' | 'md' };

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

/**
 * A URL's plain-text answer as the text field's would be: decoded as the CLI decodes it (its
 * charset, else detected), and refused when there is nothing in it to translate.
 */
async function answerText(answer: TextAnswer, name: string): Promise<string> {
  const { text } = await decodeBytes(answer.bytes, answer.encoding);
  if (isBlank(removeNuls(text).text)) throw new InputFileError(name, 'the server sent no text (nothing but white space or invisible characters); nothing to translate');
  return text;
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
    // The fetch is I/O on this thread; a page's extraction and a Markdown answer's parse run in a worker.
    const parser: ArticleParser = {
      parse: (job) => (job.job === 'html' ? ctx.extractArticle(job.html, job.options, signal) : ctx.parseMarkdown(job.text, job.inputName, signal)),
    };
    // No field says how to read the answer: its Content-Type does, as for the CLI without --input-format.
    const read = await readUrl(body.url, 'auto', { fetch: options, parser, signal });
    if ('article' in read) return { kind: 'article', ...read };
    return { kind: 'text', text: await answerText(read.text, read.provenance.url), metadata: read.provenance };
  } catch (err) {
    if (err instanceof HttpError || signal.aborted) throw err;
    // A text or Markdown answer's bytes that are not text (the Markdown reader's error wraps the decoder's).
    const decoding = err instanceof DecodeError ? err : (err as Error | undefined)?.cause;
    if (body.url !== undefined && decoding instanceof DecodeError) {
      // Its advice ("pass --encoding cp1252") names a CLI option an HTTP client does not have: the reason alone, and the server's way out.
      throw new HttpError(400, `${redactUrl(body.url)} ${decoding.message.split('; ')[0]!}; send its text, decoded, in the "text" field`, {}, { cause: err });
    }
    if (err instanceof NoArticleError) {
      throw new HttpError(422, `${err.input}: no article text found in the page; send its text in the "text" field to translate all of it`, {}, { cause: err });
    }
    if (err instanceof UndecodablePageError) {
      throw new HttpError(400, `${err.input}: not valid UTF-8 and no charset declared (first bad byte at offset ${err.offset}); send the page's text, decoded, in the "html" field`, {}, { cause: err });
    }
    if (err instanceof InputFileError) {
      // A Markdown or text answer with nothing to translate in it: as a page without an article.
      throw new HttpError(422, err.message, {}, { cause: err });
    }
    // A fetch failure or a page without an article: its own status (502/504/403/422) and one line.
    throw toHttpError(inputUserError(err));
  }
}
