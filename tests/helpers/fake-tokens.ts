/**
 * Deterministic stand-in for the real tokenizer in unit tests:
 * ceil(words × 1.4) + 1 (the +1 plays the appended `</s>`), where a "word" is a whitespace-
 * separated run, and a run longer than 8 characters counts as ceil(length / 8) words (so a
 * single very long "word" can exceed the budget and must be split by characters).
 */
export function fakeCountTokens(s: string): number {
  let words = 0;
  for (const w of s.split(/\s+/)) {
    if (w === '') continue;
    words += Math.max(1, Math.ceil([...w].length / 8));
  }
  return Math.ceil(words * 1.4) + 1;
}
