/**
 * English only: the translated paragraphs (prefixes kept), blank-line separated; a list item from a
 * marked-up input keeps its bullet or number, and a footnote's blocks are placed as in the text output.
 */
import type { BilingualDocument } from '../document/types.js';
import { FootnoteBlocks, listMark, NO_TRANSLATION, placedInNote, targetText } from './common.js';
import { renderWhole, type StreamRenderer } from './writer.js';

/** Pieces of the English-only file. Nothing in it depends on the end of the document. */
export function englishWriter(): StreamRenderer {
  let written = 0;
  const notes = new FootnoteBlocks();
  return {
    headNeedsFinal: false,
    head: () => '',
    // Each paragraph ends with a newline; a blank line goes before every one but the first. An empty
    // translation keeps its place (as the HTML's does), so paragraph i is still the input's paragraph i.
    paragraph(p) {
      const text = `${listMark(p)}${targetText(p) || NO_TRANSLATION}`;
      return `${written++ === 0 ? '' : '\n'}${placedInNote(notes.place(p), text)}\n`;
    },
    tail: () => '',
  };
}

export function renderEnglish(doc: BilingualDocument): string {
  return renderWhole(englishWriter(), doc);
}
