/**
 * The input readers' errors as an HTTP client should read them. The library's messages end with
 * their way out in the library's words ("set the encoding option to cp1252", "leave out the Markdown
 * input format"): the server says those as its request fields (apiMessage), or words its own from the
 * errors' data (a fetch error's kind and content type), never by cutting up their messages. Each
 * keeps the status its kind has had.
 */
import { inputUserError } from '../errors.js';
import { InputFileError, NoArticleError, UndecodablePageError } from '../input/errors.js';
import { FetchError } from '../input/fetch/fetch-error.js';
import { redactUrl } from '../input/fetch/redact-url.js';
import { DecodeError } from '../io/decode-text.js';
import { PageNotMarkdownError } from '../io/read-article.js';
import type { ArticleBody } from './context.js';
import { HttpError, toHttpError } from './http-error.js';
import { apiMessage } from './setting-words.js';

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
    // A text or Markdown answer whose bytes are not text in its charset: the encoding field may read
    // it (its advice, when it has one), and the client may always decode it itself.
    const problem = decoding.settings.includes('encoding') ? `${apiMessage(decoding)}, or` : `${decoding.problem};`;
    return new HttpError(400, `${redactUrl(body.url)} ${problem} send its text, decoded, in the "text" field`, {}, cause);
  }
  if (err instanceof FetchError && err.kind === 'not-html') {
    const sent = err.contentType || 'an answer with no Content-Type';
    if (body.input_format === 'html') {
      return new HttpError(502, `${err.url}: the server sent ${sent}, not the HTML page "input_format": "html" asks for; leave input_format out to read a plain-text or Markdown answer as such`, {}, cause);
    }
    return new HttpError(502, `${err.url}: the server sent ${sent}, which is not a web page, plain text or Markdown; send the article's text in the "text" field`, {}, cause);
  }
  if (err instanceof PageNotMarkdownError) {
    return new HttpError(400, apiMessage(err), {}, cause);
  }
  if (err instanceof NoArticleError) {
    return new HttpError(422, apiMessage(err), {}, cause);
  }
  if (err instanceof UndecodablePageError) {
    // Said on the reading page too, whose user has the encoding choice and the text box, never the html field.
    return new HttpError(400, `${apiMessage(err)} (on the reading page: the encoding choice), or send its text decoded: the article in the "text" field (on the reading page: paste it) or the page in the "html" field`, {}, cause);
  }
  if (err instanceof InputFileError) {
    // A Markdown or text answer with nothing to translate in it: as a page without an article.
    return new HttpError(422, apiMessage(err), {}, cause);
  }
  // A fetch failure: its own status (502/504/403) and one line.
  return toHttpError(inputUserError(err));
}
