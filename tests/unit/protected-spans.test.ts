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
    expect(spans.guard('Erdoğan og Łódź i Košice.')).toMatchObject({ text: `Erdo${P}an og ${P}ód${P} i Ko${P}ice.`, spans: ['ğ', 'Ł', 'ź', 'š'] });
    expect(spans.guard('Ψυχή 🎉🎉 ok')).toMatchObject({ text: `${P} ${P} ok`, spans: ['Ψυχή', '🎉🎉'] });
    // emoji sequences stay whole: zero-width joiners and variation selectors go with the run
    expect(spans.guard('Familien 👨\u200d👩\u200d👧 og ❤\ufe0f.')).toMatchObject({ text: `Familien ${P} og ${P}.`, spans: ['👨\u200d👩\u200d👧', '❤\ufe0f'] });
  });

  it('fractions, superscripts and ranges keep their meaning: protected, or a hyphen the model knows', () => {
    expect(spans.guard('2½ kg, 10³ m², 4\u20115 mio., 3\u20104')).toMatchObject({ text: `2${P} kg, 10${P} m${P}, 4-5 mio., 3-4`, spans: ['½', '³', '²'] });
  });

  it('a special token written as text is protected whole (it would become the token: </s> ends the input)', () => {
    expect(spans.guard('a </s> b <unk> c <pad>')).toMatchObject({ text: `a ${P} b ${P} c ${P}`, spans: ['</s>', '<unk>', '<pad>'] });
  });

  it('a letter and its combining accent are one character when Unicode has one (NFC)', () => {
    expect(spans.guard('Kos\u030Cice')).toMatchObject({ text: `Ko${P}ice`, spans: ['š'] });
  });

  it('restores each <unk> of the output in order; runs left over are reported', () => {
    const source = spans.guard('Erdoğan mødte Łódź i Košice.');
    expect(source.words).toEqual([
      { word: 'Erdoğan', without: 'Erdoan' },
      { word: 'Łódź', without: 'ód' },
      { word: 'Łódź', without: 'ód' },
      { word: 'Košice', without: 'Koice' },
    ]);
    expect(spans.restore('Erdo<unk>an met <unk>ód<unk> in Ko<unk>ice.', source)).toEqual({ text: 'Erdoğan met Łódź in Košice.', unrestored: [] });
    // more <unk> than runs: the extra ones are dropped, as decoding always did
    expect(spans.restore('<unk> x <unk> <unk> <unk> <unk>', source)).toEqual({ text: 'ğ x Ł ź š ', unrestored: [] });
    const alone = spans.guard('Ψυχή og 🎉');
    expect(spans.restore('Psyche and', alone)).toEqual({ text: 'Psyche and', unrestored: ['Ψυχή', '🎉'] });
    expect(spans.restore('nothing', spans.guard('intet'))).toEqual({ text: 'nothing', unrestored: [] });
  });

  it('where the model wrote no <unk>, a word of the output that is the source word less its runs gets the source word back', () => {
    const source = spans.guard('Erdoğan mødte Łódź i Košice, 2½ time.');
    // "Erdoan" and "ód" are the source words less their runs; "Kosice" is not "Koice"; "2" has no letter to go by
    expect(spans.restore('Erdo<unk>an met Lodz and ód in Kosice, 2 hours.', source)).toEqual({ text: 'Erdoğan met Lodz and Łódź in Kosice, 2 hours.', unrestored: ['š', '½'] });
    expect(spans.restore('Erdoan met Łódź', spans.guard('Erdoğan mødte'))).toEqual({ text: 'Erdoğan met Łódź', unrestored: [] });
    // only a whole word: "Erdoanske" is another word
    expect(spans.restore('Erdoanske', spans.guard('Erdoğan'))).toEqual({ text: 'Erdoanske', unrestored: ['ğ'] });
    // text with $ patterns is put back as it is
    const dollar = spans.guard('Ğa$& x');
    expect(spans.restore('a$& x', dollar)).toEqual({ text: 'Ğa$& x', unrestored: [] });
  });
});
