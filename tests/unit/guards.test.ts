import { describe, expect, it } from 'vitest';
import { maxNewTokens, repeatedTailLength } from '../../src/engine/decoding/guards.js';

describe('runaway guards', () => {
  it('caps output length relative to the input, within the position table', () => {
    expect(maxNewTokens(10)).toBe(30);
    expect(maxNewTokens(400)).toBe(511);
    expect(maxNewTokens(10, { ratio: 1.5, slack: 0, maxPositions: 512 })).toBe(15);
  });

  it('finds a single token repeated six times and keeps one copy', () => {
    expect(repeatedTailLength([1, 2, 9, 9, 9, 9, 9, 9])).toBe(5);
    expect(repeatedTailLength([1, 2, 9, 9, 9, 9, 9])).toBe(0);
  });

  it('finds a longer n-gram loop', () => {
    const loop = [3, 4, 5];
    expect(repeatedTailLength([1, 2, ...loop, ...loop, ...loop])).toBe(6);
    expect(repeatedTailLength([1, 2, ...loop, ...loop])).toBe(0);
  });

  it('leaves ordinary text alone', () => {
    expect(repeatedTailLength([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])).toBe(0);
    expect(repeatedTailLength([1, 2, 1, 2, 3])).toBe(0);
  });
});
