import { describe, expect, it } from 'vitest';
import {
  ChunkBudgetError,
  chunkLine,
  joinChunks,
  makeTitle,
  segmentDocument,
  splitToBudget,
} from '../../src/segmentation/index.js';
import { fakeCountTokens } from '../helpers/fake-tokens.js';

const opts = (maxTokens: number, packSentences = false) => ({
  countTokens: fakeCountTokens,
  maxTokens,
  packSentences,
});

/** Characters other than whitespace, in order. */
const ink = (s: string) => s.replace(/\s+/g, '');

describe('budget splitting', () => {
  it('a 5,000-character paragraph without punctuation is split at word boundaries, every character kept', () => {
    const words = ['regeringen', 'vil', 'bruge', 'flere', 'penge', 'på', 'sygehusene', 'og', 'skolerne', 'i', 'år'];
    let text = '';
    for (let i = 0; text.length < 5000; i++) text += (i ? ' ' : '') + words[i % words.length];
    text = text.slice(0, 5000).trimEnd();
    expect(text.length).toBeGreaterThan(4990);
    const doc = segmentDocument(text, opts(40));
    expect(doc.paragraphs).toHaveLength(1);
    const chunks = doc.paragraphs[0]!.chunks;
    expect(chunks.length).toBeGreaterThan(20);
    for (const c of chunks) {
      expect(fakeCountTokens(c.text)).toBeLessThanOrEqual(40);
      expect(c.tokens).toBeLessThanOrEqual(40);
    }
    // split only between words: every chunk after the first is joined by a space
    expect(chunks.slice(1).every((c) => c.joinBefore === ' ')).toBe(true);
    expect(joinChunks(chunks)).toBe(text);
  });

  it('a single "word" over budget is split by characters (joinBefore "")', () => {
    const word = 'x'.repeat(300);
    const doc = segmentDocument(`Start ${word} slut`, opts(6));
    const chunks = doc.paragraphs[0]!.chunks;
    expect(joinChunks(chunks)).toBe(`Start ${word} slut`);
    expect(chunks.some((c) => c.joinBefore === '')).toBe(true);
    for (const c of chunks) expect(c.tokens).toBeLessThanOrEqual(6);
  });

  it('splitting a word never breaks a grapheme cluster (emoji, combining marks)', () => {
    const word = '👩‍👩‍👧e\u0301🇩🇰'.repeat(40);
    const pieces = splitToBudget(word, '', fakeCountTokens, 4);
    expect(pieces.map((p) => p.text).join('')).toBe(word);
    const seg = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    const clusters = new Set(Array.from(seg.segment('👩‍👩‍👧e\u0301🇩🇰'), (s) => s.segment));
    for (const p of pieces) {
      for (const { segment } of seg.segment(p.text)) expect(clusters.has(segment)).toBe(true);
    }
  });

  it('throws a clear error when even one character exceeds maxTokens', () => {
    expect(() => segmentDocument('Hej.', opts(1))).toThrow(ChunkBudgetError);
    expect(() => segmentDocument('Hej.', opts(0))).toThrow(/maxTokens must be positive/);
  });

  it('a long sentence inside a line keeps its neighbours as separate chunks', () => {
    const long = Array.from({ length: 60 }, (_, i) => `Ord${i}`).join(' ');
    const doc = segmentDocument(`Kort. ${long}. Også kort.`, opts(20));
    const texts = doc.paragraphs[0]!.chunks.map((c) => c.text);
    expect(texts[0]).toBe('Kort.');
    expect(texts[texts.length - 1]).toBe('Også kort.');
    expect(ink(texts.join(''))).toBe(ink(`Kort. ${long}. Også kort.`));
  });

  it('packSentences never packs across a hard line break', () => {
    const doc = segmentDocument('Et. To.\nTre. Fire.', opts(60, true));
    expect(doc.paragraphs[0]!.chunks.map((c) => [c.joinBefore, c.text])).toEqual([
      ['', 'Et. To.'],
      ['\n', 'Tre. Fire.'],
    ]);
  });

  it('uses the given counter (counts include the end-of-sentence token)', () => {
    const calls: string[] = [];
    const countTokens = (s: string) => (calls.push(s), s.length + 1);
    const doc = segmentDocument('abcdefghij klmnop', { countTokens, maxTokens: 8 });
    for (const c of doc.paragraphs[0]!.chunks) expect(c.text.length + 1).toBeLessThanOrEqual(8);
    expect(joinChunks(doc.paragraphs[0]!.chunks)).toBe('abcdefghij klmnop');
    expect(calls.length).toBeGreaterThan(0);
  });
});

