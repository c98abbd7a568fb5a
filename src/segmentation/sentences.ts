/**
 * Sentence splitting: `Intl.Segmenter('da', { granularity: 'sentence' })`, then a Danish pass
 * that merges wrong breaks.
 *
 * What ICU does on Node 20 (checked on 20.20, ICU 7x, locale "da"): it applies the plain UAX #29
 * rules and has no suppression list for Danish (nor applies the English one: "Mr. Smith" is split
 * too). A break after "word. " is therefore made whenever the next letter is upper-case, and
 * also when the next "word" is a number containing a dot, because the dot stops ICU's look-ahead
 * for a lower-case letter. Breaks before a lower-case letter are made only after `?`/`!`.
 * Observed wrong breaks that this pass fixes:
 *
 *   "Hr. | Jensen kom"            title before a name
 *   "hr. | Jensen", "dr. | Hansen"
 *   "d. | 3. jan. i Aarhus"       "d." (den) before a number
 *   "d. | 12. | Marts"            ordinal before an upper-case month name
 *   "ca. | 1.200 deltagere"       number with a thousands dot after an abbreviation
 *   "kl. | 14.30", "ca. kl. | 14.30"
 *   "tlf. | 12345678.", "str. | 42.", "nr. | 3."
 *   "bl.a. | Politiken", "f.eks. | Danmark", "jf. | Bilag 2", "pga. | Vejret"
 *   "H.C. | Andersen", "A.P. | Møller-Mærsk"   initials before a name
 *   "\"Nej!\" | og gik"           `?`/`!` inside a sentence, followed by lower case
 *   "Prof. dr. med. | Hans Jensen", "adm. dir. | Lise Holm", "Dir. | Holm"   titles, positions
 *   "cand.polit. | Ole Berg", "stud.scient. | Anne Lund"                     degrees before a name
 *   "& Co. | ApS"                                                              company forms
 *   "1. | Åbning kl. 10.00"                                                    numbered list lines
 *
 * One missed break is added: ICU does not break before an inline quote dash
 * ("… interesse. - Det betyder …", common where paragraph breaks were lost upstream), so a
 * break is made after . ! ? … (and closing quotes) + whitespace when a dash + whitespace + an
 * upper-case letter follows.
 *
 * Already right in ICU (kept by tests): "ca. 200 kr. om", "bl.a. politi", "f.eks. cykle",
 * "kl. 10 i", "1. maj", "3 mio. kr.", "2 mia. kroner", "nr. 5 på", "osv. på", "jf. § 3",
 * "pga. vejret", "evt. komme", "inkl. moms", "ekskl. moms".
 *
 * The pass is case-sensitive: abbreviations are matched as listed or with the first letter
 * upper-cased (sentence-initial "Ca.", "Bl.a."), never in other casings; and whether a break is
 * merged depends on the case of the following word (see the rules in `shouldMerge`).
 */

/**
 * Abbreviations that (practically) never end a sentence: a break after them is always merged,
 * whatever follows. Titles before names come first.
 */
export const NEVER_FINAL_ABBREVIATIONS: readonly string[] = [
  // titles and positions before a name ("Prof. dr. med. Hans Jensen", "adm. dir. Lise Holm")
  'hr.', 'fr.', 'fru.', 'frk.', 'dr.', 'prof.', 'mr.', 'mrs.', 'ms.', 'skt.', 'sct.', 'st.',
  'adm.', 'dir.', 'vicedir.', 'kons.', 'lekt.', 'sekr.', 'fmd.', 'næstfmd.', 'bestyrelsesfmd.',
  'ovl.', 'overl.', 'lic.', 'mag.', 'cand.', 'stud.', 'pens.', 'fhv.', 'sr.', 'jr.',
  // before a number, date or time
  'd.', 'kl.', 'nr.', 'tlf.', 'str.', 'ca.', 'pkt.', 'stk.', 'kap.', 'afs.', 'pr.', 's.',
  // linking words inside a sentence
  'bl.a.', 'f.eks.', 'jf.', 'jvf.', 'pga.', 'p.g.a.', 'evt.', 'inkl.', 'ekskl.', 'dvs.', 'vedr.',
  'iflg.', 'ifm.', 'mht.', 'm.h.t.', 'ift.', 'vha.', 'hhv.', 'sml.', 'ang.', 'gl.', 'ekst.',
];

