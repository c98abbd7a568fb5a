import { describe, expect, it } from 'vitest';
import { extractSourceNumbers, missingNumbers } from '../../src/qa/numbers.js';

const missing = (da: string, en: string): string[] => missingNumbers(da, en).map((n) => n.raw);

describe('Danish source numbers', () => {
  it('classifies the Danish formats', () => {
    const found = extractSourceNumbers(
      "Den 3. maj kl. 14.30 var 1.037 af 3.000.000 (12 %) med 2,5 mio. kr. i 1990'erne, 1 000 i alt, 3.5.2021.",
    ).map((n) => [n.raw, n.kind, n.values[0]]);
    expect(found).toEqual([
      ['3.', 'ordinal', 3],
      ['kl. 14.30', 'time', undefined],
      ['1.037', 'number', 1037],
      ['3.000.000', 'number', 3000000],
      ['12 %', 'percent', 12],
      ['2,5 mio.', 'scaled', 2500000],
      ["1990'erne", 'decade', 1990],
      ['1 000', 'number', 1000],
      ['3.5.2021', 'date', undefined],
    ]);
  });

  it('reports a repeated number once', () => {
    expect(extractSourceNumbers('5 og 5 og 5')).toHaveLength(1);
  });

  it('a sentence-final number is not an ordinal', () => {
    expect(extractSourceNumbers('Det skete i 2020. Han kom.')[0]).toMatchObject({ raw: '2020', kind: 'number' });
  });
});

