/**
 * Markdown for an article that came with structure (a web page, a Markdown file): instead of the
 * two-column table (whose cells cannot hold headings, lists or quotes), each pair is written as
 * the Danish block followed by its English partner, both with the block's own Markdown: headings
 * at their level, list items as list items (the English as the item's second paragraph, so the
 * pair stays one item), quotes as quotes, captions and bylines in italics, code once, untouched.
 * What else a list item holds (a second paragraph, a quote, code) is indented into the item, so
 * the list and any list nested after it go on.
 *
 * Text is escaped as in table cells (escapeMarkdownInline), and a line that would start a block
 * by itself ("1. maj", "- ", "# ", "> ", "+ ", a "---" or "===" line) gets its marker escaped, so
 * Danish text never turns into structure it did not have.
 */
import type { BilingualParagraph } from '../document/types.js';
import { escapeMarkdownInline } from './markdown-escape.js';

/** Escapes one line of text for a Markdown block (inline markup and a leading block marker). */
export function escapeMarkdownLine(line: string): string {
  const text = escapeMarkdownInline(line.replace(/[\s\u00a0]+/g, ' ').trim());
  return text
    .replace(/^([#+-])/, '\\$1')
    .replace(/^(\d{1,9})([.)])/, '$1\\$2')
    .replace(/^(=+)$/, '\\$1')
    // A heading's closing sequence ("## Vi er nummer #" reads "Vi er nummer"); a '#' after a backslash is none.
    .replace(/(?<!\\)#$/, '\\#');
}

/** Lines of a block's text, escaped, joined by hard line breaks; continuation lines indented. */
function inline(text: string, indent: string): string {
  return lines(text).join(`\\\n${indent}`);
}

/** A heading's lines on its one line (an ATX heading cannot hold a line break). */
function headingLine(text: string): string {
  return lines(text).join(' ');
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map(escapeMarkdownLine)
    .filter((l) => l !== '');
}

/**
 * Code between fences the code cannot close and the info string cannot break out of: a backtick
 * fence's info string may not hold a backtick (CommonMark), so a language with one gets tildes;
 * the fence is longer than any run of its character in the code. The language is its first word
 * (as the parser reads it), with the escapes the parser undoes.
 */
function fence(code: string, lang: string | undefined, indent: string): string {
  const info = (/^\S*/.exec(lang ?? '')?.[0] ?? '').replace(/[\\&]/g, '\\$&');
  const char = info.includes('`') ? '~' : '`';
  const runs = code.match(char === '`' ? /`+/g : /~+/g) ?? [];
  const f = char.repeat(runs.reduce((n, r) => Math.max(n, r.length), 2) + 1);
  // Inside a list item every line is indented, or the item (and its list) would end there.
  const body = code
    .split('\n')
    .map((line) => (line === '' ? line : indent + line))
    .join('\n');
  return `${indent}${f}${info}\n${body}\n${indent}${f}`;
}

/**
 * Four spaces per list level: past the item's marker up to "99." (its content column), and less
 * than that plus four (an indented code block otherwise).
 */
function listIndent(levels: number): string {
  return '    '.repeat(Math.max(0, levels));
}

/** One pair as Markdown blocks, followed by a blank line. */
export function markdownBlockPair(p: BilingualParagraph, da: string, en: string): string {
  // A block inside a list item (its second paragraph, a quote, code) is indented to stay in the item.
  const within = listIndent(p.inListItem ?? 0);
  switch (p.kind) {
    case 'code':
      return `${fence(p.source, p.lang, within)}\n\n`;
    case 'heading': {
      const hashes = within + '#'.repeat(Math.min(6, Math.max(1, p.level ?? 1)));
      return `${hashes} ${headingLine(da)}\n\n${en ? `${hashes} ${headingLine(en)}\n\n` : ''}`;
    }
    case 'list-item': {
      const depth = p.list?.depth ?? 1;
      const outer = listIndent(depth - 1);
      const marker = p.list?.ordered ? `${p.list.number ?? 1}.` : '-';
      const inner = outer + ' '.repeat(marker.length + 1);
      return `${outer}${marker} ${inline(da, inner)}\n\n${en ? `${inner}${inline(en, inner)}\n\n` : ''}`;
    }
    case 'quote': {
      const q = within + '> '.repeat(Math.max(1, p.depth ?? 1));
      return `${q}${inline(da, q)}\n\n${en ? `${q}${inline(en, q)}\n\n` : ''}`;
    }
    case 'caption':
    case 'byline':
      return `${within}*${inline(da, within)}*\n\n${en ? `${within}*${inline(en, within)}*\n\n` : ''}`;
    default:
      return `${within}${inline(da, within)}\n\n${en ? `${within}${inline(en, within)}\n\n` : ''}`;
  }
}
