/**
 * Runaway guards. Opus-MT models fed noisy or all-caps input can repeat a phrase until the
 * length limit; these rules notice it while decoding so the output can be cut and flagged.
 */

export interface LengthPolicy {
  /** Output may be at most ratio × source tokens + slack (Marian outputs rarely exceed 1.5×). */
  ratio: number;
  slack: number;
  /** Hard cap: the longest output incl. the decoder start token (the model's max_length, at most its positions). */
  maxPositions: number;
}

export const DEFAULT_LENGTH_POLICY: LengthPolicy = { ratio: 2, slack: 10, maxPositions: 512 };

/** New tokens at most, incl. the end token (forced at the last one): Hugging Face's max_length, the positions, counts the decoder's start token too. */
export function maxNewTokens(sourceTokens: number, policy: LengthPolicy = DEFAULT_LENGTH_POLICY): number {
  return Math.max(1, Math.min(policy.maxPositions - 1, Math.ceil(sourceTokens * policy.ratio + policy.slack)));
}

/**
 * The longest input (in tokens, incl. its end token) whose translation as long as itself the decoder
 * finishes on its own: of the positions, one holds the output's start token, and the last new token
 * is the forced end token (flagged length-cap), so an output of n − 1 tokens ends by itself only
 * when n − 1 + 1 (its end token) < maxPositions − 1.
 */
export function longestFinishedInput(maxPositions: number): number {
  return maxPositions - 2;
}

/**
 * The longest stretch of `tokens` that is one n-gram (n ≤ maxN) repeated back to back, at least
 * twice, in tokens (0: none). A source that repeats itself ("ha ha ha …", a row of dots) may be
 * translated with the same repetition: the guard must not take it for a loop.
 */
export function repeatedSpan(tokens: readonly number[], maxN = 8): number {
  let best = 0;
  for (let n = 1; n <= maxN; n++) {
    // Positions equal to the token n before them, in a row: a run of r makes floor((r + n) / n) copies.
    let run = 0;
    for (let i = n; i < tokens.length; i++) {
      if (tokens[i] !== tokens[i - n]) {
        run = 0;
        continue;
      }
      run++;
      if (run >= n) best = Math.max(best, Math.floor((run + n) / n) * n);
    }
  }
  return best;
}

/**
 * If the sequence ends in a loop — the same n-gram repeated back to back — returns how many
 * tokens to drop; otherwise 0. Single tokens need more repeats than longer n-grams because real
 * text does repeat short things ("ha ha", "1 1"). Where the source itself repeats (`sourceSpan`,
 * from repeatedSpan), a loop counts only once it is more than twice that long, and as many copies
 * as the source's stretch holds are kept; otherwise one copy remains.
 */
export function repeatedTailLength(tokens: readonly number[], maxN = 8, sourceSpan = 0): number {
  for (let n = 1; n <= maxN; n++) {
    const needed = n === 1 ? 6 : n === 2 ? 4 : 3;
    if (tokens.length < n * needed) continue;
    let repeats = 1;
    const end = tokens.length;
    outer: while ((repeats + 1) * n <= end) {
      for (let i = 0; i < n; i++) {
        if (tokens[end - 1 - i] !== tokens[end - 1 - i - repeats * n]) break outer;
      }
      repeats++;
    }
    if (repeats >= needed && repeats * n > 2 * sourceSpan) return (repeats - Math.max(1, Math.floor(sourceSpan / n))) * n;
  }
  return 0;
}
