import { describe, expect, it } from 'vitest';
import {
  EvalInputError,
  evalResultJson,
  evaluate,
  formatEvalTable,
  roundScore,
} from '../../src/eval/run-eval.js';
import { splitLines } from '../../src/eval/lines.js';
import { pyFormatFixed } from '../../src/eval/pycompat.js';
import { BLEU_SIGNATURE, CHRF_SIGNATURE } from '../../src/eval/signature.js';

describe('evaluate', () => {
  it('scores given hypotheses', async () => {
    const r = await evaluate({ refs: ['a b c d', 'a b c e'], hyps: ['a b c d', 'a b c e'] });
    expect(Object.keys(r).sort()).toEqual(['bleu', 'chrf', 'lines']);
    expect(r.lines).toBe(2);
    expect(r.bleu.score).toBeCloseTo(100, 10);
    expect(r.bleu.signature).toBe(BLEU_SIGNATURE);
    expect(r.chrf.signature).toBe(CHRF_SIGNATURE);
  });

  it('translates the source when no hypotheses are given', async () => {
    const r = await evaluate({
      src: ['x y z w'],
      refs: ['a b c d'],
      translate: async (lines) => lines.map(() => 'a b c d'),
    });
    expect(r.bleu.score).toBeCloseTo(100, 10);
  });

  it('keeps full precision in the result', async () => {
    const r = await evaluate({ refs: ['a b c e'], hyps: ['a b c d'] });
    expect(r.bleu.score).toBeCloseTo(59.460355750136046, 12);
    expect(roundScore(r.bleu.score)).toBe(59.5);
  });

  it('one clear error for any line-count mismatch', async () => {
    await expect(evaluate({ src: ['a', 'b'], refs: ['a'], hyps: ['a'] })).rejects.toThrow(
      'Line counts differ (source 2, reference 1, hypothesis 1): every file must have exactly one line per segment.',
    );
    await expect(evaluate({ refs: ['a'], hyps: ['a', 'b'] })).rejects.toBeInstanceOf(EvalInputError);
    await expect(
      evaluate({ src: ['a'], refs: ['a'], translate: async () => ['a', 'b'] }),
    ).rejects.toThrow(/translation 2/);
  });

  it('refuses empty input before translating, as sacreBLEU does ("contains no sentence")', async () => {
    await expect(evaluate({ refs: [], hyps: [] })).rejects.toThrow(/Nothing to score: the files are empty/);
    let translated = false;
    const translate = async (lines: string[]) => {
      translated = true;
      return lines;
    };
    await expect(evaluate({ src: [], refs: [], translate })).rejects.toBeInstanceOf(EvalInputError);
    expect(translated).toBe(false);
  });

  it('needs hypotheses or a source with a translator', async () => {
    await expect(evaluate({ refs: ['a'] })).rejects.toThrow(/Nothing to score/);
    await expect(evaluate({ src: ['a'], refs: ['a'] })).rejects.toThrow(/Nothing to score/);
  });
});

describe('output formats', () => {
  const result = {
    bleu: { score: 45.069750576260034, signature: BLEU_SIGNATURE },
    chrf: { score: 69.2316301121761, signature: CHRF_SIGNATURE },
    lines: 1012,
  };

  it('--json payload has exactly bleu, chrf, lines with sacreBLEU-rounded scores', () => {
    const parsed = JSON.parse(evalResultJson(result));
    expect(parsed).toEqual({
      bleu: { score: 45.1, signature: BLEU_SIGNATURE },
      chrf: { score: 69.2, signature: CHRF_SIGNATURE },
      lines: 1012,
    });
    expect(JSON.parse(evalResultJson(result, { fullPrecision: true })).bleu.score).toBe(45.069750576260034);
  });

  it('table shows one decimal and the signatures', () => {
    const t = formatEvalTable(result);
    expect(t).toContain('BLEU     45.1  nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:');
    expect(t).toContain('chrF2    69.2  nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:');
    expect(t).toContain('lines: 1012');
  });
});

describe('Python-compatible number formatting', () => {
  it('rounds exact ties half-to-even like f"{x:.1f}"', () => {
    expect(pyFormatFixed(45.25, 1)).toBe('45.2'); // JS toFixed gives 45.3
    expect(pyFormatFixed(45.75, 1)).toBe('45.8');
    expect(pyFormatFixed(45.35, 1)).toBe('45.4'); // binary value is above the tie
    expect(pyFormatFixed(0.05, 1)).toBe('0.1');
    expect(pyFormatFixed(99.95, 1)).toBe('100.0');
    expect(pyFormatFixed(2.675, 2)).toBe('2.67');
    expect(pyFormatFixed(0, 1)).toBe('0.0');
    expect(pyFormatFixed(0.5, 0)).toBe('0');
    expect(pyFormatFixed(1.5, 0)).toBe('2');
  });
});

describe('splitLines', () => {
  it('reads lines like sacreBLEU 2.x (Python, newline="\\n"): only \\n ends a line', () => {
    expect(splitLines('a\nb\n')).toEqual(['a', 'b']);
    expect(splitLines('a\r\nb')).toEqual(['a', 'b']);
    expect(splitLines('a\r\n\r\n')).toEqual(['a', '']);
    expect(splitLines('a\n\n')).toEqual(['a', '']);
    expect(splitLines('')).toEqual([]);
    expect(splitLines('a\u2028b')).toEqual(['a\u2028b']);
    expect(splitLines('a b c\rd e\n')).toEqual(['a b c\rd e']);
    expect(splitLines('a\rb\r')).toEqual(['a\rb\r']);
  });
});
