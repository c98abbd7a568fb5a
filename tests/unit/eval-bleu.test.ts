import { describe, expect, it } from 'vitest';
import { corpusBleu, formatBleuVerbose } from '../../src/eval/bleu.js';
import { BLEU_SIGNATURE } from '../../src/eval/signature.js';

describe('corpusBleu', () => {
  it('perfect match scores 100 with all precisions 100 and BP 1', () => {
    const r = corpusBleu(['the cat sat on the mat'], ['the cat sat on the mat']);
    expect(r.score).toBeCloseTo(100, 10);
    expect(r.precisions).toEqual([100, 100, 100, 100]);
    expect(r.bp).toBe(1);
    expect(r.counts).toEqual([6, 5, 4, 3]);
    expect(r.totals).toEqual([6, 5, 4, 3]);
  });

  it('empty hypothesis scores 0 (BP 0, no matches)', () => {
    const r = corpusBleu([''], ['a b']);
    expect(r.score).toBe(0);
    expect(r.bp).toBe(0);
    expect(r.sysLen).toBe(0);
    expect(r.refLen).toBe(2);
  });

  it('no matching n-gram at all scores 0', () => {
    expect(corpusBleu(['x'], ['a']).score).toBe(0);
  });

  it('brevity penalty: 4 of 8 reference tokens, all correct -> 100·e^(1-8/4)', () => {
    const r = corpusBleu(['a b c d'], ['a b c d e f g h']);
    expect(r.bp).toBeCloseTo(Math.exp(-1), 15);
    expect(r.score).toBeCloseTo(100 * Math.exp(-1), 10); // 36.79
  });

  it('exp smoothing: first zero-count order gets 100/(2·total)', () => {
    // counts 3/4, 2/3, 1/2, 0/1 -> 75, 66.67, 50, 100/(2·1) = 50
    const r = corpusBleu(['a b c d'], ['a b c e']);
    expect(r.precisions[3]).toBe(50);
    expect(r.score).toBeCloseTo(Math.pow(75 * (200 / 3) * 50 * 50, 1 / 4), 10); // 59.46
  });

  it('exp smoothing: second zero-count order gets 100/(4·total)', () => {
    // counts 4/5, 2/4, 0/3, 0/2 -> 80, 50, 100/6, 100/8
    const r = corpusBleu(['a b c d e'], ['a b x d e']);
    expect(r.precisions[2]).toBeCloseTo(100 / 6, 12);
    expect(r.precisions[3]).toBe(12.5);
    expect(r.score).toBeCloseTo(Math.pow(80 * 50 * (100 / 6) * 12.5, 1 / 4), 10); // 30.21
  });

  it('a corpus without any 4-gram scores 0 (effective order is off)', () => {
    expect(corpusBleu(['a b c'], ['a b c']).score).toBe(0);
  });

  it('sums statistics over the corpus before scoring', () => {
    const r = corpusBleu(['a b c d', 'a b c'], ['a b c d', 'a b c']);
    expect(r.totals).toEqual([7, 5, 3, 1]);
    expect(r.score).toBeCloseTo(100, 10);
  });

  it('is case-sensitive and clips repeated n-grams', () => {
    const r = corpusBleu(['the the the the'], ['The the cat sat']);
    expect(r.counts[0]).toBe(1);
  });

  it('prints sacreBLEU’s signature and verbose line', () => {
    const r = corpusBleu(['a b c d'], ['a b c e']);
    expect(r.signature).toBe(BLEU_SIGNATURE);
    expect(r.signature).toMatch(/^nrefs:1\|case:mixed\|eff:no\|tok:13a\|smooth:exp\|version:2\.\d+\.\d+/);
    expect(formatBleuVerbose(r)).toBe(
      'BLEU = 59.46 75.0/66.7/50.0/50.0 (BP = 1.000 ratio = 1.000 hyp_len = 4 ref_len = 4)',
    );
  });

  it('rejects different line counts', () => {
    expect(() => corpusBleu(['a'], ['a', 'b'])).toThrow(/different line counts/);
  });
});
