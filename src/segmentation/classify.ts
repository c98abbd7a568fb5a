/**
 * Paragraph kinds and the prefix kept verbatim in front of the translation.
 *
 * - Quote: the first line starts with a dash `-`, `–` or `—` followed by whitespace and text.
 *   prefix = the dash and the first whitespace character after it, as written ("- ", "– ", "-\t",
 *   "–\u00a0"), so the paragraph's text always starts with its prefix.
 * - Markdown heading: `#` … `######` followed by whitespace and text. prefix = marker + the first
 *   whitespace character, as written ("# ", "##\t").
 * - Detected heading (prefix ''), conservative; all of:
 *     one line; not the last paragraph; the next paragraph does not start with a lower-case
 *     letter (else it is a sentence cut by a stray blank line); at most 100 characters and 12
 *     words; starts with an upper-case letter; contains no sentence break and no subordinate
 *     clause after a comma (", at", ", der", ", som", ", men", ", mens", ", og", ", hvis",
 *     ", når", ", fordi"); does not end (before closing quotes and brackets) with
 *     . ! ? : ; , … or a dash.
 */
import type { ParagraphKind } from '../document/types.js';

export interface Classified {
  kind: ParagraphKind;
  prefix: string;
  /** The text after the prefix (what is translated). */
  body: string;
}

const QUOTE_RE = /^([-–—])\s+(?=\S)/u;
const MD_HEADING_RE = /^(#{1,6})\s+(?=\S)/u;

/** Classifies by the explicit markers only (quote dash, Markdown heading). */
export function classifyMarkers(text: string): Classified {
  const q = QUOTE_RE.exec(text);
  if (q && q[1] !== undefined) {
    // The whitespace as written: a tab or no-break space made "- " a prefix the text did not start
    // with, and every output showed the dash twice ("- -\tDet …").
    return { kind: 'quote', prefix: text.slice(0, q[1].length + 1), body: text.slice(q[0].length) };
  }
  const h = MD_HEADING_RE.exec(text);
  if (h && h[1] !== undefined) {
    return { kind: 'heading', prefix: text.slice(0, h[1].length + 1), body: text.slice(h[0].length) };
  }
  return { kind: 'text', prefix: '', body: text };
}

const TRAILING_CLOSERS = /[)\]}"'»«”“’‘]+$/u;
const FINAL_PUNCT = /[.!?:;,…\-–—]$/u;

const CLAUSE_AFTER_COMMA = /,\s*(?:at|der|som|men|mens|og|hvis|når|fordi)\s/iu;

/**
 * The heuristic for an unmarked heading line (see the module comment). `next` is the first line
 * of the following paragraph, undefined for the last paragraph.
 */
export function looksLikeHeading(lines: readonly string[], next: string | undefined): boolean {
  if (next === undefined || lines.length !== 1) return false;
  if (/^\p{Ll}/u.test(next)) return false;
  const line = lines[0] ?? '';
  if (line.length > 100 || line.split(/\s+/).length > 12) return false;
  if (CLAUSE_AFTER_COMMA.test(line)) return false;
  if (!/^\p{Lu}/u.test(line)) return false;
  if (FINAL_PUNCT.test(line.replace(TRAILING_CLOSERS, ''))) return false;
  if (/[.!?]\s+\p{Lu}/u.test(line)) return false;
  return true;
}
