/**
 * The document title: the first paragraph (prefix such as "# " removed, line breaks as spaces).
 * When longer than TITLE_MAX characters: its first sentence if that fits, else cut at the last
 * word boundary that fits, with "…" appended.
 */
import { splitSentences } from './sentences.js';
import { normalizeWhitespace } from './normalize.js';

export const TITLE_MAX = 120;

export function makeTitle(firstParagraphBody: string, max = TITLE_MAX): string {
  const text = normalizeWhitespace(firstParagraphBody);
  if (text.length <= max) return text;
  // Only the head is split: the first sentence can fit only if it ends well within it.
  const first = (splitSentences(text.slice(0, 4 * max))[0] ?? '').trim();
  if (first.length > 0 && first.length <= max) return first;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  const head = space > max / 2 ? cut.slice(0, space) : cut;
  return `${head.replace(/[\s,;:–—-]+$/u, '')}…`;
}
