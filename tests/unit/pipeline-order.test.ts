import { describe, expect, it } from 'vitest';
import type { SourceDocument, SourceParagraph } from '../../src/document/types.js';
import { joinTargets, translateDocument } from '../../src/pipeline/translate-document.js';
import type { TranslationMemory } from '../../src/pipeline/memory.js';
import { FakeTranslator } from '../helpers/fake-translator.js';
import { pick, prng } from '../helpers/prng.js';

const WORDS = ['hus', 'bil', 'vej', 'by', 'mand', 'kvinde', 'regering', 'soldat', 'grænse', 'flygter', 'mandag', 'land'];

function randomDocument(seed: number): SourceDocument {
  const rand = prng(seed);
  const paragraphs: SourceParagraph[] = Array.from({ length: 1 + Math.floor(rand() * 25) }, (_, index) => {
    const chunks = Array.from({ length: 1 + Math.floor(rand() * 6) }, (_, ci) => {
      const numeric = rand() < 0.1;
      const text = numeric ? `${Math.floor(rand() * 1000)} – ${index}.${ci}` : Array.from({ length: 1 + Math.floor(rand() * 30) }, () => pick(rand, WORDS)).join(' ') + ` p${index}c${ci}.`;
      return { index: ci, text, joinBefore: (ci === 0 ? '' : pick(rand, [' ', '\n'] as const)) as '' | ' ' | '\n', tokens: text.split(' ').length + 1 };
    });
    const prefix = rand() < 0.2 ? '- ' : '';
    return { index, kind: prefix ? 'quote' : 'text', prefix, text: prefix + chunks.map((c) => c.joinBefore + c.text).join(''), chunks };
  });
  return { title: 't', metadata: {}, paragraphs };
}

function expectedTarget(p: SourceParagraph): string {
  return p.prefix + p.chunks.map((c, i) => (i === 0 ? '' : c.joinBefore) + (/\p{L}/u.test(c.text) ? `EN(${c.text.toUpperCase()})` : c.text)).join('');
}

describe('translateDocument (fake translator)', () => {
  it('pairs paragraph i of the output with paragraph i of the input, for many random documents', async () => {
    for (let seed = 1; seed <= 150; seed++) {
      const doc = randomDocument(seed);
      const rand = prng(seed * 31);
      const translator = new FakeTranslator(() => Math.floor(rand() * 3));
      const { paragraphs, stats } = await translateDocument(doc, translator, {
        concurrency: 1 + (seed % 4),
        batchTokens: 20 + (seed % 7) * 40,
        maxBatchSize: 1 + (seed % 9),
      });
      expect(paragraphs).toHaveLength(doc.paragraphs.length);
      paragraphs.forEach((p, i) => {
        const src = doc.paragraphs[i]!;
        expect(p.index).toBe(src.index);
        expect(p.source).toBe(src.text);
        expect(p.target).toBe(expectedTarget(src));
        expect(p.chunks.map((c) => c.text)).toEqual(src.chunks.map((c) => c.text));
      });
      // Every translatable chunk went to the model exactly once.
      const sent = translator.calls.flat();
      const translatable = doc.paragraphs.flatMap((p) => p.chunks.map((c) => c.text)).filter((t) => /\p{L}/u.test(t));
      expect(sent.sort()).toEqual([...translatable].sort());
      expect(stats.modelChunks + stats.passthroughChunks).toBe(stats.chunks);
    }
  });

  it('batches several chunks per model call', async () => {
    const doc = randomDocument(3);
    const translator = new FakeTranslator();
    await translateDocument(doc, translator, { batchTokens: 4096, maxBatchSize: 32 });
    const chunkCount = doc.paragraphs.reduce((n, p) => n + p.chunks.length, 0);
    expect(translator.calls.length).toBeLessThan(chunkCount);
  });

  it('reports progress up to all paragraphs done', async () => {
    const doc = randomDocument(11);
    const seen: number[] = [];
    await translateDocument(doc, new FakeTranslator(), { maxBatchSize: 2, onProgress: (p) => seen.push(p.paragraphsDone) });
    expect(seen.at(-1)).toBe(doc.paragraphs.length);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it('takes cached chunks from the translation memory and translates only the rest', async () => {
    const store = new Map<string, string>();
    const memory: TranslationMemory = {
      lookup: (keys) => new Map(keys.filter((k) => store.has(k)).map((k) => [k, store.get(k)!])),
      store: (entries) => entries.forEach((e) => store.set(e.key, e.target)),
    };
    const doc = randomDocument(5);
    const first = new FakeTranslator();
    const a = await translateDocument(doc, first, { memory });
    const second = new FakeTranslator();
    const b = await translateDocument(doc, second, { memory });
    expect(second.calls).toHaveLength(0);
    expect(b.paragraphs.map((p) => p.target)).toEqual(a.paragraphs.map((p) => p.target));
    expect(b.stats.cachedChunks).toBe(a.stats.modelChunks);
  });

  it('stops when aborted', async () => {
    const doc = randomDocument(9);
    const controller = new AbortController();
    const translator = new FakeTranslator(() => 5);
    const run = translateDocument(doc, translator, { maxBatchSize: 1, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop')), 12);
    await expect(run).rejects.toThrow();
    const total = doc.paragraphs.reduce((n, p) => n + p.chunks.length, 0);
    expect(translator.calls.length).toBeLessThan(total);
  });
});

describe('joining chunk translations', () => {
  const chunk = (index: number, joinBefore: '' | ' ' | '\n', target: string) => ({ index, text: `s${index}`, joinBefore, tokens: 2, target, origin: 'model' as const });

  it('uses the separators that stood between the sources', () => {
    expect(joinTargets([chunk(0, '', 'A.'), chunk(1, ' ', 'B.'), chunk(2, '\n', 'C.')])).toBe('A. B.\nC.');
  });

  it('an empty translation leaves no separator hanging, and the widest one around it stands between its neighbours', () => {
    expect(joinTargets([chunk(0, '', ''), chunk(1, ' ', '')])).toBe('');
    expect(joinTargets([chunk(0, '', ''), chunk(1, ' ', 'B.')])).toBe('B.');
    expect(joinTargets([chunk(0, '', 'A.'), chunk(1, ' ', '')])).toBe('A.');
    expect(joinTargets([chunk(0, '', 'A.'), chunk(1, '\n', ''), chunk(2, ' ', 'C.')])).toBe('A.\nC.');
    expect(joinTargets([chunk(0, '', 'A.'), chunk(1, ' ', ''), chunk(2, '', 'C.')])).toBe('A. C.');
  });
});
