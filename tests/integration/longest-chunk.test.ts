/**
 * The largest chunk budget a caller may give: the segmenter never hands the decoder a chunk whose
 * translation cannot be finished. The echo model's translation is as long as its input, so a chunk
 * that fills the model's 512 positions was cut short (and flagged length-cap).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTranslator } from '../../src/engine/load-translator.js';
import type { MarianTranslator } from '../../src/engine/marian-translator.js';
import { segmentForTranslator } from '../../src/segmentation/for-translator.js';
import { builtModel } from '../../tools/builder-models.js';
import { pick, prng } from '../helpers/prng.js';

const WORDS = ['hunden', 'katten', 'leger', 'sover', 'bolden', 'huset', 'marken', 'solen', 'børnene', 'løber', 'hurtigt', 'over', 'ved', 'med', 'og', 'mens', 'i'];

describe('one sentence longer than the model takes, cut at the largest chunk budget', () => {
  let translator: MarianTranslator;
  beforeAll(async () => {
    translator = await loadTranslator({ model: await builtModel('echo'), offline: true, worker: false, threads: 1 });
  });
  afterAll(async () => {
    await translator?.dispose();
  });

  it('comes back whole from chunks the decoder finishes by itself (no length-cap)', async () => {
    const rand = prng(7);
    // No punctuation: only the budget splits it.
    const sentence = Array.from({ length: 700 }, () => pick(rand, WORDS)).join(' ');
    const chunks = segmentForTranslator(sentence, translator, { maxChunkTokens: 512 }).paragraphs.flatMap((p) => p.chunks.map((c) => c.text));
    const sizes = chunks.map((c) => translator.countTokens(c));
    // The premise: the sentence needs more than one chunk, and one of them is as long as chunks may be.
    expect(chunks.length).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeGreaterThanOrEqual(510);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(translator.maxInputTokens);
    const out = await translator.translateBatch(chunks);
    expect(out.map((r) => r.text)).toEqual(chunks);
    expect(out.flatMap((r) => r.flags)).toEqual([]);
  });
});
