/**
 * Markdown (GitHub flavoured): a title, a metadata line, and a two-column table
 * `| Dansk | English |` with one row per paragraph.
 *
 * Cell text is escaped by `escapeMarkdownCell` so that input shows as text on GitHub:
 *  - `\` → `\\` first, so later escapes cannot be undone by input backslashes;
 *  - `&` `<` `>` → `&amp;` `&lt;` `&gt;` (GitHub renders inline HTML and entities);
 *  - Markdown-active punctuation `` ` * _ [ ] ~ $ `` → backslash-escaped
 *    (code, emphasis, links/images, strikethrough, math);
 *  - `|` → `\|` (the table's column separator; GFM honours this escape everywhere in a row);
 *  - each line break → `<br>`; whitespace runs (tabs, no-break spaces) → one space; the cell is
 *    trimmed (GFM trims cells anyway).
 *  - a bare URL or e-mail address in a word that needed any of these escapes (or is followed by
 *    one): its `://`, `www.` and `@` escaped too, since GFM would link it showing the escapes;
 *    a clean one (`https://www.dr.dk/nyheder`) is left for GitHub to link.
 * Not neutralised: `:emoji:` codes.
 * No well-kept library covers GFM table cells (pipes, <br>, HTML), hence this small function.
 */
import type { BilingualDocument, BilingualParagraph } from '../document/types.js';
import { displayText, metadataEntries, QaNotes, sourceText, targetText } from './common.js';
import { markdownBlockWriter } from './markdown-blocks.js';
import { escapeMarkdownCell, escapeMarkdownInline } from './markdown-escape.js';
import { renderWhole, type DocumentFrame, type StreamRenderer } from './writer.js';

/** An article read from markup (a web page, Markdown) is written as blocks, not as a table (see markdown-blocks.ts). */
function isStructured(frame: DocumentFrame): boolean {
  const f = frame.metadata.inputFormat;
  return f === 'html' || f === 'md' || f === 'url';
}

export { escapeMarkdownCell, escapeMarkdownInline } from './markdown-escape.js';

function cell(p: BilingualParagraph, text: string): string {
  // A table cell cannot hold a heading: "## Baggrund" shows as **Baggrund**, not **## Baggrund**.
  const escaped = escapeMarkdownCell(displayText(p, text));
  if (escaped === '') return '';
  return p.kind === 'heading' ? `**${escaped}**` : escaped;
}

/**
 * Pieces of the Markdown file: the metadata line and the table header, one row (or block pair)
 * per paragraph, then the QA notes, one list item per finding (none: nothing).
 */
export function markdownWriter(): StreamRenderer {
  const qa = new QaNotes();
  const blockPair = markdownBlockWriter();
  return {
    headNeedsFinal: true, // the metadata line shows the time taken
    head(frame) {
      const lines: string[] = [];
      // The title is the first pair (in both languages), shown once: the head holds the metadata.
      const meta = metadataEntries(frame).map(([k, v]) => `**${k}:** ${escapeMarkdownCell(v)}`);
      if (isStructured(frame)) return meta.length > 0 ? `${meta.join(' · ')}\n\n` : '';
      if (meta.length > 0) lines.push(meta.join(' · '), '');
      lines.push('| Dansk | English |', '| --- | --- |');
      return `${lines.join('\n')}\n`;
    },
    paragraph: (p) => {
      qa.add(p);
      return p.structured ? blockPair(p, sourceText(p), targetText(p)) : `| ${cell(p, sourceText(p))} | ${cell(p, targetText(p))} |\n`;
    },
    tail: () => {
      const lines = qa.lines(escapeMarkdownInline);
      return lines.length === 0 ? '' : `\n**QA notes** (check these against the Danish)\n\n${lines.map((l) => `- ${l}`).join('\n')}\n`;
    },
  };
}

export function renderMarkdown(doc: BilingualDocument): string {
  return renderWhole(markdownWriter(), doc);
}
