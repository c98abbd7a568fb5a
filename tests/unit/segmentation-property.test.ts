import { describe, expect, it } from 'vitest';
import { joinChunks, segmentDocument } from '../../src/segmentation/index.js';
import { fakeCountTokens } from '../helpers/fake-tokens.js';
import { pick, prng } from '../helpers/prng.js';

const WORDS = [
  'Hr.', 'hr.', 'dr.', 'bl.a.', 'f.eks.', 'ca.', 'kl.', '14.30', '1.200', 'mio.', 'kr.', 'osv.', 'd.', '3.',
  'jan.', 'maj', 'Jensen', 'Aarhus', 'regeringen', 'siger', 'at', 'det', 'er', 'godt', 'H.C.',
  'Andersen', 'i', 'dag', '"Nej!"', '(jf.', '§', '3)', '🎉', 'e\u0301', 'æøå', 'ÆØÅ', '-', '–', '#',
  '<script>', '|', '*', 'x'.repeat(40), 'supercalifragilistiskekspialidoces', '?', '!', '...', '…',
  'Det.', 'Han.', 'nr.', '42.', 'Politiken.',
];
const SPACES = [' ', ' ', ' ', ' ', '  ', '\t', '\u00A0', '\n', '\n', '\r\n', '\r', '\n\n', '\n \n', ' \n\n\n'];

function randomText(rand: () => number): string {
  const n = Math.floor(rand() * 120);
  let s = rand() < 0.1 ? '\uFEFF' : '';
  if (rand() < 0.1) s += ' date 2021-07 ';
  for (let i = 0; i < n; i++) s += pick(rand, WORDS) + pick(rand, SPACES);
  return s;
}

describe('property: random texts', () => {
  it('every chunk is within budget and chunks rebuild each paragraph (modulo whitespace runs)', () => {
    const rand = prng(20240611);
    for (let run = 0; run < 400; run++) {
      const text = randomText(rand);
      const maxTokens = 4 + Math.floor(rand() * 40);
      const packSentences = rand() < 0.5;
      const doc = segmentDocument(text, { countTokens: fakeCountTokens, maxTokens, packSentences });
      const ctx = JSON.stringify({ run, text, maxTokens, packSentences });
      let allInk = '';
      for (const p of doc.paragraphs) {
        expect(p.chunks.length, ctx).toBeGreaterThan(0);
        for (const c of p.chunks) {
          expect(c.tokens, ctx).toBeLessThanOrEqual(maxTokens);
          expect(c.text, ctx).not.toMatch(/^\s|\s$|\n|\s\s/);
          expect(c.text.length, ctx).toBeGreaterThan(0);
        }
        expect(p.chunks[0]!.joinBefore, ctx).toBe('');
        const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
        expect(squash(p.prefix + joinChunks(p.chunks)), ctx).toBe(squash(p.text));
        // hard line breaks in the rebuilt text are a subset of the source's
        expect(joinChunks(p.chunks).split('\n').length, ctx).toBeLessThanOrEqual(p.text.split('\n').length);
        allInk += p.text;
      }
      // nothing but whitespace and the date marker is lost from the input
      let expected = text.replace(/^\uFEFF/, '');
      if (doc.metadata.date) expected = expected.replace(/^\s*date\s+\S+/, '');
      expect(allInk.replace(/\s+/g, ''), ctx).toBe(expected.replace(/\s+/g, ''));
    }
  });
});