describe('title', () => {
  it('is the first paragraph when it is a heading, shortened to its first sentence when long', () => {
    const first = `Over 1000 afghanske soldater er flygtet til nabolandet. ${'Meget mere tekst her. '.repeat(10)}`;
    const doc = segmentDocument(`# ${first}\n\nAndet afsnit.`, opts(60));
    expect(doc.title).toBe('Over 1000 afghanske soldater er flygtet til nabolandet.');
    expect(segmentDocument('Storm lukker færger\n\nFærgerne sejler ikke i dag.', opts(60)).title).toBe('Storm lukker færger');
  });

  it('is empty when the article opens with a lede or is one paragraph (issue 11: the first sentence became the title)', () => {
    const first = `Over 1000 afghanske soldater er flygtet til nabolandet. ${'Meget mere tekst her. '.repeat(10)}`;
    expect(segmentDocument(`${first}\n\nAndet afsnit.`, opts(60)).title).toBe('');
    expect(segmentDocument('Kommunen bygger en ny skole. Den åbner i 2027.', opts(60)).title).toBe('');
    expect(segmentDocument('Storm lukker færger', opts(60)).title).toBe(''); // one paragraph: text, not a heading
  });

  it('is cut at a word boundary with an ellipsis when the first sentence is too long', () => {
    const t = makeTitle('ord '.repeat(100));
    expect(t.length).toBeLessThanOrEqual(120);
    expect(t.endsWith('ord…')).toBe(true);
  });

  it('joins lines with spaces and is empty for an empty document', () => {
    expect(makeTitle('Linje et\nLinje to')).toBe('Linje et Linje to');
    expect(segmentDocument('', opts(60))).toEqual({ title: '', metadata: {}, paragraphs: [] });
    expect(segmentDocument('   \n\t\n', opts(60)).paragraphs).toEqual([]);
  });

  it('reads the date marker with a NUL before or inside it, as a file read by the CLI (was: serve translated the marker as the first paragraph)', () => {
    const clean = segmentDocument('date 2024-05\n\nTitel\n\nBrødtekst her.', opts(60));
    expect(clean.metadata).toEqual({ date: '2024-05' });
    expect(clean.title).toBe('Titel');
    for (const text of ['\u0000date 2024-05\n\nTitel\n\nBrødtekst her.', 'date\u0000 2024-05\n\nTitel\n\nBrødtekst her.', '\u0000\ufeffd\u0000ate 2024-05\n\nTitel\n\nBrødtekst her.']) {
      expect(segmentDocument(text, opts(60)), JSON.stringify(text)).toEqual(clean);
    }
  });

  it('reads the date marker after a line of only invisible characters, or one glued in front, as after white space (was: "date 2024-05" the first paragraph here, the date in the CLI)', () => {
    const clean = segmentDocument('date 2024-05\n\nTitel\n\nBrødtekst her.', opts(60));
    for (const text of ['\u200b\ndate 2024-05\n\nTitel\n\nBrødtekst her.', ' \u2060 \n\ndate 2024-05\n\nTitel\n\nBrødtekst her.', '\u200bdate 2024-05\n\nTitel\n\nBrødtekst her.']) {
      expect(segmentDocument(text, opts(60)), JSON.stringify(text)).toEqual(clean);
    }
  });

  it('copies opts.source to metadata', () => {
    expect(segmentDocument('Hej.', { ...opts(60), source: 'a.txt' }).metadata).toEqual({ source: 'a.txt' });
  });
});

describe('invisible break hints', () => {
  it('soft hyphen, zero-width space, word joiner, U+FEFF and joiners between letters leave the chunks; the source keeps them', () => {
    const text = 'Folketings\u200bvalget blev Blom\u00adster ord\u2060for\u2060ord mid\ufefft e\u200cf og e\u200df.';
    const p = segmentDocument(text, opts(100)).paragraphs[0]!;
    expect(p.text).toBe(text);
    expect(joinChunks(p.chunks)).toBe('Folketingsvalget blev Blomster ordforord midt ef og ef.');
  });

  it('a zero-width joiner inside an emoji sequence stays', () => {
    const text = 'Familien 👨\u200d👩\u200d👧 sendte ❤\ufe0f\u200d🔥 og 👍🏽.';
    expect(joinChunks(segmentDocument(text, opts(100)).paragraphs[0]!.chunks)).toBe(text);
  });

  it('a line of nothing else keeps them (it still gives a chunk); in text input such a line is blank', () => {
    expect(chunkLine('\u200b', opts(100)).map((c) => c.text)).toEqual(['\u200b']);
    expect(segmentDocument('\u200b', opts(100)).paragraphs).toEqual([]);
  });
});
