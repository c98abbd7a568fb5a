/**
 * A model's max_length (generation_config.json, then config.json), as Hugging Face's generate()
 * reads it: the longest output incl. the decoder start token, the end token forced at it. Both
 * engines cap there, and chunks are no longer than an output of their length can be.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTranslator } from '../../src/engine/load-translator.js';
import { segmentForTranslator } from '../../src/segmentation/for-translator.js';
import { builtModel } from '../../tools/builder-models.js';
import { MIXED_LENGTH_SENTENCES } from '../helpers/mixed-length-sentences.js';

const MAX_LENGTH = 12;

describe(`a model whose files say max_length ${MAX_LENGTH}`, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'da2en-max-length-'));
    // Sources only: the wrapped model is made from these settings.
    await cp(await builtModel('tiny'), dir, { recursive: true, filter: (src) => !path.basename(src).startsWith('da2en_generate') });
    for (const file of ['config.json', 'generation_config.json']) {
      const json = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as Record<string, unknown>;
      await writeFile(path.join(dir, file), JSON.stringify({ ...json, max_length: MAX_LENGTH }));
    }
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives outputs of at most max_length − 2 tokens besides the start and end tokens, the same from both engines', async () => {
    const outputs: { text: string; tokens: number; flags: string[] }[][] = [];
    for (const engine of ['ort', 'js'] as const) {
      const translator = await loadTranslator({ model: dir, offline: true, dtype: 'fp32', engine, worker: false, threads: 1 });
      try {
        expect(translator.engine).toBe(engine);
        expect(translator.maxInputTokens).toBe(MAX_LENGTH - 2);
        const chunks = MIXED_LENGTH_SENTENCES.flatMap((s) => segmentForTranslator(s, translator).paragraphs.flatMap((p) => p.chunks.map((c) => c.text)));
        expect(Math.max(...chunks.map((c) => translator.countTokens(c)))).toBeLessThanOrEqual(MAX_LENGTH - 2);
        // One at a time: batching is not what this is about.
        const out = [];
        for (const chunk of chunks) out.push(...(await translator.translateBatch([chunk])));
        outputs.push(out);
      } finally {
        await translator.dispose();
      }
    }
    const [ort, js] = outputs as [typeof outputs[0], typeof outputs[0]];
    expect(ort).toEqual(js);
    for (const out of ort) expect(out.tokens).toBeLessThanOrEqual(MAX_LENGTH - 2);
    // The premise: this model writes on to the cap (without max_length it would go on to 2 × the input + 10).
    expect(ort.filter((o) => o.flags.includes('length-cap')).length).toBeGreaterThan(0);
  });
});