describe('missing numbers: hits and non-hits', () => {
  it('plain integers and years', () => {
    expect(missing('Der var 1037 deltagere i 2021.', 'There were 1037 participants in 2021.')).toEqual([]);
    expect(missing('Der var 1037 deltagere.', 'There were 1,037 participants.')).toEqual([]);
    expect(missing('Der var 1037 deltagere i 2021.', 'There were 1073 participants in 2012.')).toEqual(['1037', '2021']);
  });

  it('Danish thousands separator', () => {
    expect(missing('Over 1.000 mennesker.', 'Over 1,000 people.')).toEqual([]);
    expect(missing('Over 1.000 mennesker.', 'Over 1000 people.')).toEqual([]);
    expect(missing('Over 1.000 mennesker.', 'Over a thousand people.')).toEqual([]);
    // Copied verbatim, "1.000" reads as 1 in English: flagged.
    expect(missing('Over 1.000 mennesker.', 'Over 1.000 people.')).toEqual(['1.000']);
    expect(missing('Over 1.000 mennesker.', 'Over 100 people.')).toEqual(['1.000']);
  });

  it('decimal comma', () => {
    expect(missing('Væksten var 2,5.', 'Growth was 2.5.')).toEqual([]);
    expect(missing('Væksten var 2,5.', 'Growth was 25.')).toEqual(['2,5']);
    expect(missing('Væksten var 2,5.', 'Growth was 2,5.')).toEqual(['2,5']);
  });

  it('millions', () => {
    expect(missing('Byen har 3.000.000 indbyggere.', 'The city has 3,000,000 inhabitants.')).toEqual([]);
    expect(missing('Byen har 3.000.000 indbyggere.', 'The city has 3 million inhabitants.')).toEqual([]);
    expect(missing('Byen har 3.000.000 indbyggere.', 'The city has three million inhabitants.')).toEqual([]);
    expect(missing('Det kostede 2,5 mio. kr.', 'It cost DKK 2.5 million.')).toEqual([]);
    expect(missing('Det kostede 2,5 mio. kr.', 'It cost DKK 2,500,000.')).toEqual([]);
    expect(missing('Byen har 3.000.000 indbyggere.', 'The city has 30 million inhabitants.')).toEqual(['3.000.000']);
    expect(missing('Det kostede 2 milliarder kr.', 'It cost 2 billion kroner.')).toEqual([]);
    expect(missing('Det kostede 2 milliarder kr.', 'It cost 3 billion kroner.')).toEqual(['2 milliarder']);
  });

  it('percentages', () => {
    expect(missing('Arbejdsløsheden er 12 %.', 'Unemployment is 12%.')).toEqual([]);
    expect(missing('Arbejdsløsheden er 12%.', 'Unemployment is 12 percent.')).toEqual([]);
    expect(missing('Arbejdsløsheden er 12 procent.', 'Unemployment is twelve per cent.')).toEqual([]);
    expect(missing('Arbejdsløsheden er 12 %.', 'Unemployment is 21%.')).toEqual(['12 %']);
  });

  it('ordinals', () => {
    expect(missing('Hun blev nummer 3. i løbet.', 'She came 3rd in the race.')).toEqual([]);
    expect(missing('Den 3. maj.', 'On May 3.')).toEqual([]);
    expect(missing('Den 3. maj.', 'On the third of May.')).toEqual([]);
    expect(missing('Den 21. plads.', 'The twenty-first place.')).toEqual([]);
    expect(missing('Kong Ludvig 16. og 2. verdenskrig.', 'King Louis XVI and World War II.')).toEqual([]);
    expect(missing('Den 3. maj.', 'On May 4th.')).toEqual(['3.']);
  });

  it('times', () => {
    expect(missing('Mødet er kl. 14.30.', 'The meeting is at 14:30.')).toEqual([]);
    expect(missing('Mødet er kl. 14.30.', 'The meeting is at 2.30 pm.')).toEqual([]);
    expect(missing('Mødet er klokken 14:30.', 'The meeting is at 2:30 p.m.')).toEqual([]);
    expect(missing('Mødet er kl. 14.', 'The meeting is at 2 pm.')).toEqual([]);
    expect(missing('Mødet er kl. 12.00.', 'The meeting is at noon.')).toEqual([]);
    expect(missing('Mødet er kl. 14.30.', 'The meeting is at 15:30.')).toEqual(['kl. 14.30']);
    expect(missing('Mødet er kl. 14.30.', 'The meeting is at 2 pm.')).toEqual(['kl. 14.30']);
    expect(missing('Mødet er kl. 14.', 'The meeting is at 3 pm.')).toEqual(['kl. 14']);
  });

  it('a time has hour 24 only as 24.00: 24.12 is no time', () => {
    expect(extractSourceNumbers('Butikken lukker kl. 24.00.')[0]).toMatchObject({ kind: 'time', time: { h: 24, m: 0 } });
    expect(extractSourceNumbers('Tallet var 24.12 i alt.')[0]).toMatchObject({ raw: '24.12', kind: 'other' });
    expect(missing('Tallet var 24.12 i alt.', 'The figure was 24.12 in total.')).toEqual([]);
    expect(missing('Tallet var 25.12 i alt.', 'The figure was 25.12 in total.')).toEqual([]);
  });

  it('dates and decades', () => {
    expect(missing('Loven trådte i kraft 3.5.2021.', 'The law entered into force on 3 May 2021.')).toEqual([]);
    expect(missing('Loven trådte i kraft 3.5.2021.', 'The law entered into force on 4 May 2021.')).toEqual(['3.5.2021']);
    expect(missing("Det var i 1990'erne.", 'It was in the 1990s.')).toEqual([]);
    expect(missing("Han var i 60'erne.", 'He was in his sixties.')).toEqual([]);
    expect(missing('Siden 1800-tallet.', 'Since the 19th century.')).toEqual([]);
    expect(missing("Det var i 1990'erne.", 'It was in the eighties.')).toEqual(["1990'erne"]);
    // Found in a human translation (articles/21, 26): "00'ere" was read as the number 0, "100 år" missed "century".
    expect(missing("Et tiltag i de tidlige 00'ere.", 'A joint venture in the early 2000s.')).toEqual([]);
    expect(missing("Et tiltag i de tidlige 00'ere.", 'A joint venture in the early 1990s.')).toEqual(["00'ere"]);
    expect(missing('Faldet over de sidste 100 år.', 'Declined over the past century.')).toEqual([]);
    expect(missing('Steget i over 10 år.', 'Risen for over a decade.')).toEqual([]);
    expect(missing('Faldet over de sidste 100 år.', 'Declined over the past decade.')).toEqual(['100']);
  });

  it('a range whose first number shares the second\'s thousands ("7-8.000") is found in English ranges (was: "7" missing)', () => {
    expect(missing('Der kom 7-8.000 mennesker.', 'There were 7,000-8,000 people.')).toEqual([]);
    expect(missing('Der kom 7-8.000 mennesker.', 'There were 7-8,000 people.')).toEqual([]);
    expect(missing('Der kom 2–3.000.000 mennesker.', 'There were 2,000,000–3,000,000 people.')).toEqual([]);
    expect(missing('Der kom 7-8.000 mennesker.', 'There were 6,000-8,000 people.')).toEqual(['7']);
    // Not a range of thousands: "7-8" stays 7.
    expect(missing('Der kom 7-8 mennesker.', 'There were 7000 people.')).toEqual(['7', '8']);
  });

  it('a day.month with no year is a date: the day and the month (a number or an English month name)', () => {
    expect(extractSourceNumbers('Vi holder fri den 31.12. og starter igen.')).toMatchObject([{ raw: '31.12', kind: 'date' }]);
    for (const en of ['We take 31 December off.', 'We take December 31 off.', 'We take Dec. 31st off.', 'We take 31.12. off.', 'We take 12/31 off.', 'We take the thirty-first of December off.']) {
      expect(missing('Vi holder fri den 31.12. og starter igen.', en), en).toEqual([]);
    }
    expect(missing('Vi holder fri den 1.5. og starter igen.', 'We take 1 May off and start again.')).toEqual([]);
    expect(missing('Vi holder fri d. 1.5 og starter igen.', 'We take 1 May off and start again.')).toEqual([]);
    expect(missing('Butikken holder lukket 24.12.', 'The shop is closed on 24 December.')).toEqual([]);
    expect(missing('Vi holder fri den 31.12. og starter igen.', 'We take 30 December off.')).toEqual(['31.12']);
    expect(missing('Vi holder fri den 31.12. og starter igen.', 'We take 31 November off.')).toEqual(['31.12']);
    // "may" the verb is no month.
    expect(missing('Vi holder fri den 1.5. og starter igen.', 'We may take 1 off.')).toEqual(['1.5']);
  });

  it('a day.month that could be a time is satisfied by either; after "kl." or as a decimal it is no date', () => {
    expect(missing('Toget kører 10.05.', 'The train leaves at 10:05.')).toEqual([]);
    expect(missing('Toget kører 10.05.', 'The train leaves on 10 May.')).toEqual([]);
    expect(missing('Toget kører 10.05.', 'The train leaves on 11 May.')).toEqual(['10.05']);
    expect(missing('Mødet er kl. 10.05.', 'The meeting is on 10 May.')).toEqual(['kl. 10.05']);
    expect(missing('Den er 10.05 kr. værd.', 'It is worth DKK 10.05.')).toEqual([]);
    expect(extractSourceNumbers('Det er 1.5 mio. kr.')[0]).toMatchObject({ raw: '1.5', kind: 'other' });
    expect(missing('Det er 1.5 mio. kr.', 'It is 1.5 million kroner.')).toEqual([]);
  });

  it('loosely formatted numbers are matched by their digit runs', () => {
    expect(missing('Tiden var 4:41,30.', 'The time was 4:41.30.')).toEqual([]);
    expect(missing('Version 1.2.3.', 'Version 1.2.3.')).toEqual([]);
    expect(missing('Tiden var 4:41,30.', 'The time was 4:42.30.')).toEqual(['4:41,30']);
  });

  it('no numbers, no findings; spelled-out Danish numbers are not checked', () => {
    expect(missing('Tre mænd gik hjem.', 'Four men went home.')).toEqual([]);
  });
});
