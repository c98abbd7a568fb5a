/**
 * The input readers' errors as an HTTP client should read them. The library's messages end with
 * the CLI's way out ("pass --encoding cp1252", "save the text and pass the file instead", "leave out
 * --input-format md"), which names options a client does not have; the server words its own from
 * the errors' data (a decode error's problem, a fetch error's kind and content type, a page's first
 * bad byte), never by cutting up their messages. Each keeps the status its kind has had.
 */
import { inputUserError } from '../errors.js';
import { InputFileError, NoArticleError, UndecodablePageError } from '../input/errors.js';
import { FetchError } from '../input/fetch/fetch-error.js';
import { redactUrl } from '../input/fetch/redact-url.js';
import { DecodeError } from '../io/decode-text.js';
import { PageNotMarkdownError } from '../io/read-article.js';
import type { ArticleBody } from './context.js';
import { HttpError, toHttpError } from './http-error.js';

/** The decode error in `err`: itself, or the cause of the Markdown reader's error that names the input. */
function decodeErrorIn(err: unknown): DecodeError | undefined {
  if (err instanceof DecodeError) return err;
  const cause = (err as Error | undefined)?.cause;
  return cause instanceof DecodeError ? cause : undefined;
}

export function inputHttpError(err: unknown, body: ArticleBody): HttpError {
  if (err instanceof HttpError) return err;
  const cause = { cause: err };
  const decoding = decodeErrorIn(err);
  if (body.url !== undefined && decoding) {
    // A text or Markdown answer whose bytes are not text in its charset.
    return new HttpError(400, `${redactUrl(body.url)} ${decoding.problem}; send its text, decoded, in the "text" field`, {}, cause);
  }
  if (err instanceof FetchError && err.kind === 'not-html') {
    const sent = err.contentType || 'an answer with no Content-Type';
    if (body.input_format === 'html') {
      return new HttpError(502, `${err.url}: the server sent ${sent}, not the HTML page "input_format": "html" asks for; leave input_format out to read a plain-text or Markdown answer as such`, {}, cause);
    }
    return new HttpError(502, `${err.url}: the server sent ${sent}, which is not a web page, plain text or Markdown; send the article's text in the "text" field`, {}, cause);
  }
  if (err instanceof PageNotMarkdownError) {
    return new HttpError(400, `${err.url}: the server sent an HTML page, which is read as a web page, not as Markdown; leave out "input_format": "md"`, {}, cause);
  }
  if (err instanceof NoArticleError) {
    return new HttpError(422, `${err.input}: no article text found in the page; to translate all of its text, set "input_format": "text"`, {}, cause);
  }
  if (err instanceof UndecodablePageError) {
    return new HttpError(400, `${err.input}: not valid UTF-8 and no charset declared (first bad byte at offset ${err.offset}); send the page's text, decoded, in the "html" field`, {}, cause);
  }
  if (err instanceof InputFileError) {
    // A Markdown or text answer with nothing to translate in it: as a page without an article.
    return new HttpError(422, err.message, {}, cause);
  }
  // A fetch failure: its own status (502/504/403) and one line.
  return toHttpError(inputUserError(err));
}
