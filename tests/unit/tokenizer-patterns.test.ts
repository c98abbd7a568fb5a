/**
 * A model folder is untrusted: tokenizer.json's regular expressions run on every text, on the thread
 * that tokenizes, so one that can backtrack without bound is refused before use (regex-backtracking.ts),
 * and the patterns real Marian exports hold are not.
 */
import { describe, expect, it } from 'vitest';
import { tokenizerJson } from '../../src/builder/tokenizer/tokenizer-json.js';
import { marianTokenizerJson } from '../../src/converter/tokenizer/marian-tokenizer-json.js';
import { PieceType } from '../../src/converter/tokenizer/sentencepiece-model.js';
import { unboundedBacktracking } from '../../src/engine/regex-backtracking.js';
import { checkTokenizerPatterns } from '../../src/engine/tokenizer-patterns.js';
import { tokenizerLibrary } from '../../src/engine/tokenizer-library.js';
import { isDa2enError } from '../../src/errors.js';

type Json = Record<string, unknown>;

function withNormalizer(json: object, regex: string): Json {
  const copy = structuredClone(json) as { normalizer: { normalizers: object[] } };
  copy.normalizer.normalizers.push({ type: 'Replace', pattern: { Regex: regex }, content: 'X' });
  return copy as unknown as Json;
}

const builderJson = tokenizerJson({ pieces: ['</s>', '<unk>', '▁Det', '▁regner', '<pad>'].map((piece): [string, number] => [piece, -1]) });

