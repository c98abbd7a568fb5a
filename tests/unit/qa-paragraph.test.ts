import { describe, expect, it } from 'vitest';
import { qaParagraph } from '../../src/qa/qa-paragraph.js';

const kinds = (da: string, en: string, opts = {}): string[] => qaParagraph(da, en, opts).map((f) => f.kind);

describe('qaParagraph', () => {
  it('a good translation has no findings', () => {
    expect(
      qaParagraph('Regeringen vil bruge 2,5 mia. kr. på 1.200 nye lærere i 2025.', 'The government will spend DKK 2.5 billion on 1,200 new teachers in 2025.'),
    ).toEqual([]);
  });

  it('empty: empty target for a non-empty source, and nothing else then', () => {
    expect(kinds('Der var 5 mennesker til stede ved mødet.', '')).toEqual(['empty']);
    expect(kinds('Der var 5 mennesker.', '   ')).toEqual(['empty']);
    expect(kinds('', '')).toEqual([]);
    expect(kinds('   ', 'x')).toEqual([]);
  });

  it('a day.month date with no year is neither a missing number nor the time 24:12', () => {
    expect(qaParagraph('Vi holder fri den 31.12. og starter igen.', 'We take 31 December off and start again.')).toEqual([]);
    expect(qaParagraph('Vi holder fri den 1.5. og starter igen.', 'We take 1 May off and start again.')).toEqual([]);
    expect(qaParagraph('Vi holder fri den 24.12. og starter igen.', 'We take 24 December off and start again.')).toEqual([]);
    expect(qaParagraph('Vi holder fri den 24.12. og starter igen.', 'We take 25 December off and start again.')).toEqual([
      { kind: 'missing-number', message: 'The source date "24.12" is not in the translation.' },
    ]);
  });

  it('untranslated: identical or nearly identical target', () => {
    const da = 'Regeringen fremlagde i dag sit forslag til en ny finanslov.';
    expect(kinds(da, da)).toEqual(['untranslated']);
    expect(qaParagraph(da, da)[0]!.message).toMatch(/identical/);
    expect(kinds(da, 'Regeringen fremlagde i dag sit forslag til en ny finanslov!')).toEqual(['untranslated']);
    expect(kinds(da, 'The government today presented its proposal for a new budget.')).toEqual([]);
  });

  it('untranslated: names and short headings that stay the same are not flagged', () => {
    expect(kinds('Mette Frederiksen', 'Mette Frederiksen')).toEqual([]);
    expect(kinds('2025', '2025')).toEqual([]);
    expect(kinds('Mette Frederiksen', 'Mette Frederiksen', { untranslatedMinWords: 1 })).toEqual(['untranslated']);
  });

  it('length-ratio: outside 0.5–2.0 for sources of 20+ characters', () => {
    const da = 'Der er mange gode grunde til at tage toget.';
    expect(kinds(da, 'Many reasons.')).toEqual(['length-ratio']);
    expect(kinds(da, 'There are many good reasons to take the train. '.repeat(3))).toEqual(['length-ratio']);
    expect(kinds(da, 'There are many good reasons to take the train.')).toEqual([]);
    expect(qaParagraph(da, 'Many reasons.')[0]!.message).toMatch(/0\.3× the length/);
    // Short sources are exempt.
    expect(kinds('Ja.', 'Yes, certainly, absolutely.')).toEqual([]);
    // The band is configurable.
    expect(kinds(da, 'There are many good reasons to take the train.', { maxRatio: 1.0 })).toEqual(['length-ratio']);
  });

  it('missing-number: one finding per missing number, with a readable message', () => {
    const f = qaParagraph('Mødet er kl. 14.30 med 12 % af 1.037 ansatte.', 'The meeting is at 3 pm with 12% of 1,037 staff.');
    expect(f).toEqual([
      { kind: 'missing-number', message: 'The source time "kl. 14.30" (14:30) is not in the translation.' },
    ]);
    expect(qaParagraph('Over 1.000 mennesker.', 'Over 100 people.')[0]!.message).toBe(
      'The source number "1.000" (1000) is not in the translation.',
    );
  });

  it('number-format: a number copied in Danish format is there, but reads as another number in English (was: missing-number)', () => {
    expect(qaParagraph('Over 1.000 mennesker.', 'Over 1.000 people.')).toEqual([
      { kind: 'number-format', message: 'The source number "1.000" (1000) is in the translation in Danish format, which reads as a different number in English; in English it is "1,000".' },
    ]);
    expect(qaParagraph('Huset kostede 3.850 kr.', 'The house cost 3.850 kr.')[0]!.message).toMatch(/"3\.850" \(3850\) .*Danish format.*"3,850"/);
    expect(qaParagraph('Prisen steg 2,5 gange.', 'The price rose 2,5 times.')).toEqual([
      { kind: 'number-format', message: 'The source number "2,5" (2.5) is in the translation in Danish format, which reads as a different number in English; in English it is "2.5".' },
    ]);
    // "2,500" is 2.5 in Danish and 2500 in English: the worst copy of all.
    expect(kinds('Renten er 2,500 procentpoint.', 'The rate is 2,500 points.')).toEqual(['number-format']);
    expect(qaParagraph('Den koster 1.234,5 kr.', 'It costs 1.234,5 kr.')[0]!.message).toContain('"1,234.5"');
    expect(qaParagraph('Det koster 2,5 mio. kr.', 'It costs 2,5 million kroner.')[0]!.message).toMatch(/^The source number "2,5 mio\." .*"2\.5"\.$/);
    expect(kinds('Arbejdsløsheden er 4,3 %.', 'Unemployment is 4,3%.')).toEqual(['number-format']);
    // Written the English way, or not there at all, it is what it was.
    expect(kinds('Huset kostede 3.850 kr.', 'The house cost 3,850 kr.')).toEqual([]);
    expect(kinds('Prisen steg 2,5 gange.', 'The price rose 2.5 times.')).toEqual([]);
    expect(kinds('Prisen steg 2,5 gange.', 'The price rose 12,55 times.')).toEqual(['missing-number']);
    expect(kinds('Huset kostede 3.850 kr.', 'The house cost 13.850 kr.')).toEqual(['missing-number']);
  });

  it('guard: one finding per distinct guard that fired', () => {
    const f = qaParagraph('Hej med dig.', 'Hello to you.', { guardFlags: ['repeat', 'repeat', 'max-length'] });
    expect(f.map((x) => x.kind)).toEqual(['guard', 'guard']);
    expect(f[0]!.message).toContain('"repeat"');
    expect(kinds('Hej med dig.', '', { guardFlags: ['max-length'] })).toEqual(['empty', 'guard']);
    expect(kinds('Hej med dig.', 'Hello to you.', { guardFlags: [] })).toEqual([]);
  });

  it('unrestored: text the model could not spell that is not in the translation, once per text', () => {
    const flags = ['unrestored:ğ', 'unrestored:Ł', 'unrestored:ğ', 'repetition'];
    expect(qaParagraph('Erdoğan mødte Łukasz.', 'Erdoan met Łukasz.', { guardFlags: flags })).toEqual([
      { kind: 'guard', message: 'Decoding guard "repetition" fired; the translation may be cut short or repetitive.' },
      { kind: 'unrestored', message: 'The source\'s "ğ" (which the model cannot spell: <unk>) is missing from the translation.' },
    ]);
    expect(qaParagraph('Erdoğan mødte Łukasz.', 'Erdoğan met Łukasz.', { guardFlags: flags.slice(0, 3) })).toEqual([]);
  });
});
