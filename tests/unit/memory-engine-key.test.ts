/**
 * The engine in the translation memory's key (src/engine/generation/engine-in-memory-key.ts): named
 * where the two engines can give different text, and a batch stored under the engine it really ran
 * on, also when a model started on first use turned out to run on another than the lookup expected.
 */
import { describe, expect, it } from 'vitest';
import type { SourceDocument } from '../../src/document/types.js';
import { enginesCanDiffer, expectedGenerator, generationKeyPart } from '../../src/engine/generation/engine-in-memory-key.js';
import { memoryKey, memoryKeyParts, type MemoryEntry, type TranslationMemory } from '../../src/pipeline/memory.js';
import { translateDocument } from '../../src/pipeline/translate-document.js';
import type { Translator } from '../../src/engine/translator.js';
import { FakeTranslator } from '../helpers/fake-translator.js';

describe('the engine in the memory key', () => {
  it('names the loop where its text can differ from the operator\'s (q8; beams with the repetition guard), nowhere else', () => {
    expect(generationKeyPart('js', { dtype: 'q8', beams: 1, repetitionGuard: true })).toEqual({ generation: 'loop' });
    expect(generationKeyPart('js', { dtype: 'fp32', beams: 4, repetitionGuard: true })).toEqual({ generation: 'loop' });
    expect(generationKeyPart('js', { dtype: 'fp32', beams: 1, repetitionGuard: true })).toEqual({});
    expect(generationKeyPart('js', { dtype: 'fp32', beams: 4, repetitionGuard: false })).toEqual({});
    // The operator keeps the keys of before: the entries it stored before stay found.
    expect(generationKeyPart('ort', { dtype: 'q8', beams: 4, repetitionGuard: true })).toEqual({});
    expect(enginesCanDiffer({ dtype: 'q8', beams: 1, repetitionGuard: false })).toBe(true);
    expect(expectedGenerator('auto')).toBe('ort');
    expect(expectedGenerator('js')).toBe('js');
  });
});

/** A translator started on first use whose model came up on the loop although the operator was expected. */
function fellBackOnStart(): Translator {
  const fake = new FakeTranslator();
  let started = false;
  return {
    modelId: fake.modelId,
    dtype: fake.dtype,
    maxInputTokens: fake.maxInputTokens,
    get decoding() {
      return { kind: 'fake', ...(started ? { generation: 'loop' } : {}) };
    },
    countTokens: (text) => fake.countTokens(text),
    translateBatch: (texts) => {
      started = true;
      return fake.translateBatch(texts);
    },
    dispose: () => fake.dispose(),
  };
}

describe('translateDocument and the memory key', () => {
  it('stores a batch under the key of the engine it ran on, not the one the lookup expected', async () => {
    const text = 'Kommunen bygger en ny skole.';
    const doc: SourceDocument = { title: '', metadata: {}, paragraphs: [{ index: 0, kind: 'text', prefix: '', text, chunks: [{ index: 0, text, joinBefore: '', tokens: 6 }] }] };
    const stored: MemoryEntry[] = [];
    const memory: TranslationMemory = { lookup: () => new Map(), store: (entries) => void stored.push(...entries) };
    const translator = fellBackOnStart();
    const expected = memoryKey(memoryKeyParts(translator), text);
    await translateDocument(doc, translator, { memory });
    expect(stored.map((e) => e.key)).toEqual([memoryKey(memoryKeyParts(translator), text)]);
    expect(stored[0]!.key).not.toBe(expected);
  });
});
