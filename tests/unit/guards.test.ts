import { describe, expect, it } from 'vitest';
import { maxNewTokens, repeatedSpan, repeatedTailLength } from '../../src/engine/decoding/guards.js';

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

  it('measures the longest stretch of a source that is one n-gram repeated', () => {
    expect(repeatedSpan([1, 2, 3, 4])).toBe(0);
    expect(repeatedSpan([1, 7, 7, 2])).toBe(2);
    expect(repeatedSpan([1, 9, 9, 9, 9, 9, 2])).toBe(5);
    expect(repeatedSpan([1, 3, 4, 3, 4, 3, 4, 2])).toBe(6);
    // Two copies and a half: the whole copies count.
    expect(repeatedSpan([3, 4, 5, 3, 4, 5, 3, 4])).toBe(6);
  });

  it('lets a translation repeat as much as its source does, and cuts a loop twice as long', () => {
    const dots = Array.from({ length: 13 }, () => 9);
    const span = repeatedSpan([1, 2, ...dots, 3]);
    expect(span).toBe(13);
    expect(repeatedTailLength([1, 2, ...dots], 8, span)).toBe(0);
    expect(repeatedTailLength([1, 2, ...dots, ...dots], 8, span)).toBe(0);
    // More than twice the source's stretch is a loop: the source's 13 copies are kept.
    expect(repeatedTailLength([1, 2, ...dots, ...dots, 9], 8, span)).toBe(14);
    // A source without repetition changes nothing.
    expect(repeatedTailLength([1, 2, 9, 9, 9, 9, 9, 9], 8, 0)).toBe(5);
  });
});
