/**
 * Reads one input that has structure (a saved web page, a Markdown file, a URL, or standard input
 * said to be one of those) into an Article. Plain text does not come here: it streams
 * (src/io/paragraph-stream.ts).
 */
import { open, readFile } from 'node:fs/promises';
import { Da2enError, SETTING_WORDS } from '../errors.js';
import { decodeBytes, DecodeError, notTextError, type InputEncoding } from './decode-text.js';
import type { Article, ArticleProvenance } from '../input/article.js';
import { InputFileError } from '../input/errors.js';
import type { FetchPageOptions } from '../input/fetch/fetch-page.js';
import { DEFAULT_MAX_BYTES } from '../input/fetch/limits.js';
import type { InputFormat } from '../input/input-format.js';
import { isBlank } from '../segmentation/normalize.js';
import { parseHere, type ArticleParser } from '../input/parse-article.js';
import type { TextAnswer } from './fetched-text.js';

export interface ReadArticleOptions {
  /** For URLs. */
  fetch?: FetchPageOptions;
  /** Where "-" is read from. */
  stdin?: NodeJS.ReadableStream;
  /** Largest file read (default: the fetcher's page limit, 8 MiB). */
  maxBytes?: number;
  /**
   * How a file or standard input is decoded (default 'auto', as text is: decode-text.ts). A page's
   * own charset (a BOM, <meta charset>, a URL's HTTP header) decides under 'auto'; another choice
   * stands for the charset of the HTTP header (a URL's is overridden).
   */
  encoding?: InputEncoding;
  /** Told what decoding found and fixed (Windows-1252 detected, NULs removed), one line each; for URLs too. */
  onNote?: (note: string) => void;
  /** Where the text is parsed (default: on this thread; a ParseThread, ./parse-thread.ts, runs it where a stop can end it). */
  parser?: ArticleParser;
  /** Ends a parse in a ParseThread (a URL's fetch has its own, in `fetch`). */
  signal?: AbortSignal;
  /** A URL's page: all of its visible text, not only the article in it (--input-format text). */
  wholePage?: boolean;
}