describe('tokenizer.json regular expressions', () => {
  it('the patterns of Marian exports (the builder\'s nmt_nfkc steps, the converter\'s runs of spaces) are accepted', () => {
    const patterns = JSON.stringify(builderJson).match(/"Regex":"(?:[^"\\]|\\.)*"/g)!;
    expect(patterns).toHaveLength(3);
    expect(() => checkTokenizerPatterns(builderJson as Json)).not.toThrow();
    const source = {
      pieces: ['<unk>', '▁Det', '▁regner'].map((piece) => ({ piece, score: -1, type: PieceType.Normal })),
      modelType: 1,
      byteFallback: false,
      normalizer: { name: 'nmt_nfkc', addDummyPrefix: true, removeExtraWhitespaces: true, escapeWhitespaces: true, charsmap: new Uint8Array() },
    };
    const converted = marianTokenizerJson(source, { '</s>': 0, '<unk>': 1, '▁Det': 2, '▁regner': 3, '<pad>': 4 }, { eos: '</s>', unk: '<unk>', pad: '<pad>' }).json;
    expect(JSON.stringify(converted)).toContain('"Regex":" {2,}"');
    expect(() => checkTokenizerPatterns(converted as Json)).not.toThrow();
    for (const simple of ['\\s+', '^\\s+', '[^\\p{L}\\p{N}]', '(?:ab|cd)e?', '(?<!x)y', 'a{1,3}\\.{2}', '▁+', '\\bx\\b', '.{0,100}', '\\p{L}+']) expect(unboundedBacktracking(simple)).toBeUndefined();
  });

  it('a pattern that can backtrack without bound is refused, with why', () => {
    const refused: [string, RegExp][] = [
      ['(\\w+\\s?)+$', /unbounded repeat inside a group/],
      // Passed by safe-regex2 (it counts nesting only); exponential in V8 all the same.
      ['(\\w|\\d)+$', /repeated group/],
      ['(?:a|ab)*c', /repeated group/],
      ['\\w*\\w*\\w*$', /something after an unbounded repeat/],
      ['\\s+(?!\\S)', /something after an unbounded repeat/],
      ['a{2}+', /repeat of a repeat/],
      ['(a)\\1', /escape "\\1"/],
      ['(?<n>a)', /group syntax/],
      ['(?i:a)', /group syntax/],
      ['[a[b]]', /class inside a class/],
      ['[]a]', /empty class/],
      ['a{0,100}b{0,100}', /more than 256 steps/],
      [`${'(?:a|a)'.repeat(9)}x`, /more than 256 steps/],
      ['a{1000}', /repeat count/],
      // Few ways, each scanning far: tens of seconds on 4,000 characters, within the ways allowed.
      [`${'(?:.|.)'.repeat(8)}${'.{100}'.repeat(40)}b`, /more than 256 steps/],
      [`a{0,100}a?${'a{100}'.repeat(100)}b`, /more than 256 steps/],
      [`${`(?=${'.{100}'.repeat(30)})`.repeat(200)}b`, /longer than 1024 characters/],
      [`${`(?=${'.{100}'.repeat(2)})`.repeat(2)}b`, /more than 256 steps/],
      // Slow to compile, not to run: 11 s on the first text beyond Latin-1.
      [`${'\\P{Cn}'.repeat(20)}b`, /more than 4 Unicode property classes/],
      ['\\P{Cn}{2}[\\w]{2}\\d{2}', /more than 4 Unicode property classes/],
      ['(a', /unclosed group/],
    ];
    for (const [pattern, why] of refused) expect(unboundedBacktracking(pattern), pattern).toMatch(why);
  });

  it('the largest accepted patterns of each slow shape all finish on 4,096 hostile characters', { timeout: 30_000 }, async () => {
    // Each shape grows with k until refused; its last accepted size runs through the real tokenizer.
    // Accepted wrongly, such a pattern runs for seconds to minutes: the timeout above, not a clock, fails it.
    const shapes: ((k: number) => string)[] = [
      ...[0, 2, 4, 5, 8].map((ways) => (k: number) => `${'(?:.|.)'.repeat(ways)}${'.{2}'.repeat(k)}b`),
      (k) => `a{0,20}a?${'a'.repeat(k)}b`,
      (k) => `${'(?=.{20})'.repeat(k)}b`,
      (k) => `${`(?=${'.{10}'.repeat(k)})`.repeat(3)}b`,
      (k) => `${'(?<=.{0,9})'.repeat(k)}b`,
      (k) => `${'\\B'.repeat(k)}b`,
      (k) => `${'\\w'.repeat(k)}b`,
      (k) => `${'\\P{Cn}'.repeat(k)}b`,
      (k) => `${'.'.repeat(k * 10)}b`,
      (k) => Array.from({ length: k }, () => '.{20}b').join('|'),
    ];
    const largest = shapes.flatMap((shape) => {
      let k = 0;
      while (k < 1000 && unboundedBacktracking(shape(k + 1)) === undefined) k++;
      return k > 0 ? [shape(k)] : [];
    });
    expect(largest.length).toBeGreaterThanOrEqual(shapes.length - 1); // 8 ways alone: refused
    const { PreTrainedTokenizer } = await tokenizerLibrary();
    // Every position matches all but the last character (a letter, a word character, anything);
    // the emoji text is the two-byte kind V8 compiles separately for.
    for (const text of ['a'.repeat(4096), '😀'.repeat(2048)]) {
      for (const regex of largest) {
        const tokenizer = new PreTrainedTokenizer(withNormalizer(builderJson, regex), {});
        expect(tokenizer.encode(text).length, regex).toBeGreaterThan(0);
      }
    }
  });

  it('a refused pattern anywhere outside the vocabulary fails as model-corrupt, naming where it is; deep nesting is walked without recursion', () => {
    let err: unknown;
    try {
      checkTokenizerPatterns(withNormalizer(builderJson, '(\\w+\\s?)+$'));
    } catch (e) {
      err = e;
    }
    expect(isDa2enError(err, 'model-corrupt')).toBe(true);
    expect((err as Error).message).toMatch(/^model file tokenizer\.json holds a regular expression .*\(normalizer\.normalizers\[4\]: "\(\\\\w\+\\\\s\?\)\+\$": an unbounded repeat inside a group\)/);
    expect((err as Error).message).not.toMatch(/\n/);

    const split = { ...builderJson, pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: '(a|a)*b' }, behavior: 'Isolated', invert: false }] } };
    expect(() => checkTokenizerPatterns(split)).toThrow(/pre_tokenizer\.pretokenizers\[0\]/);
    expect(() => checkTokenizerPatterns({ ...builderJson, decoder: { type: 'Replace', pattern: { Regex: '(a+)+' }, content: '' } })).toThrow(/decoder:/);

    let deep: object = { type: 'Replace', pattern: { Regex: '(a+)+' }, content: '' };
    for (let i = 0; i < 20_000; i++) deep = { type: 'Sequence', normalizers: [deep] };
    expect(() => checkTokenizerPatterns({ normalizer: deep })).toThrow(/ \(…[\w[\].]{100}: "\(a\+\)\+": an unbounded repeat inside a group\); /);
  });
});
