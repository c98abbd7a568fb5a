import { describe, expect, it } from 'vitest';
import { corpusChrf, chrfSegmentStats } from '../../src/eval/chrf.js';
import { CHRF_SIGNATURE } from '../../src/eval/signature.js';

describe('corpusChrf (chrF2, nc 6, nw 0, whitespace removed, effective order)', () => {
  it('perfect match = 100, and whitespace is ignored', () => {
    expect(corpusChrf(['a good day'], ['a good day']).score).toBeCloseTo(100, 10);
    expect(corpusChrf(['a b'], ['ab']).score).toBeCloseTo(100, 10);
  });

  it('empty hypothesis (or empty reference) scores 0', () => {
    expect(corpusChrf([''], ['abc']).score).toBe(0);
    expect(corpusChrf(['abc'], ['']).score).toBe(0);
    expect(corpusChrf([''], ['']).score).toBe(0);
  });

  it('hand case: "ab" vs "abc" -> P=1, R=(2/3+1/2)/2 over 2 effective orders -> F2 = 7/11', () => {
    expect(corpusChrf(['ab'], ['abc']).score).toBeCloseTo((100 * 7) / 11, 10);
  });

  it('does not count hypothesis n-grams of an order the reference lacks', () => {
    const s = chrfSegmentStats('abcd', 'ab');
    expect(s[0]).toEqual([4, 2, 2]);
    expect(s[2]).toEqual([0, 0, 0]); // hyp has 2 trigrams, reference none
  });

  it('counts code points, not UTF-16 units', () => {
    const s = chrfSegmentStats('😀é', '😀é');
    expect(s[0]).toEqual([2, 2, 2]);
    expect(s[1]).toEqual([1, 1, 1]);
  });

  it('matches the published HF/sacreBLEU example (two sentences: 84.642…)', () => {
    const r = corpusChrf(
      [
        'The relationship between cats and dogs is not exactly friendly.',
        'a good bookshop is just a genteel black hole that knows how to read.',
      ],
      [
        'The relationship between dogs and cats is not exactly friendly.',
        'A good bookshop is just a genteel Black Hole that knows how to read.',
      ],
    );
    expect(r.score).toBeCloseTo(84.64214891738334, 9);
    expect(r.signature).toBe(CHRF_SIGNATURE);
    expect(r.signature).toMatch(/^nrefs:1\|case:mixed\|eff:yes\|nc:6\|nw:0\|space:no\|version:2\.\d+\.\d+/);
  });

  it('matches the published HF/sacreBLEU single-sentence example (61.576…)', () => {
    const r = corpusChrf(
      ['The relationship between Obama and Netanyahu is not exactly friendly.'],
      ['The ties between Obama and Netanyahu are not particularly friendly.'],
    );
    expect(r.score).toBeCloseTo(61.576379378113785, 9);
  });

  it('rejects different line counts', () => {
    expect(() => corpusChrf(['a', 'b'], ['a'])).toThrow(/different line counts/);
  });
});