/** The first bytes of a file (for telling a saved web page from text); empty for stdin or an unreadable file. */
export async function readHead(file: string, bytes = 1024): Promise<Uint8Array> {
  if (file === '-') return new Uint8Array();
  try {
    const handle = await open(file, 'r');
    try {
      const buf = Buffer.alloc(bytes);
      const { bytesRead } = await handle.read(buf, 0, bytes, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    return new Uint8Array(); // the reader proper reports what is wrong with the file
  }
}

async function readAll(input: string, options: ReadArticleOptions): Promise<Buffer> {
  const max = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (input === '-') {
    const parts: Buffer[] = [];
    let size = 0;
    for await (const part of options.stdin ?? process.stdin) {
      const b = typeof part === 'string' ? Buffer.from(part) : (part as Buffer);
      size += b.length;
      if (size > max) throw new InputFileError(input, `larger than ${max} bytes, the most a Markdown or HTML input may have (text inputs have no limit)`);
      parts.push(b);
    }
    return Buffer.concat(parts);
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(input);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new InputFileError(input, why, { cause: err });
  }
  // Parsed whole, unlike a text input (streamed): bounded as a fetched page is.
  if (bytes.length > max) throw new InputFileError(input, `larger than ${max} bytes, the most a Markdown or HTML input may have (text inputs have no limit)`);
  return bytes;
}

/** A decoding error as one line naming the input, as a text input's reads (paragraph-stream.ts). */
function named(err: unknown, name: string): unknown {
  return err instanceof DecodeError ? new Da2enError('input', `${name} ${err.message}`, { cause: err, settings: err.settings }) : err;
}

const EMPTY = 'empty (nothing but white space or invisible characters); nothing to translate';

/** Blocks the model is given: code is shown as it is, never translated. */
export function hasTextToTranslate(article: Article): boolean {
  return article.blocks.some((b) => b.type !== 'code' && !isBlank(b.text));
}

/** The charset a page (saved or fetched) is read in when `--encoding` names one: WHATWG labels. */
const PAGE_CHARSETS: Record<Exclude<InputEncoding, 'auto'>, string> = {
  utf8: 'utf-8',
  cp1252: 'windows-1252',
  'windows-1252': 'windows-1252',
  latin1: 'windows-1252',
  utf16le: 'utf-16le',
  utf16be: 'utf-16be',
};

/**
 * The readers are imported when an input needs them: the HTML reader (linkedom, Readability), the
 * fetcher (undici) and the Markdown parser together take ~0.5 s to import, which a text article
 * should not wait for (the parsers are imported where `parser` runs them: ../input/parse-article.ts).
 */
export async function readArticle(input: string, format: Exclude<InputFormat, 'text'>, options: ReadArticleOptions = {}): Promise<Article> {
  if (format === 'url') {
    const { articleOfPage, fetchHtml } = await import('../input/fetch/fetch-article.js');
    const { encoding = 'auto' } = options;
    const page = await fetchHtml(input, options.fetch, encoding === 'auto' ? undefined : PAGE_CHARSETS[encoding]);
    page.notes.forEach((note) => options.onNote?.(note));
    const { parser = parseHere, signal } = options;
    const wholePage = options.wholePage ? { wholePage: true } : {};
    return noted(await articleOfPage(page, (html, extractOptions) => parser.parse({ job: 'html', html, options: { ...extractOptions, ...wholePage } }, signal)), options);
  }
  const bytes = await readAll(input, options);
  return articleFromBytes(bytes, input === '-' ? 'standard input' : input, format, options);
}

/** Where a URL's answer came from, its URLs with their credentials hidden (an article keeps the same in its provenance). */
export type UrlProvenance = Required<Pick<ArticleProvenance, 'url' | 'fetchedAt'>> & Pick<ArticleProvenance, 'finalUrl'>;

/**
 * A URL's answer as readUrl reads it: an article (a web page, a Markdown answer), or plain text, to
 * be read as a text file is (with where it came from: the server's metadata says it).
 */
export type UrlInput = { article: Article; inputFormat: 'url' | 'md' } | { text: TextAnswer; provenance: UrlProvenance };

/** A URL asked to be read as Markdown that answered a web page (a usage error: the CLI's exit 2); `url` answered, its credentials hidden. */
export class PageNotMarkdownError extends Da2enError {
  override readonly name: string = 'PageNotMarkdownError';
  constructor(readonly url: string) {
    super('usage', `${url}: the server sent an HTML page, which is read as a web page, not as Markdown; ${SETTING_WORDS.markdownInput}`, { settings: ['markdownInput'] });
  }
}

/**
 * A URL read as `as` (--input-format) asks. By its Content-Type: a web page is its article (with
 * `text`, all of its visible text), a text/plain answer is text and a text/markdown one Markdown;
 * `text` and `md` read either of those two as asked. Refused: a web page as Markdown (a usage
 * error), and any other answer (a PDF, JSON; text with `html`) as not an HTML page.
 */
export async function readUrl(url: string, as: InputFormat | 'auto', options: ReadArticleOptions = {}): Promise<UrlInput> {
  const [{ fetchPage }, { articleOfPage, htmlOfPage, responseKind }, { redactUrl }, { textAnswer }] = await Promise.all([
    import('../input/fetch/fetch-page.js'),
    import('../input/fetch/fetch-article.js'),
    import('../input/fetch/redact-url.js'),
    import('./fetched-text.js'),
  ]);
  const page = await fetchPage(url, options.fetch);
  const kind = responseKind(page.contentType, page.body);
  const { encoding = 'auto', parser = parseHere, signal } = options;
  if (kind === 'html' && as === 'md') {
    throw new PageNotMarkdownError(redactUrl(page.finalUrl));
  }
  if (kind === 'html' || kind === undefined || as === 'html') {
    // Not HTML here (a PDF, JSON, or text asked to be a page): refused as not an HTML page.
    const html = htmlOfPage(page, encoding === 'auto' ? undefined : PAGE_CHARSETS[encoding]);
    html.notes.forEach((note) => options.onNote?.(note));
    const wholePage = as === 'text' ? { wholePage: true } : {};
    const article = await articleOfPage(html, (text, extractOptions) => parser.parse({ job: 'html', html: text, options: { ...extractOptions, ...wholePage } }, signal));
    return { article: noted(article, options), inputFormat: 'url' };
  }
  const answer = textAnswer(page.body, page.contentType, encoding);
  const provenance: UrlProvenance = { url: redactUrl(url), ...(page.finalUrl !== url ? { finalUrl: redactUrl(page.finalUrl) } : {}), fetchedAt: page.fetchedAt };
  if ((as === 'text' || as === 'md' ? as : kind) === 'text') return { text: answer, provenance };
  const article = await articleFromBytes(answer.bytes, provenance.url, 'md', { encoding: answer.encoding, ...(options.onNote ? { onNote: options.onNote } : {}), parser, ...(signal ? { signal } : {}) });
  article.provenance = { ...article.provenance, ...provenance };
  return { article, inputFormat: 'md' };
}

/** A saved page's or Markdown file's bytes, already read (a queued job's), named `name` in errors. */
export async function articleFromBytes(bytes: Uint8Array, name: string, format: 'md' | 'html', options: Pick<ReadArticleOptions, 'encoding' | 'onNote' | 'parser' | 'signal'> = {}): Promise<Article> {
  const { encoding = 'auto', parser = parseHere, signal } = options;
  if (format === 'md') {
    let text: string;
    try {
      const decoded = await decodeBytes(bytes, encoding);
      text = decoded.text;
      decoded.notes.forEach((note) => options.onNote?.(note));
    } catch (err) {
      throw named(err, name);
    }
    if (isBlank(text)) throw new InputFileError(name, EMPTY);
    const article = noted(await parser.parse({ job: 'markdown', text, inputName: name }, signal), options);
    // Like an empty text file: a file of front matter, rules or images without alt text would give a header and nothing else.
    if (!hasTextToTranslate(article)) throw new InputFileError(name, 'no text to translate (front matter, rules, images without alt text and code blocks are not translated)');
    return article;
  }
  // A page is decoded by its own charset, but binary files are refused as a text input's are (not read as markup).
  const refused = encoding === 'auto' ? notTextError(bytes) : null;
  if (refused) throw named(refused, name);
  const { decodeHtml } = await import('../input/html/decode-html.js');
  const { text, notes } = decodeHtml(bytes, encoding === 'auto' ? undefined : `text/html; charset=${PAGE_CHARSETS[encoding]}`, name);
  notes.forEach((note) => options.onNote?.(note));
  if (text.trim() === '') throw new InputFileError(name, EMPTY);
  return noted(await parser.parse({ job: 'html', html: text, options: { inputName: name } }, signal), options);
}

/** The article, once what its reader fixed (NULs removed) is told. */
function noted(article: Article, options: Pick<ReadArticleOptions, 'onNote'>): Article {
  article.notes?.forEach((note) => options.onNote?.(note));
  return article;
}
