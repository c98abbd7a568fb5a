/**
 * Input normalisation: a leading BOM (U+FEFF) removed, line ends CRLF, CR-only and LF all LF, and
 * the whitespace rules for what is sent to the model. Paragraph splitting is paragraphs.ts.
 */

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** BOM removed and line ends normalised to LF. */
export function normalizeInput(text: string): string {
  return normalizeNewlines(stripBom(text));
}

/**
 * What is sent to the model never contains a line break or a run of whitespace:
 * every run of whitespace other than LF (spaces, tabs, U+00A0 …) becomes one space.
 */
export function collapseInlineWhitespace(s: string): string {
  return s.replace(/[^\S\n]+/g, ' ');
}

/**
 * Invisible characters that only say where a line may break or a word be hyphenated: soft hyphen
 * (`&shy;`), zero-width space, zero-width non-joiner, word joiner, U+FEFF inside text, and a
 * zero-width joiner except inside an emoji sequence ("👨‍👩‍👧", "❤️‍🔥"), where it is part of the picture.
 */
const BREAK_HINTS = /[\u00ad\u200b\u200c\u2060\ufeff]|(?<![\p{Extended_Pictographic}\p{Emoji_Modifier}]\p{M}*)\u200d/gu;

/**
 * The text without its break hints, so each word reaches the model whole: its tokenizer made them
 * spaces ("Folketings valget") or `<unk>` ("Blom<unk>ster"), and JavaScript's `\s` has U+FEFF.
 */
export function removeBreakHints(s: string): string {
  return s.replace(BREAK_HINTS, '');
}

/**
 * The text without its break hints (as removeBreakHints), and where each of its UTF-16 units
 * stands in `s`: for finding hint-free text (a chunk) in text that still has them (a cell).
 */
export function withoutBreakHints(s: string): { text: string; at: (index: number) => number } {
  const hints = Array.from(s.matchAll(BREAK_HINTS), (m) => [m.index, m[0].length] as const);
  if (hints.length === 0) return { text: s, at: (i) => i };
  const starts: number[] = []; // where each hint-free run starts, in the text and in `s`
  const from: number[] = [];
  let text = '';
  let cursor = 0;
  for (const [index, length] of [...hints, [s.length, 0] as const]) {
    if (index > cursor) {
      starts.push(text.length);
      from.push(cursor);
      text += s.slice(cursor, index);
    }
    cursor = index + length;
  }
  const at = (i: number): number => {
    // The last run starting at or before i (binary search: a long paragraph can hold many hints).
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return starts.length === 0 ? i : from[lo]! + (i - starts[lo]!);
  };
  return { text, at };
}

/**
 * White space, and characters that show nothing (Unicode's Default_Ignorable_Code_Point: zero-width
 * space, U+FEFF, word joiner, soft hyphen, direction marks …). A line of only these reads as blank.
 */
const SHOWS_NOTHING = /^[\s\p{Default_Ignorable_Code_Point}]*$/u;

/** Whether the text shows nothing to a reader (empty, white space, invisible characters). */
export function isBlank(s: string): boolean {
  return SHOWS_NOTHING.test(s);
}

/** Unicode's mandatory line breaks (UAX #14 BK, CR, LF, NL): LF, CR, VT, FF, NEL, LS, PS. */
const LINE_BREAK_CHARS = /[\n\v\f\r\u0085\u2028\u2029]/g;

/** Each line-break character becomes a space: the text stays one line for every reader. */
export function flattenLineBreaks(s: string): string {
  return s.replace(LINE_BREAK_CHARS, ' ');
}

/** Collapses every whitespace run (line breaks included) to one space and trims. */
export function normalizeWhitespace(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
