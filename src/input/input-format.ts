/**
 * Which reader an input goes to: a URL argument is always fetched (`--input-format` cannot make it
 * a file path; with `text`, the CLI translates all of the page's text); otherwise `--input-format`, else the
 * file's extension, else its first bytes (`<!doctype html` / `<html` is a web page), else text.
 * Markdown is never guessed from content: plain text is valid Markdown, and reading it as such
 * would turn a line starting "1." or "-" into a list.
 */
// Not fetch-article: choosing a reader must not load every reader (linkedom, undici: ~0.3 s at start-up).
import { redactUrl } from './fetch/redact-url.js';
import { looksLikeHtml } from './html/looks-like-html.js';

export const INPUT_FORMATS = ['text', 'html', 'md', 'url'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

const BY_EXTENSION: Readonly<Record<string, InputFormat>> = {
  '.html': 'html',
  '.htm': 'html',
  '.xhtml': 'html',
  '.md': 'md',
  '.markdown': 'md',
  '.mdown': 'md',
  '.mkd': 'md',
  '.txt': 'text',
};

export function isUrl(arg: string): boolean {
  return /^https?:\/\//i.test(arg);
}

/** An input as messages and outputs name it: a URL with its credentials hidden, a file as given. */
export function shownInput(arg: string): string {
  return isUrl(arg) ? redactUrl(arg) : arg;
}

/**
 * The format of one input. `head` is the input's first bytes (up to 1 KiB), when it can be read
 * ahead; standard input cannot, and is text unless told otherwise.
 */
export function detectInputFormat(arg: string, options: { format?: InputFormat | 'auto'; head?: Uint8Array } = {}): InputFormat {
  if (isUrl(arg)) return 'url';
  if (options.format && options.format !== 'auto') return options.format;
  const ext = /\.[a-z]+$/i.exec(arg)?.[0]?.toLowerCase();
  const byExt = ext ? BY_EXTENSION[ext] : undefined;
  if (byExt) return byExt;
  if (options.head && looksLikeHtml(options.head)) return 'html';
  return 'text';
}
