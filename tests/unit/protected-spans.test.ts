import { describe, expect, it } from 'vitest';
import { compatibilityChangesMeaning, ProtectedSpans } from '../../src/engine/protected-spans.js';

// A tokenizer that knows ASCII, the Danish letters and a few more.
const knows = (ch: string) => /^[\x20-\x7e æøåÆØÅéó€–”’]$/u.test(ch);
const P = '\uE000';

describe('compatibility characters whose NFKC form means something else', () => {
  it.each([
    ['½', true], ['¼', true], ['⅓', true], ['²', true], ['³', true], ['¹', true], ['₂', true], ['⁻', true], ['⁺', true],
    ['①', true], ['㎡', true], ['ª', true], ['º', true], ['ʰ', true], ['⒈', true],
    // same meaning: left to the tokenizer
    ['ﬁ', false], ['Ａ', false], ['１', false], ['™', false], ['…', false], ['\u00a0', false], ['Ⅻ', false],
    // not compatibility characters at all
    ['a', false], ['æ', false], ['ğ', false], ['€', false], ['-', false], ['\u2012', false], ['\u2212', false],
  ])('%s → %s', (ch, changes) => expect(compatibilityChangesMeaning(ch)).toBe(changes));
});

describe('ProtectedSpans', () => {
  const spans = ProtectedSpans.fromPredicate(knows);

  it('puts one placeholder for each run the tokenizer cannot spell, and keeps the runs in order', () => {
    expect(spans.guard('Erdoğan og Łódź i Košice.')).toEqual({ text: `Erdo${P}an og ${P}ód${P} i Ko${P}ice.`, spans: ['ğ', 'Ł', 'ź', 'š'] });
    expect(spans.guard('Ψυχή 🎉🎉 ok')).toEqual({ text: `${P} ${P} ok`, spans: ['Ψυχή', '🎉🎉'] });
  });

  it('fractions, superscripts and ranges keep their meaning: protected, or a hyphen the model knows', () => {
    expect(spans.guard('2½ kg, 10³ m², 4\u20115 mio., 3\u20104')).toEqual({ text: `2${P} kg, 10${P} m${P}, 4-5 mio., 3-4`, spans: ['½', '³', '²'] });
  });

  it('a special token written as text is protected whole (it would become the token: </s> ends the input)', () => {
    expect(spans.guard('a </s> b <unk> c <pad>')).toEqual({ text: `a ${P} b ${P} c ${P}`, spans: ['</s>', '<unk>', '<pad>'] });
  });

  it('a letter and its combining accent are one character when Unicode has one (NFC)', () => {
    expect(spans.guard('Kos\u030Cice')).toEqual({ text: `Ko${P}ice`, spans: ['š'] });
  });

  it('restores each <unk> of the output in order; runs left over are reported', () => {
    expect(spans.restore('Erdo<unk>an and <unk>ód<unk> in Ko<unk>ice.', ['ğ', 'Ł', 'ź', 'š'])).toEqual({ text: 'Erdoğan and Łódź in Košice.', unrestored: [] });
    expect(spans.restore('Erdo<unk>an and Lodz.', ['ğ', 'Ł', 'ź'])).toEqual({ text: 'Erdoğan and Lodz.', unrestored: ['Ł', 'ź'] });
    // more <unk> than runs: the extra ones are dropped, as decoding always did
    expect(spans.restore('<unk> x <unk>', ['ğ'])).toEqual({ text: 'ğ x ', unrestored: [] });
    expect(spans.restore('nothing', [])).toEqual({ text: 'nothing', unrestored: [] });
  });
});
