/**
 * Plain text: a header (the metadata on one line), a blank line, then each Danish
 * paragraph followed directly by its English partner, pairs separated by one blank line, then
 * the QA notes (one line per finding) when there are any.
 * Line breaks inside paragraphs are kept. A Markdown footnote's blocks after its first paragraph
 * (which shows the label, "[^1]: ") are indented four spaces below it, as Markdown writes them; a
 * note that opens with no paragraph gets its label on a line of its own ("[^2]:").
 */
import type { BilingualDocument } from '../document/types.js';
import { FootnoteBlocks, listMark, metadataEntries, placedInNote, QaNotes, sourceText, targetText } from './common.js';
import { renderWhole, type DocumentFrame, type StreamRenderer } from './writer.js';

/** The header: the metadata line. The title is the first pair, shown once there. */
function header(frame: DocumentFrame): string {
  const lines: string[] = [];
  const meta = metadataEntries(frame).map(([k, v]) => `${k}: ${v}`);
  if (meta.length > 0) lines.push(meta.join(' | '));
  return lines.join('\n');
}

/** Pieces of the text file: blocks (header, then one per pair) joined by blank lines, then a newline. */
export function textWriter(): StreamRenderer {
  let written = 0;
  const qa = new QaNotes();
  const notes = new FootnoteBlocks();
  return {
    headNeedsFinal: true, // the header shows the time taken
    head(frame, paragraphCount) {
      const h = header(frame);
      return h === '' || paragraphCount === 0 ? h : `${h}\n\n`;
    },
    paragraph: (p) => {
      qa.add(p);
      // A list item from a marked-up input keeps its bullet or number on both lines.
      const mark = listMark(p);
      const en = targetText(p);
      const pair = `${mark}${sourceText(p)}\n${en === '' ? '' : mark + en}`.trimEnd();
      return `${written++ === 0 ? '' : '\n\n'}${placedInNote(notes.place(p), pair)}`;
    },
    // The QA notes, one line per finding, after the pairs (none: nothing).
    tail: () => {
      const lines = qa.lines();
      return lines.length === 0 ? '\n' : `\n\nQA notes (check these against the Danish):\n${lines.map((l) => `- ${l}`).join('\n')}\n`;
    },
  };
}

export function renderText(doc: BilingualDocument): string {
  return renderWhole(textWriter(), doc);
}
