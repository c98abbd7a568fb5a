/**
 * What /v1/articles translates: the text of the request, the article in its HTML, or what its URL
 * answers, read as the CLI reads a URL (src/io/read-article.ts readUrl: a web page's article, a
 * text/markdown answer as Markdown, a text/plain one as text; anything else refused), fetched under
 * the server's fetch policy: the same limits as the CLI, and no private address unless the server
 * was started with --allow-private-fetch. `input_format` chooses otherwise, as --input-format does
 * for the CLI; what reading found and fixed on the way (Windows-1252 detected, NULs removed) comes
 * back as notices.
 */
import type { DocumentMetadata } from '../document/types.js';
import type { Article } from '../input/article.js';
import { InputFileError } from '../input/errors.js';
import type { FetchPageOptions } from '../input/fetch/fetch-page.js';
import type { ArticleParser } from '../input/parse-article.js';
import { decodeBytes } from '../io/decode-text.js';
import type { TextAnswer } from '../io/fetched-text.js';
import { hasTextToTranslate, readUrl } from '../io/read-article.js';
import { nulsRemovedNote, removeNuls } from '../nul-characters.js';
import { isBlank } from '../segmentation/normalize.js';
import { isPublicAddress } from './address-policy.js';
import type { ApiInputFormat, ArticleBody, ServerContext } from './context.js';
import { HttpError } from './http-error.js';
import { inputHttpError } from './input-errors.js';
import { apiNotice } from './setting-words.js';

type ReadInput =
  /** `metadata`: a URL's plain-text answer, where it came from. */
  | { kind: 'text'; text: string; metadata?: DocumentMetadata }
  | { kind: 'article'; article: Article; inputFormat: 'html' | 'url' | 'md' };

export type ArticleInput = ReadInput & {
  /** What reading found and fixed (Windows-1252 detected, NULs removed), one line each, as the CLI says them on stderr. */
  notices: string[];
};

/** encoding's values: the CLI's --encoding ones. */
export { INPUT_ENCODINGS as API_ENCODINGS } from '../io/decode-text.js';

/** input_format's values, in the order a 400 lists them. */
export const API_INPUT_FORMATS: readonly ApiInputFormat[] = ['auto', 'text', 'html', 'md'];

/** Characters of text an article holds (what the character limit counts). */
export function articleChars(article: Article): number {
  return article.title.length + article.blocks.reduce((n, b) => n + b.text.length, 0);
}

/**
 * Refuses an input_format that does not fit the field it would read (before the request takes a
 * place in the queue): the html field is a web page, never Markdown, and a page sent as text goes
 * in the html field. A URL's answer is only known once fetched (readUrl refuses what does not fit).
 */
export function checkInputFormat(body: ArticleBody): void {
  const as = body.input_format ?? 'auto';
  if (body.html !== undefined && as === 'md') {
    throw new HttpError(400, 'Invalid request: the html field is read as a web page, not as Markdown; send Markdown in the "text" field with "input_format": "md"');
  }
  if (body.text !== undefined && as === 'html') {
    throw new HttpError(400, 'Invalid request: "input_format": "html" reads a web page; send the page in the "html" field instead of "text"');
  }
  // The text and html fields are JSON strings, already decoded: an encoding for them would be dropped without a word.
  if (body.url === undefined && (body.encoding ?? 'auto') !== 'auto') {
    throw new HttpError(400, 'Invalid request: "encoding" reads the bytes of a URL\'s answer; the text and html fields are already text, so leave it out');
  }
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

/** NULs are never text: the segmenter drops them, and the CLI says how many. */
function noteNuls(text: string, onNote: (note: string) => void): void {
  const { removed } = removeNuls(text);
  if (removed > 0) onNote(nulsRemovedNote(removed));
}

/**
 * A URL's plain-text answer as the text field's would be: decoded as the CLI decodes it (its
 * charset, else detected), and refused when there is nothing in it to translate.
 */
async function answerText(answer: TextAnswer, name: string, onNote: (note: string) => void): Promise<string> {
  const { text, notes } = await decodeBytes(answer.bytes, answer.encoding);
  notes.forEach(onNote);
  if (isBlank(removeNuls(text).text)) throw new InputFileError(name, 'the server sent no text (nothing but white space or invisible characters); nothing to translate');
  noteNuls(text, onNote);
  return text;
}

/** The text field, as text or (`md`) as Markdown, parsed off the event loop. */
async function textInput(text: string, as: ApiInputFormat, ctx: ServerContext, signal: AbortSignal, onNote: (note: string) => void): Promise<ReadInput> {
  if (as !== 'md') {
    noteNuls(text, onNote);
    return { kind: 'text', text };
  }
  const article = await ctx.parseMarkdown(text, 'the text field', signal);
  article.notes?.forEach(onNote);
  // As a Markdown file of front matter or code alone: a header and nothing else would look like a lost article.
  if (!hasTextToTranslate(article)) throw new InputFileError('the text field', 'no text to translate (front matter, rules, images without alt text and code blocks are not translated)');
  return { kind: 'article', article, inputFormat: 'md' };
}

export async function loadArticleInput(body: ArticleBody, ctx: ServerContext, signal: AbortSignal): Promise<ArticleInput> {
  const notices: string[] = [];
  // In the API's words: "choose another with the encoding field", not the library's option.
  const onNote = (note: string) => void notices.push(apiNotice(note));
  const as = body.input_format ?? 'auto';
  try {
    if (body.text !== undefined) return { ...(await textInput(body.text, as, ctx, signal, onNote)), notices };
    if (body.html !== undefined) {
      // `text`: all of the page's visible text, as --input-format text reads a URL's page.
      const article = await ctx.extractArticle(body.html, { inputName: 'the html field', ...(as === 'text' ? { wholePage: true } : {}) }, signal);
      article.notes?.forEach(onNote);
      return { kind: 'article', article, inputFormat: 'html', notices };
    }
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
    // By its Content-Type unless input_format says otherwise, as for the CLI's --input-format.
    // The encoding, as the CLI's --encoding, for bytes whose charset the answer does not say (or says wrongly).
    const read = await readUrl(body.url, as, { fetch: options, parser, signal, onNote, ...(body.encoding ? { encoding: body.encoding } : {}) });
    if ('article' in read) return { kind: 'article', ...read, notices };
    return { kind: 'text', text: await answerText(read.text, read.provenance.url, onNote), metadata: read.provenance, notices };
  } catch (err) {
    if (err instanceof HttpError || signal.aborted) throw err;
    throw inputHttpError(err, body);
  }
}
