import { describe, expect, it } from 'vitest';
import { tokenize13a } from '../../src/eval/tokenizer-13a.js';
import { bleuTokens } from '../../src/eval/bleu.js';

describe('tokenize13a (sacreBLEU 13a / mteval-v13a)', () => {
  it('un-escapes &quot; and splits quotes and final punctuation', () => {
    expect(tokenize13a('He said &quot;hi&quot;, then left.')).toBe('He said " hi " , then left .');
  });

  it('un-escapes in order &quot; &amp; &lt; &gt; (so &amp;quot; stays &quot;)', () => {
    expect(tokenize13a("don't &amp;quot; &lt;b&gt; (x) [y] {z}")).toBe(
      "don't & quot ; < b > ( x ) [ y ] { z }",
    );
  });

  it('keeps digit-internal . and , but splits a dash after a digit', () => {
    expect(tokenize13a('It cost $1,000.50 in 2020-2021.')).toBe('It cost $ 1,000.50 in 2020 - 2021 .');
    expect(tokenize13a('The U.S. won 3-1, 2.5% more.')).toBe('The U . S . won 3 - 1 , 2.5 % more .');
  });

  it('applies the period/comma rules by the neighbouring digit only', () => {
    // "1.2,3" stays whole (both neighbours digits); "a1.b": preceded by digit, followed by a letter.
    expect(tokenize13a('A.B,C 1.2,3 a1.b 1.a x-1 1-x')).toBe('A . B , C 1.2,3 a1 . b 1 . a x-1 1 - x');
  });

  it('splits the ASCII symbol ranges but not apostrophes or letter-hyphens', () => {
    expect(tokenize13a('3:45 p.m., 10/12, 50%, #1, @home, x+y=z')).toBe(
      '3 : 45 p . m . , 10 / 12 , 50 % , # 1 , @ home , x + y = z',
    );
    expect(tokenize13a("well-known rock'n'roll")).toBe("well-known rock'n'roll");
  });

  it('drops <skipped>, joins "-\\n" and turns other newlines into spaces', () => {
    expect(tokenize13a('well-\nknown<skipped> fact\nhere')).toBe('wellknown fact here');
  });

  it('collapses Python whitespace (incl. NBSP, thin space) but not U+FEFF', () => {
    expect(tokenize13a('a\u00a0b\u2009c\u3000d')).toBe('a b c d');
    expect(tokenize13a('\ufeffa')).toBe('\ufeffa');
  });

  it('bleuTokens right-strips first (trailing "-\\n" is not joined)', () => {
    expect(bleuTokens('  hello world.\n')).toEqual(['hello', 'world', '.']);
    expect(bleuTokens('')).toEqual([]);
  });
});
