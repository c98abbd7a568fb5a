/**
 * Turning sentences into chunks that fit the model's token budget.
 *
 * - Every chunk is measured with `countTokens` (in production the real tokenizer, `</s>`
 *   included) and is ≤ `maxTokens`.
 * - A sentence over budget is split at word boundaries (greedy: as many words as fit). A single
 *   "word" over budget is split between grapheme clusters (so emoji and combining marks stay
 *   whole); such pieces are joined with `''`.
 * - With `packSentences`, consecutive pieces are packed greedily into one chunk while the packed
 *   text stays within budget.
 * Nothing is dropped: joining the pieces with their joins gives back the input (whitespace runs
 * collapsed to one space).
 */

export type TokenCounter = (s: string) => number;

/** A piece of text and what stood before it ('' at the start of a line, or inside a word). */
export interface Piece {
  text: string;
  joinBefore: '' | ' ';
}

export class ChunkBudgetError extends RangeError {
  constructor(
    readonly grapheme: string,
    readonly tokens: number,
    readonly maxTokens: number,
  ) {
    super(
      `maxTokens=${maxTokens} is too small: the single character ${JSON.stringify(grapheme)} ` +
        `already measures ${tokens} tokens`,
    );
    this.name = 'ChunkBudgetError';
  }
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The tokenizer never sees more than `maxTokens × MAX_CHARS_PER_TOKEN` characters in one call:
 * Transformers.js' tokenizer recurses over its input and overflows the stack on a few hundred KB
 * of text without spaces or punctuation, and measuring a long sentence whole would cost time
 * quadratic in its length. No vocabulary piece of an Opus-MT model is near 16 characters long,
 * so a text that fits the budget is never cut by this bound.
 */
export const MAX_CHARS_PER_TOKEN = 16;

export function charBound(maxTokens: number): number {
  return Math.max(16, maxTokens * MAX_CHARS_PER_TOKEN);
}

/**
 * The largest index i in [0, n) for which fits(i) holds, assuming fits is monotone (true up to
 * some index, false after), or -1. Gallops from `guess` (the answer expected, e.g. from the last
 * piece's length) then bisects: a few calls when the guess is close, O(log n) at worst.
 */
function lastFitting(n: number, fits: (i: number) => boolean, guess = 0): number {
  if (n === 0) return -1;
  let good: number;
  let bad: number;
  const start = Math.min(Math.max(0, guess), n - 1);
  if (fits(start)) {
    good = start;
    let step = 1;
    while (good + step < n && fits(good + step)) {
      good += step;
      step *= 2;
    }
    bad = Math.min(n, good + step);
  } else {
    bad = start;
    let step = 1;
    good = bad - step;
    while (good >= 0 && !fits(good)) {
      bad = good;
      step *= 2;
      good = bad - step;
    }
    if (good < 0) {
      if (bad === 0 || !fits(0)) return -1;
      good = 0;
    }
  }
  while (bad - good > 1) {
    const mid = (good + bad) >>> 1;
    if (fits(mid)) good = mid;
    else bad = mid;
  }
  return good;
}

/**
 * Splits one sentence (no line breaks; surrounding whitespace ignored) into pieces within budget.
 * The first piece carries `joinBefore`; later ones ' ' (word boundary) or '' (inside a word).
 *
 * Works on bounded windows of the text (see MAX_CHARS_PER_TOKEN), whatever its shape: a 20 MB line,
 * no spaces at all, or one 100 KB "word"; each piece is the longest run of words (or, inside a
 * word too long for the budget, of grapheme clusters) that fits.
 */
export function splitToBudget(
  sentence: string,
  joinBefore: '' | ' ',
  countTokens: TokenCounter,
  maxTokens: number,
): Piece[] {
  const text = sentence.trim().replace(/\s+/g, ' ');
  if (text === '') return [];
  const bound = charBound(maxTokens);
  if (text.length <= bound && countTokens(text) <= maxTokens) return [{ text, joinBefore }];

  const pieces: Piece[] = [];
  let join: '' | ' ' = joinBefore;
  let pos = 0;
  // Pieces of one text have similar lengths: each search starts where the previous piece ended.
  let lastLength = 0;
  const guessAt = (offsets: number[], base: number) => {
    let i = 0;
    while (i + 1 < offsets.length && offsets[i + 1]! - base <= lastLength) i++;
    return i;
  };
  while (pos < text.length) {
    const windowEnd = Math.min(text.length, pos + bound);
    // Candidate ends at word boundaries inside the window (the end of the text counts as one).
    const ends: number[] = [];
    // (Scanned by hand: indexOf would search past the window, to the end of a 20 MB text, each time.)
    for (let i = pos; i < windowEnd; i++) if (text.charCodeAt(i) === 32) ends.push(i);
    if (windowEnd === text.length) ends.push(text.length);
    else if (text.charCodeAt(windowEnd) === 32) ends.push(windowEnd);
    const best = lastFitting(ends.length, (i) => countTokens(text.slice(pos, ends[i])) <= maxTokens, guessAt(ends, pos));
    if (best >= 0) {
      lastLength = ends[best]! - pos;
      pieces.push({ text: text.slice(pos, ends[best]), joinBefore: join });
      pos = ends[best]! + 1;
      join = ' ';
      continue;
    }
    // The word at `pos` alone is over budget (or longer than the window): cut it between graphemes,
    // looking first at a stretch a little longer than the last piece (segmenting is not free).
    const wordEnd = ends[0] ?? windowEnd;
    let fit = -1;
    let cuts: number[] = [];
    for (const reach of lastLength > 0 ? [Math.min(wordEnd, pos + 2 * lastLength + 64), wordEnd] : [wordEnd]) {
      cuts = [];
      for (const { index, segment } of graphemes.segment(text.slice(pos, reach))) cuts.push(index + segment.length);
      // A cluster cut short (by the window's edge or the stretch) is not whole: never end a piece on it.
      const cutShort = reach < wordEnd || ends.length === 0;
      if (cutShort && cuts.length > 1) cuts.pop();
      fit = lastFitting(cuts.length, (i) => countTokens(text.slice(pos, pos + cuts[i]!)) <= maxTokens, guessAt(cuts, 0));
      if (fit < cuts.length - 1 || !(reach < wordEnd)) break;
    }
    if (fit < 0) {
      const g = text.slice(pos, pos + cuts[0]!);
      throw new ChunkBudgetError(g, countTokens(g), maxTokens);
    }
    lastLength = cuts[fit]!;
    pieces.push({ text: text.slice(pos, pos + cuts[fit]!), joinBefore: join });
    pos += cuts[fit]!;
    join = '';
    if (text[pos] === ' ') {
      pos++;
      join = ' ';
    }
  }
  return pieces;
}

/** Greedily packs consecutive pieces into one while the packed text stays within budget. */
export function packPieces(pieces: Piece[], countTokens: TokenCounter, maxTokens: number): Piece[] {
  const out: Piece[] = [];
  for (const p of pieces) {
    const last = out[out.length - 1];
    if (last !== undefined) {
      const candidate = last.text + p.joinBefore + p.text;
      if (candidate.length <= charBound(maxTokens) && countTokens(candidate) <= maxTokens) {
        last.text = candidate;
        continue;
      }
    }
    out.push({ ...p });
  }
  return out;
}
