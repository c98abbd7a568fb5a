/**
 * Sentence alignment for the HTML page. The pipeline translates chunk by chunk (a sentence, or a
 * piece of one within the token budget), so chunk i of a paragraph's Danish side and chunk i of
 * its English side are counterparts. Each is wrapped in a <span class="s" data-s="P-C"> found in
 * the cell's displayed text (white space runs may differ from the chunk's: a soft line break in
 * the source is a space in the chunk), and the page's one script highlights the counterpart.
 * Where a chunk cannot be found (it never should), the cell is shown without spans.
 */
import escapeHtml from 'escape-html';
import type { TranslatedChunk } from '../document/types.js';
import { removeBreakHints, withoutBreakHints } from '../segmentation/normalize.js';

const SPACE = /\s/u;

/**
 * Where `words` (a chunk split at its white space) occur in `display` from `from` on, with one or
 * more white-space characters between them: [start, end), or null. No RegExp is built per chunk:
 * V8 caches every distinct compiled pattern, and a 20 MB article made that cache hold ~250 MB.
 */
function findWords(display: string, words: readonly string[], from: number): [number, number] | null {
  const [first, ...rest] = words;
  if (first === undefined) return null;
  for (let start = display.indexOf(first, from); start !== -1; start = display.indexOf(first, start + 1)) {
    let at = start + first.length;
    let ok = true;
    for (const word of rest) {
      const gap = at;
      while (at < display.length && SPACE.test(display[at]!)) at++;
      if (at === gap || !display.startsWith(word, at)) {
        ok = false;
        break;
      }
      at += word.length;
    }
    if (ok) return [start, at];
  }
  return null;
}

/** The displayed cell text as HTML, each chunk in a focusable span; null when the chunks do not line up with it. */
export function sentenceSpans(display: string, chunks: readonly TranslatedChunk[], side: 'source' | 'target', paragraphIndex: number): string | null {
  // Segmentation took the break hints (a soft hyphen, a zero-width space) out of the chunks, and the
  // cell shows them: the words are looked for in the cell's text without them, and the spans cut
  // the cell where they stand.
  const visible = withoutBreakHints(display);
  let out = '';
  let cursor = 0;
  let visibleCursor = 0;
  for (const c of chunks) {
    const words = removeBreakHints(side === 'source' ? c.text : c.target).split(/\s+/u).filter((w) => w !== '');
    if (words.length === 0) continue;
    const found = findWords(visible.text, words, visibleCursor);
    if (!found) return null;
    const start = visible.at(found[0]);
    const end = visible.at(found[1] - 1) + 1;
    out += escapeHtml(display.slice(cursor, start));
    out += `<span class="s" data-s="${paragraphIndex + 1}-${c.index + 1}" tabindex="0">${escapeHtml(display.slice(start, end))}</span>`;
    cursor = end;
    visibleCursor = found[1];
  }
  return out + escapeHtml(display.slice(cursor));
}

/**
 * The page's only script: hovering, tapping or focusing (Tab) a sentence highlights it and its
 * counterpart. Allowed by its hash in the page's Content-Security-Policy; nothing else may run.
 */
export const ALIGN_SCRIPT = `(() => {
  const mark = (event, on) => {
    const s = event.target instanceof Element ? event.target.closest('.s') : null;
    if (!s) return;
    for (const t of document.querySelectorAll('.s[data-s="' + s.dataset.s + '"]')) t.classList.toggle('hl', on);
  };
  document.addEventListener('mouseover', (e) => mark(e, true));
  document.addEventListener('mouseout', (e) => mark(e, false));
  document.addEventListener('focusin', (e) => mark(e, true));
  document.addEventListener('focusout', (e) => mark(e, false));
})();`;
