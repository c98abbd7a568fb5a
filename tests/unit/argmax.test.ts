import { describe, expect, it } from 'vitest';
import { argmax } from '../../src/engine/decoding/greedy.js';
import { prng } from '../helpers/prng.js';

/** The definition: the first index holding the largest value among the ids not banned. */
function reference(logits: Float32Array, offset: number, vocab: number, banned: readonly number[]): number {
  let best = -1;
  for (let v = 0; v < vocab; v++) {
    if (banned.includes(v)) continue;
    if (best === -1 || logits[offset + v]! > logits[offset + best]!) best = v;
  }
  return best;
}

describe('argmax', () => {
  it('picks the first largest logit that is not banned, also when a banned id or a tie is on top', () => {
    const rand = prng(7);
    const vocab = 50;
    for (let trial = 0; trial < 2000; trial++) {
      const rows = 3;
      // Few distinct values, so ties and banned winners are common.
      const logits = Float32Array.from({ length: rows * vocab }, () => Math.floor(rand() * 6));
      const banned = Array.from({ length: Math.floor(rand() * 4) }, () => Math.floor(rand() * vocab));
      for (let r = 0; r < rows; r++) expect(argmax(logits, r * vocab, vocab, banned)).toBe(reference(logits, r * vocab, vocab, banned));
    }
  });
});