/**
 * Abbreviations that may well end a sentence ("… æbler osv. Det var godt."): a break after them
 * is merged only when the next segment starts with a digit or `§` ("3. jan. 2022", "osv. 3").
 */
export const MAYBE_FINAL_ABBREVIATIONS: readonly string[] = [
  'osv.', 'mv.', 'm.v.', 'm.m.', 'm.fl.', 'mfl.', 'etc.', 'kr.', 'mio.', 'mia.', 'mill.', 'ff.',
  'jan.', 'feb.', 'mar.', 'apr.', 'jun.', 'jul.', 'aug.', 'sep.', 'sept.', 'okt.', 'nov.', 'dec.',
];

/** Month names after an ordinal ("1. maj", "12. Marts", "3. jan."), matched case-insensitively. */
export const MONTHS: readonly string[] = [
  'januar', 'februar', 'marts', 'april', 'maj', 'juni', 'juli', 'august', 'september', 'oktober',
  'november', 'december',
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'okt', 'nov', 'dec',
];

function withCapitalised(list: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const a of list) {
    out.add(a);
    out.add(a.charAt(0).toUpperCase() + a.slice(1));
  }
  return out;
}

const NEVER_FINAL = withCapitalised(NEVER_FINAL_ABBREVIATIONS);
/** An academic degree: a Latin stem abbreviated, a dot, and one or more field abbreviations. */
const DEGREE = /^(?:cand|stud|mag|lic|dr|ph|exam|bach)\.(?:\p{Ll}{1,8}\.)+$/iu;
/** What follows "Co." in a company name. */
const COMPANY_FORM = /^(?:ApS|A\/S|I\/S|K\/S|P\/S|IVS|A\.m\.b\.a\.|AmbA|AB|ASA|GmbH|Ltd\.?|Inc\.?|LLC|Holding)(?![\p{L}\d])/u;
const MAYBE_FINAL = withCapitalised(MAYBE_FINAL_ABBREVIATIONS);
const MONTH_RE = new RegExp(`^(?:${MONTHS.join('|')})\\b`, 'iu');

