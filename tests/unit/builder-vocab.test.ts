import { describe, expect, it } from 'vitest';
import { learnBpe } from '../../src/builder/tokenizer/bpe.js';
import { buildVocabulary, META } from '../../src/builder/tokenizer/vocab.js';

describe('BPE piece proposals', () => {
  it('merges the most frequent pairs first and counts the final segmentation', () => {
    const words = new Map([
      [`${META}hus`, 10],
      [`${META}huse`, 5],
      [`${META}mus`, 2],
    ]);
    const { symbols, counts } = learnBpe(words, 100);
    expect(symbols).toContain(`${META}hus`);
    expect(symbols.indexOf('us')).toBeLessThan(symbols.indexOf(`${META}hus`));
    // Pairs seen twice or more are merged: ▁huse becomes whole; ▁mus (weight 2) too.
    expect(counts[symbols.indexOf(`${META}hus`)]).toBe(10);
    expect(counts[symbols.indexOf(`${META}huse`)]).toBe(5);
    expect(counts[symbols.indexOf('s')]).toBe(0);
  });

  it('is deterministic', () => {
    const words = new Map(['abcab', 'bcabc', 'cab', 'abab'].map((w, i) => [META + w, i + 1]));
    expect(learnBpe(words, 20)).toEqual(learnBpe(new Map([...words].reverse()), 20));
  });
});

describe('vocabulary', () => {
  const tiny = buildVocabulary({ source: 'tiny', maxSize: 2000 });

  it('puts </s> at 0, <unk> at 1 and <pad> last, with unique pieces', () => {
    const pieces = tiny.pieces.map(([p]) => p);
    expect(pieces[0]).toBe('</s>');
    expect(pieces[1]).toBe('<unk>');
    expect(pieces.at(-1)).toBe('<pad>');
    expect(new Set(pieces).size).toBe(pieces.length);
    expect(pieces.length).toBeLessThanOrEqual(2000);
  });

  it('has whole frequent words, Danish letters, digits and punctuation', () => {
    const pieces = new Set(tiny.pieces.map(([p]) => p));
    for (const p of [`${META}og`, `${META}the`, `${META}Det`, 'æ', 'ø', 'å', 'Æ', 'Ø', 'Å', '0', '9', '.', ',', '"', '€', '–']) expect(pieces.has(p), p).toBe(true);
    for (const [, score] of tiny.pieces.slice(2, -1)) expect(score).toBeLessThan(0);
  });

  it('reaches an exact size, with a clear note, when the system word lists are missing', () => {
    const v = buildVocabulary({ source: 'system', size: 4000, wordLists: { danish: ['/nonexistent/danish'], english: ['/nonexistent/english'] } });
    expect(v.pieces).toHaveLength(4000);
    expect(v.wordLists).toEqual([]);
    expect(v.notes.join(' ')).toMatch(/word list missing.*wdanish/);
  });
});
