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
 * Danish text never turns into structure it did not have. Footnotes are the exception kept on
 * purpose: a reference ("[^1]") stays one, and a note is one definition for both languages.
 */
import type { BilingualParagraph } from '../document/types.js';
import { FootnoteBlocks, indentLines } from './common.js';
import { escapeMarkdownInline } from './markdown-escape.js';

/**
 * Escapes one line of text for a Markdown block (inline markup and a leading block marker).
 * `breakAfter`: a hard line break (a backslash) follows the line.
 */
export function escapeMarkdownLine(line: string, breakAfter = false): string {
  const trimmed = line.replace(/[\s\u00a0]+/g, ' ').trim();
  // A final '#' is escaped below (or follows an escaped backslash): a backslash ends the line either way.
  const text = escapeKeepingFootnoteReferences(trimmed, breakAfter || trimmed.endsWith('#'));
  return text
    .replace(/^([#+-])/, '\\$1')
    .replace(/^(\d{1,9})([.)])/, '$1\\$2')
    .replace(/^(=+)$/, '\\$1')
    // A heading's closing sequence ("## Vi er nummer #" reads "Vi er nummer"); a '#' after a backslash is none.
    .replace(/(?<!\\)#$/, '\\#');
}

/**
 * A footnote reference as Markdown input writes it ("[^1]", "[^kilde-2]"), kept as such so it links
 * to its note. Labels of other characters ("[^*]") stay escaped text: written raw, one the article
 * does not define would be read as emphasis or a link.
 */
const FOOTNOTE_REFERENCE = /\[\^[\p{L}\p{N}](?:[\p{L}\p{N}_.-]*[\p{L}\p{N}])?\]/gu;

/**
 * A footnote's label prefix, as segmentation writes it ("[^1]: "), with a label its references are
 * kept for: a note whose references stay text would be defined and never shown.
 */
const FOOTNOTE_LABEL = /^\[\^[\p{L}\p{N}](?:[\p{L}\p{N}_.-]*[\p{L}\p{N}])?\]: $/u;

/** Text escaped as escapeMarkdownInline does, but with its footnote references left to link. */
function escapeKeepingFootnoteReferences(text: string, escapedAfter: boolean): string {
  let out = '';
  let at = 0;
  for (const m of text.matchAll(FOOTNOTE_REFERENCE)) {
    // At the start of a line and followed by ":", it would define a footnote: that stays text.
    if (m.index === 0 && text[m[0].length] === ':') continue;
    // "!" before it: "![^1]" can be read as the start of an image, so the "!" is escaped.
    out += escapeMarkdownInline(text.slice(at, m.index), true).replace(/!$/, '\\!') + m[0];
    at = m.index + m[0].length;
  }
  return out + escapeMarkdownInline(text.slice(at), escapedAfter);
}

/** Lines of a block's text, escaped, joined by hard line breaks; continuation lines indented. */
function inline(text: string, indent: string): string {
  return lines(text).join(`\\\n${indent}`);
}

/** A heading's lines on its one line (an ATX heading cannot hold a line break). */
function headingLine(text: string): string {
  return lines(text, false).join(' ');
}

/** The text's non-empty lines, escaped; `breaks`: each but the last ends in a hard line break. */
function lines(text: string, breaks = true): string[] {
  const kept = text.split('\n').filter((l) => l.replace(/[\s\u00a0]+/g, '') !== '');
  return kept.map((l, i) => escapeMarkdownLine(l, breaks && i < kept.length - 1));
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

/** A list item written and not yet ended: where its content starts, and its number and delimiter if numbered. */
interface OpenItem {
  column: number;
  number?: number;
  delimiter?: '.' | ')';
}

/** CommonMark list numbers: at most nine digits, never negative. */
const MAX_LIST_NUMBER = 999_999_999;

/**
 * A numbered item's marker. Markdown numbers a list's items up from its first one, whatever the
 * later markers say; an item whose number does not follow its predecessor's (a reversed list, an
 * `<li value>`) is made the first of a list of its own by the other delimiter ("3." "2)" "1."),
 * which ends a list in CommonMark, so each item shows its own number. A number Markdown cannot
 * write (below zero, ten digits) is brought within range, so the line stays a list item.
 */
function numberedMarker(number: number, previous: OpenItem | undefined): Required<Omit<OpenItem, 'column'>> {
  const n = Math.min(MAX_LIST_NUMBER, Math.max(0, number));
  if (previous?.number === undefined || previous.delimiter === undefined) return { number: n, delimiter: '.' };
  if (n === previous.number + 1) return { number: n, delimiter: previous.delimiter };
  return { number: n, delimiter: previous.delimiter === '.' ? ')' : '.' };
}

/**
 * Writes one pair as Markdown blocks. `margin`: the indentation a block that is not a list item is
 * written with (that of the list item it stands in); `endLists` ends every open list item (a block
 * at the margin follows).
 */
type BlockWriter = ((p: BilingualParagraph, da: string, en: string) => string) & {
  margin(p: BilingualParagraph): string;
  endLists(): void;
};

/**
 * Writes an article's pairs as Markdown blocks, one pair at a time, each followed by a blank line.
 * A footnote's blocks after its first paragraph (more paragraphs, a list, code) go into its
 * definition, indented four columns past it, where GFM reads them as the note's; they are written
 * as a document of their own (a list in a note starts at the note's margin). A note that opens with
 * no paragraph gets its label on a line of its own ("[^2]:") with its blocks below it.
 */
export function markdownBlockWriter(): (p: BilingualParagraph, da: string, en: string) => string {
  const main = blockWriter();
  const notes = new FootnoteBlocks();
  /** The note being written: how far its blocks are indented, and their writer. */
  let note: { indent: string; write: BlockWriter } | undefined;
  return (p, da, en) => {
    const place = notes.place(p);
    if (!place.inNote) {
      // The note's first paragraph: a definition when its label could be kept, else plain text
      // (see FOOTNOTE_LABEL), and then what follows it stays text at its margin too.
      const margin = main.margin(p);
      note = p.footnote === undefined ? undefined : { indent: isDefinition(p, da) ? `${margin}    ` : margin, write: blockWriter() };
      return main(p, da, en);
    }
    let opening = '';
    if (place.opens !== undefined || note === undefined) {
      const label = `[^${place.opens ?? p.footnote}]:`;
      const definition = FOOTNOTE_LABEL.test(`${label} `);
      main.endLists();
      opening = definition ? `${label}\n` : `${escapeMarkdownLine(label)}\n\n`;
      note = { indent: definition ? '    ' : '', write: blockWriter() };
    }
    return opening + indentLines(note.write(p, da, en), note.indent);
  };
}

/**
 * Writes pairs as Markdown blocks, one pair at a time, each followed by a blank line.
 * What sits in a list item (a nested list, a second paragraph, a quote, code) must start at that
 * item's content column, which its marker sets: "- " and "1. " put it at 2 and 3, "100. " at 5.
 * Fewer spaces end the item; four or more past the column make an indented code block. So the
 * writer keeps the item open at each list depth.
 */
function blockWriter(): BlockWriter {
  /** open[d]: the list item last written at depth d, while nothing has ended it (open[0]: none, no list). */
  const open: (OpenItem | undefined)[] = [undefined];
  /** The content column of the open item at `depth`, or of the deepest open item above it (a level with no item of its own, as in <li><ul>…). */
  const columnAt = (depth: number): number => {
    for (let d = Math.min(depth, open.length - 1); d > 0; d--) if (open[d] !== undefined) return open[d]!.column;
    return 0;
  };
  const margin = (p: BilingualParagraph): string => ' '.repeat(columnAt(Math.max(0, p.inListItem ?? 0)));
  const write = (p: BilingualParagraph, da: string, en: string): string => {
    if (p.kind === 'list-item') {
      const list = p.list ?? { ordered: false, depth: 1 };
      const depth = Math.max(1, list.depth);
      const outer = ' '.repeat(columnAt(depth - 1));
      const numbered = list.ordered ? numberedMarker(list.number ?? 1, open[depth]) : undefined;
      const marker = numbered ? `${numbered.number}${numbered.delimiter}` : '-';
      const inner = outer + ' '.repeat(marker.length + 1);
      // The item ends every item deeper than it, and any earlier item at its depth.
      open.length = depth;
      open[depth] = { column: inner.length, ...numbered };
      return `${outer}${marker} ${inline(da, inner)}\n\n${en ? `${inner}${inline(en, inner)}\n\n` : ''}`;
    }
    // Any other block ends the items deeper than the one it stands in (all of them, outside a list).
    const depth = Math.max(0, p.inListItem ?? 0);
    const within = margin(p);
    open.length = Math.min(open.length, depth + 1);
    return blockPair(p, da, en, within);
  };
  return Object.assign(write, {
    margin,
    endLists: () => {
      open.length = 1;
    },
  });
}

/** A pair that is not a list item, indented by `within` (into the list item it stands in). */
function blockPair(p: BilingualParagraph, da: string, en: string, within: string): string {
  switch (p.kind) {
    case 'code':
      return `${fence(p.source, p.lang, within)}\n\n`;
    case 'heading': {
      const hashes = within + '#'.repeat(Math.min(6, Math.max(1, p.level ?? 1)));
      return `${hashes} ${headingLine(da)}\n\n${en ? `${hashes} ${headingLine(en)}\n\n` : ''}`;
    }
    case 'quote': {
      const q = within + '> '.repeat(Math.max(1, p.depth ?? 1));
      return `${q}${inline(da, q)}\n\n${en ? `${q}${inline(en, q)}\n\n` : ''}`;
    }
    case 'text':
      if (isDefinition(p, da)) return footnote(p.prefix, da, en, within);
      return `${within}${inline(da, within)}\n\n${en ? `${within}${inline(en, within)}\n\n` : ''}`;
    case 'caption':
    case 'byline':
      return `${within}*${inline(da, within)}*\n\n${en ? `${within}*${inline(en, within)}*\n\n` : ''}`;
    default:
      return `${within}${inline(da, within)}\n\n${en ? `${within}${inline(en, within)}\n\n` : ''}`;
  }
}

/** Whether a pair is a footnote's first paragraph written as a definition ("[^1]: …"). */
function isDefinition(p: BilingualParagraph, da: string): boolean {
  return p.kind === 'text' && FOOTNOTE_LABEL.test(p.prefix) && da.startsWith(p.prefix);
}

/**
 * A footnote ("[^1]: …"): one definition holding the Danish note and, as its second paragraph, the
 * English one, so the label is defined once and a reference in either column leads to both (two
 * definitions of one label: Markdown shows only the first).
 */
function footnote(prefix: string, da: string, en: string, within: string): string {
  const inner = `${within}    `;
  const english = en.startsWith(prefix) ? en.slice(prefix.length) : en;
  return `${within}${prefix}${inline(da.slice(prefix.length), inner)}\n\n${english.trim() ? `${inner}${inline(english, inner)}\n\n` : ''}`;
}
