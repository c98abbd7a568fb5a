/**
 * Footnote references in an article's text ("… her[^1].", Markdown's `[^label]`) are markup, not
 * words: sent to the model they come back changed or not at all. So each reference, with the
 * punctuation right after it ("[^1].", "[^2]),"), is a chunk of its own that is kept as it is
 * (passesThrough), and the text around it is chunked as usual. The cost: a reference inside a
 * sentence splits it there ("Han sagde[^2] at …" is translated as two pieces); most references
 * stand at the end of a sentence, where nothing is lost.
 */
import type { Piece } from './chunk.js';

/** GFM's footnote label: no white space, no "]". */
const REFERENCE = /\[\^[^\]\s]+\][^\s\p{L}\p{N}]*/gu;
const ONLY_REFERENCE = /^\[\^[^\]\s]+\][^\s\p{L}\p{N}]*$/u;

/** Whether a chunk is a footnote reference (and its punctuation), to be kept as it is. */
export function isFootnoteReference(text: string): boolean {
  return ONLY_REFERENCE.test(text);
}

/** How a footnote definition's label is shown in front of its text: "[^1]: ". */
export function footnoteLabelPrefix(label: string): string {
  return `[^${label}]: `;
}

/**
 * Pieces of one line: each footnote reference a piece of its own, the text between them split by
 * `chunkText` (the first piece with joinBefore '', as chunkLine gives them).
 */
export function chunkAroundFootnoteReferences(line: string, chunkText: (text: string) => Piece[]): Piece[] {
  if (!line.includes('[^')) return chunkText(line);
  const out: Piece[] = [];
  const push = (piece: Piece) => out.push(out.length === 0 ? { ...piece, joinBefore: '' } : piece);
  const text = (run: string) => {
    if (run.trim() === '') return;
    const join = /^\s/u.test(run) ? ' ' : '';
    chunkText(run.trim()).forEach((p, i) => push(i === 0 ? { ...p, joinBefore: join } : p));
  };
  let at = 0;
  for (const m of line.matchAll(REFERENCE)) {
    text(line.slice(at, m.index));
    push({ text: m[0], joinBefore: m.index > 0 && /\s/u.test(line[m.index - 1]!) ? ' ' : '' });
    at = m.index + m[0].length;
  }
  text(line.slice(at));
  return out;
}
