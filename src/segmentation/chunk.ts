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
  constructor(grapheme: string, tokens: number, maxTokens: number) {
    super(
      `maxTokens=${maxTokens} is too small: the single character ${JSON.stringify(grapheme)} ` +
        `already measures ${tokens} tokens`,
    );
    this.name = 'ChunkBudgetError';
  }
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function splitWord(word: string, countTokens: TokenCounter, maxTokens: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const { segment: g } of graphemes.segment(word)) {
    const candidate = current + g;
    if (countTokens(candidate) <= maxTokens) {
      current = candidate;
      continue;
    }
    if (current !== '') out.push(current);
    const alone = countTokens(g);
    if (alone > maxTokens) throw new ChunkBudgetError(g, alone, maxTokens);
    current = g;
  }
  if (current !== '') out.push(current);
  return out;
}

/**
 * Splits one sentence (no line breaks; surrounding whitespace ignored) into pieces within budget.
 * The first piece carries `joinBefore`; later ones ' ' (word boundary) or '' (inside a word).
 */
export function splitToBudget(
  sentence: string,
  joinBefore: '' | ' ',
  countTokens: TokenCounter,
  maxTokens: number,
): Piece[] {
  const text = sentence.trim().replace(/\s+/g, ' ');
  if (text === '') return [];
  if (countTokens(text) <= maxTokens) return [{ text, joinBefore }];

  const pieces: Piece[] = [];
  let current: Piece | undefined;
  let nextJoin: '' | ' ' = joinBefore;
  for (const word of text.split(' ')) {
    if (current !== undefined) {
      const candidate = `${current.text} ${word}`;
      if (countTokens(candidate) <= maxTokens) {
        current.text = candidate;
        continue;
      }
      pieces.push(current);
      current = undefined;
    }
    if (countTokens(word) <= maxTokens) {
      current = { text: word, joinBefore: nextJoin };
    } else {
      const parts = splitWord(word, countTokens, maxTokens);
      parts.forEach((p, i) => {
        const piece: Piece = { text: p, joinBefore: i === 0 ? nextJoin : '' };
        if (i < parts.length - 1) pieces.push(piece);
        else current = piece;
      });
    }
    nextJoin = ' ';
  }
  if (current !== undefined) pieces.push(current);
  return pieces;
}

/** Greedily packs consecutive pieces into one while the packed text stays within budget. */
export function packPieces(pieces: Piece[], countTokens: TokenCounter, maxTokens: number): Piece[] {
  const out: Piece[] = [];
  for (const p of pieces) {
    const last = out[out.length - 1];
    if (last !== undefined) {
      const candidate = last.text + p.joinBefore + p.text;
      if (countTokens(candidate) <= maxTokens) {
        last.text = candidate;
        continue;
      }
    }
    out.push({ ...p });
  }
  return out;
}