/** Opening punctuation that may stand before the abbreviation: "(jf. …", "«bl.a. …". */
const LEADING_PUNCT = /^[([{"'«»„“”‘’]+/u;

function lastWord(segment: string): string {
  // Only the tail is looked at: merged segments of a long line grow, and splitting the whole of
  // one at each merge would be quadratic. No abbreviation is near 64 characters long.
  const tail = segment.length > 64 ? segment.slice(-64) : segment;
  const words = tail.trimEnd().split(/\s+/);
  if (words.length === 1 && tail !== segment && !/\s/u.test(segment.charAt(segment.length - 65))) return '';
  return (words[words.length - 1] ?? '').replace(LEADING_PUNCT, '');
}

/**
 * Whether the break between `prev` and `next` (two adjacent ICU segments) is wrong.
 * Rules, in order:
 *  1. `next` starts with a lower-case letter: no Danish sentence starts so; merge.
 *     (Covers ICU's break after `?`/`!` in `"Nej!" og gik`.)
 *  2. `prev` ends with a NEVER_FINAL abbreviation: merge.
 *  3. `prev` ends with a MAYBE_FINAL abbreviation and `next` starts with a digit or `§`: merge.
 *  4. `prev` ends with an ordinal ("3.", "12.") and `next` starts with a month name: merge.
 *  5. `prev` ends with initials ("H.C.", "A.P.", "J.") and `next` starts with an upper-case
 *     letter: merge (a name follows). A sentence ending in a single capital and a dot
 *     ("… plan B. Vi …") is the accepted cost.
 */
export function shouldMerge(prev: string, next: string): boolean {
  const head = next.trimStart();
  if (/^\p{Ll}/u.test(head)) return true;
  // A numbered list line ("1. Åbning kl. 10.00", "12) …" is not split by ICU): the number alone
  // is never a sentence.
  if (/^\s*\d{1,3}\.\s*$/u.test(prev)) return true;
  const word = lastWord(prev);
  if (!word.endsWith('.')) return false;
  if (NEVER_FINAL.has(word)) return true;
  // "med." is the everyday word "med" ending a sentence ("Han tog den med."), except in the title
  // "dr. med." before a name.
  if (word === 'med.' && /(?:^|\s)[Dd]r\.\s+med\.$/u.test(prev.trimEnd()) && /^\p{Lu}/u.test(head)) return true;
  // Degrees before a name: cand.polit., stud.scient., mag.art., dr.phil., lic.theol., ph.d. …
  if (DEGREE.test(word) && /^\p{Lu}/u.test(head)) return true;
  // Company forms: "Jensen & Co. ApS", "Hansen & Søn A/S".
  if (/^(?:&\s*)?Co\.$/u.test(word) && COMPANY_FORM.test(head)) return true;
  if (MAYBE_FINAL.has(word) && /^[\d§]/u.test(head)) return true;
  if (/^\d{1,2}\.$/u.test(word) && MONTH_RE.test(head)) return true;
  if (/^(?:\p{Lu}\.)+$/u.test(word) && /^\p{Lu}/u.test(head)) return true;
  return false;
}

const segmenter = new Intl.Segmenter('da', { granularity: 'sentence' });

/**
 * ICU's segmenter is given at most this many characters at once: on one long string its time grows
 * quadratically (a 400,000-character line of short sentences took minutes).
 */
export const SENTENCE_WINDOW = 4096;

/**
 * ICU's sentence segments (text between them included: they concatenate to `text`), found in
 * windows of SENTENCE_WINDOW characters. Each window's last segment may be cut by the window's
 * edge, so the next window starts at that segment; a window with no break at all is cut at its
 * last space (or, with none, before its last grapheme cluster), which the budget splitter treats like
 * any other piece.
 */
export function icuSentences(text: string): string[] {
  if (text.length <= SENTENCE_WINDOW) return Array.from(segmenter.segment(text), (s) => s.segment);
  const out: string[] = [];
  let pos = 0;
  while (pos < text.length) {
    const end = Math.min(text.length, pos + SENTENCE_WINDOW);
    const window = text.slice(pos, end);
    const segments = Array.from(segmenter.segment(window), (s) => s.segment);
    if (end === text.length) {
      out.push(...segments);
      break;
    }
    if (segments.length > 1) {
      const kept = segments.slice(0, -1);
      out.push(...kept);
      pos += kept.reduce((n, seg) => n + seg.length, 0);
      continue;
    }
    let cut = window.lastIndexOf(' ') + 1;
    if (cut <= 0) {
      cut = lastGraphemeStart(text, pos, end);
      if (cut === 0) {
        cut = window.length;
        // Never between the two halves of a surrogate pair.
        if (/[\uD800-\uDBFF]/.test(window.charAt(cut - 1))) cut--;
      }
    }
    out.push(window.slice(0, cut));
    pos += cut;
  }
  return out;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Where a window (text[pos, end)) without a space is cut: before the last grapheme cluster that
 * starts in it, seen with a little of the text after it so that the window's edge cannot cut it
 * short; 0 when one cluster fills the window. Cut at the edge itself, "👨‍👩‍👧" lost its joiner and
 * "e\u0301" its accent in translation, and a space just past the edge was dropped between two
 * pieces ("xxx Ord" became "xxxOrd").
 */
function lastGraphemeStart(text: string, pos: number, end: number): number {
  let last = 0;
  for (const { index } of graphemes.segment(text.slice(pos, Math.min(text.length, end + 64)))) {
    if (index >= end - pos) break;
    last = index;
  }
  return last;
}

const INLINE_QUOTE_DASH = /(?<=[.!?…]["'”’»]*\s+)(?=[-–—]\s+\p{Lu})/u;

/**
 * Sentences of one line of text (no line breaks expected). Each returned string is a raw
 * segment, trailing whitespace included, so that `sentences.join('') === text`.
 */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  for (const seg of icuSentences(text).flatMap((s) => s.split(INLINE_QUOTE_DASH))) {
    const prev = out[out.length - 1];
    if (prev !== undefined && (prev.trim() === '' || shouldMerge(prev, seg))) {
      out[out.length - 1] = prev + seg;
    } else {
      out.push(seg);
    }
  }
  return out;
}
