import { describe, expect, it } from 'vitest';
import { finishedInputKey } from '../../src/cache/finished-inputs.js';

describe('finished input key: the content and every setting that shapes the translation', () => {
  const settings = { model: { model: 'Xenova/opus-mt-da-en', dtype: 'q8', beams: 1, lengthPolicy: { ratio: 2, slack: 10 } }, segmentation: { maxChunkTokens: 256, packSentences: false } };

  it('is the same for the same content and settings, whatever the order of their keys', () => {
    const reordered = { segmentation: { packSentences: false, maxChunkTokens: 256 }, model: { lengthPolicy: { slack: 10, ratio: 2 }, beams: 1, dtype: 'q8', model: 'Xenova/opus-mt-da-en' } };
    expect(finishedInputKey('abc', reordered)).toBe(finishedInputKey('abc', settings));
    // Settings left unset are the same as settings not given.
    expect(finishedInputKey('abc', { ...settings, extra: undefined })).toBe(finishedInputKey('abc', settings));
  });

  it('changes with the content or with any setting, however deep', () => {
    const key = finishedInputKey('abc', settings);
    expect(finishedInputKey('abd', settings)).not.toBe(key);
    expect(finishedInputKey('abc', { ...settings, model: { ...settings.model, beams: 4 } })).not.toBe(key);
    expect(finishedInputKey('abc', { ...settings, model: { ...settings.model, lengthPolicy: { ratio: 2, slack: 11 } } })).not.toBe(key);
    expect(finishedInputKey('abc', { ...settings, segmentation: { maxChunkTokens: 128, packSentences: false } })).not.toBe(key);
  });
});
