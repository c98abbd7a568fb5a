/**
 * Reads one input that has structure (a saved web page, a Markdown file, a URL, or standard input
 * said to be one of those) into an Article. Plain text does not come here: it streams
 * (src/io/paragraph-stream.ts).
 */
import { open, readFile } from 'node:fs/promises';
import type { Article } from './article.js';
import { InputFileError } from './errors.js';
import type { FetchPageOptions } from './fetch/fetch-page.js';
import { DEFAULT_MAX_BYTES } from './fetch/limits.js';
import type { InputFormat } from './input-format.js';

export interface ReadArticleOptions {
  /** For URLs. */
  fetch?: FetchPageOptions;
  /** Where "-" is read from. */
  stdin?: NodeJS.ReadableStream;
  /** Largest file read (default: the fetcher's page limit, 8 MiB). */
  maxBytes?: number;
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
      if (size > max) throw new InputFileError(input, `standard input is larger than ${max} bytes`);
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
  if (bytes.length > max) throw new InputFileError(input, `larger than ${max} bytes`);
  return bytes;
}

function utf8(bytes: Buffer, input: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes); // strips a BOM
  } catch (err) {
    throw new InputFileError(input, 'not valid UTF-8 (Markdown is read as UTF-8)', { cause: err });
  }
}

/**
 * The readers are imported when an input needs them: the HTML reader (linkedom, Readability), the
 * fetcher (undici) and the Markdown parser together take ~0.5 s to import, which a text article
 * should not wait for.
 */
export async function readArticle(input: string, format: Exclude<InputFormat, 'text'>, options: ReadArticleOptions = {}): Promise<Article> {
  if (format === 'url') return (await import('./fetch/fetch-article.js')).fetchArticle(input, options.fetch);
  const bytes = await readAll(input, options);
  if (bytes.length === 0 || bytes.toString('utf8').trim() === '') throw new InputFileError(input, 'empty');
  const name = input === '-' ? 'standard input' : input;
  if (format === 'md') return (await import('./markdown/parse-markdown.js')).parseMarkdown(utf8(bytes, input));
  const [{ decodeHtml }, { extractArticle }] = await Promise.all([import('./html/decode-html.js'), import('./html/extract-article.js')]);
  return extractArticle(decodeHtml(bytes).text, { inputName: name });
}
