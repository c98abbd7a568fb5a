import { describe, expect, it } from 'vitest';
import { joinChunks, segmentDocument, splitSentences } from '../../src/segmentation/index.js';
import { fakeCountTokens } from '../helpers/fake-tokens.js';
import { DOCUMENT_CASES, GOLDEN_CASE_NAMES, SENTENCE_CASES } from '../helpers/segmentation-golden.js';

describe('golden sentences (Intl.Segmenter + Danish pass)', () => {
  it.each(SENTENCE_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(splitSentences(c.input).map((s) => s.trim())).toEqual(c.expected);
    expect(splitSentences(c.input).join('')).toBe(c.input);
  });
});

describe('golden documents', () => {
  it.each(DOCUMENT_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const doc = segmentDocument(c.input, {
      countTokens: fakeCountTokens,
      maxTokens: c.maxTokens ?? 60,
      packSentences: c.packSentences,
    });
    if (c.title !== undefined) expect(doc.title).toBe(c.title);
    expect(doc.metadata.date).toBe(c.date);
    expect(doc.paragraphs.map((p) => p.kind)).toEqual(c.paragraphs.map((p) => p.kind));
    c.paragraphs.forEach((want, i) => {
      const got = doc.paragraphs[i]!;
      expect(got.index).toBe(i);
      if (want.prefix !== undefined) expect(got.prefix).toBe(want.prefix);
      if (want.text !== undefined) expect(got.text).toBe(want.text);
      if (want.chunks !== undefined) {
        expect(got.chunks.map((ch) => [ch.joinBefore, ch.text])).toEqual(want.chunks);
      }
      got.chunks.forEach((ch, j) => {
        expect(ch.index).toBe(j);
        expect(ch.tokens).toBe(fakeCountTokens(ch.text));
      });
      expect(got.text.startsWith(got.prefix)).toBe(true);
      const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
      expect(squash(got.prefix + joinChunks(got.chunks))).toBe(squash(got.text));
    });
  });

  it('exports every golden case name, unique', () => {
    expect(GOLDEN_CASE_NAMES.length).toBe(SENTENCE_CASES.length + DOCUMENT_CASES.length);
    expect(new Set(GOLDEN_CASE_NAMES).size).toBe(GOLDEN_CASE_NAMES.length);
  });
});
