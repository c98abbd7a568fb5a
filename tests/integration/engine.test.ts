import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beamDecode } from '../../src/engine/decoding/beam.js';
import { greedyDecode } from '../../src/engine/decoding/greedy.js';
import { MarianModel, type Dtype } from '../../src/engine/marian-model.js';
import { MarianTranslator } from '../../src/engine/marian-translator.js';
import { builtModel } from '../../tools/builder-models.js';
import { MIXED_LENGTH_SENTENCES } from '../helpers/mixed-length-sentences.js';

const INPUTS = MIXED_LENGTH_SENTENCES;

describe.each(['fp32', 'q8'] as Dtype[])('Marian engine on the builder tiny model (%s)', (dtype) => {
  let model: MarianModel;
  let inputs: number[][];

  beforeAll(async () => {
    model = await MarianModel.load(await builtModel('tiny'), dtype, { intraOpThreads: 1 });
    inputs = INPUTS.map((t) => model.tokenize(t));
  });
  afterAll(async () => model?.dispose());

  const options = { maxNewTokensPerRow: INPUTS.map(() => 24), repetitionGuard: false, scoreSequences: true };

  // fp32: exact. q8: ONNX Runtime's dynamic quantization scales activations per TENSOR, so the other
  // rows of a batch change the int8 scale of each row; exact equality cannot hold for any faithful q8
  // model (the published one included). There we measure how many tokens agree instead.
  it(dtype === 'fp32' ? 'decodes a batch exactly as it decodes each input alone (greedy)' : 'decodes a batch nearly as it decodes each input alone (greedy; per-tensor int8 scales)', async () => {
    const batch = await greedyDecode(model, inputs, options);
    let same = 0;
    let total = 0;
    for (const [i, ids] of inputs.entries()) {
      const [alone] = await greedyDecode(model, [ids], { ...options, maxNewTokensPerRow: [24] });
      if (dtype === 'fp32') {
        expect(batch[i]!.ids).toEqual(alone!.ids);
        // Padding that leaked into attention would move the scores even where the argmax survives.
        expect(batch[i]!.logProb).toBeCloseTo(alone!.logProb, 3);
      }
      // Agreement up to the first difference: after that the sequences see different histories.
      const first = batch[i]!.ids.findIndex((t, k) => t !== alone!.ids[k]);
      same += first === -1 ? batch[i]!.ids.length : first;
      total += batch[i]!.ids.length;
    }
    if (dtype === 'q8') {
      process.stderr.write(`[engine] q8 batch vs one-by-one: ${same}/${total} tokens agree before the first divergence\n`);
      // Rows that cannot change the int8 scale (copies of one input) must decode exactly as it does alone.
      for (const ids of inputs.slice(0, 3)) {
        const copies = await greedyDecode(model, [ids, ids, ids], { ...options, maxNewTokensPerRow: [24, 24, 24] });
        const [alone] = await greedyDecode(model, [ids], { ...options, maxNewTokensPerRow: [24] });
        for (const c of copies) expect(c.ids).toEqual(alone!.ids);
      }
    }
    // The outputs depend on the inputs (otherwise this test could not fail).
    expect(new Set(batch.map((s) => s.ids.join(' '))).size).toBeGreaterThanOrEqual(INPUTS.length / 2);
  });

  it('beam search with one beam is exactly greedy', async () => {
    const greedy = await greedyDecode(model, inputs, options);
    const beam = await beamDecode(model, inputs, 1, options);
    expect(beam.map((s) => s.ids)).toEqual(greedy.map((s) => s.ids));
  });

  if (dtype === 'fp32') it('beam search finds a sequence at least as likely as greedy, for every input', async () => {
    const fixed = { ...options, lengthPenalty: 0 };
    for (const ids of inputs) {
      const [greedy] = await greedyDecode(model, [ids], { ...fixed, maxNewTokensPerRow: [24] });
      const [beam] = await beamDecode(model, [ids], 4, { ...fixed, maxNewTokensPerRow: [24] });
      expect(beam!.logProb).toBeGreaterThanOrEqual(greedy!.logProb - 1e-4);
    }
  });

  if (dtype === 'fp32') it('decodes a batch exactly as each input alone (beam search)', async () => {
    const batch = await beamDecode(model, inputs, 3, options);
    for (const [i, ids] of inputs.entries()) {
      const [alone] = await beamDecode(model, [ids], 3, { ...options, maxNewTokensPerRow: [24] });
      expect(batch[i]!.ids).toEqual(alone!.ids);
    }
  });
});

describe('runaway guards on a real model', () => {
  it('encodes a text once for measuring it (as segmentation does, twice) and translating it', async () => {
    const translator = await MarianTranslator.load(await builtModel('tiny'), { modelId: 'tiny', dtype: 'fp32' });
    const tokenizer = (translator as unknown as { tokenizer: { encode: (...a: unknown[]) => unknown } }).tokenizer;
    const encode = tokenizer.encode.bind(tokenizer);
    const encoded: unknown[] = [];
    tokenizer.encode = (...a: unknown[]) => {
      encoded.push(a[0]);
      return encode(...a);
    };
    const text = 'Kommunen bygger en ny skole til 450 elever.';
    const count = translator.countTokens(text);
    expect(translator.countTokens(text)).toBe(count);
    const [once] = await translator.translateBatch([text]);
    // (Single characters are the protected-span check's, once per character ever seen.)
    expect(encoded.filter((t) => t === text)).toEqual([text]);
    // The ids measured are the ids translated: a second translator, measuring nothing first, agrees.
    const fresh = await MarianTranslator.load(await builtModel('tiny'), { modelId: 'tiny', dtype: 'fp32' });
    expect(await fresh.translateBatch([text])).toEqual([once]);
    expect(fresh.countTokens(text)).toBe(count);
    await Promise.all([translator.dispose(), fresh.dispose()]);
  });

  it('caps the output length relative to the input and flags it', async () => {
    const translator = await MarianTranslator.load(await builtModel('tiny'), { modelId: 'tiny', dtype: 'fp32', repetitionGuard: false, lengthPolicy: { ratio: 1, slack: 2 } });
    const [out] = await translator.translateBatch(['Kommunen bygger en ny skole.']);
    const sourceTokens = translator.countTokens('Kommunen bygger en ny skole.');
    // Random weights practically never emit the end token, so the cap is what stops the output: a cap
    // of source + 2 new tokens counts the end token forced at the last one (Hugging Face's max_new_tokens).
    expect(out!.tokens).toBe(sourceTokens + 1);
    expect(out!.flags).toContain('length-cap');
    await translator.dispose();
  });

  it('cuts a repeated loop and flags it', async () => {
    const dir = await builtModel('tiny');
    const guarded = await MarianTranslator.load(dir, { modelId: 'tiny', dtype: 'fp32' });
    const unguarded = await MarianTranslator.load(dir, { modelId: 'tiny', dtype: 'fp32', repetitionGuard: false });
    const text = 'Børn og voksne fejrede sejren på torvet i går aftes.';
    const [cut] = await guarded.translateBatch([text]);
    const [loop] = await unguarded.translateBatch([text]);
    // Without the guard this random model loops until the length cap; with it, the loop is cut.
    expect(loop!.flags).toEqual(['length-cap']);
    expect(cut!.flags).toEqual(['repetition']);
    expect(cut!.tokens).toBeLessThan(loop!.tokens);
    expect(loop!.text.startsWith(cut!.text)).toBe(true);
    await guarded.dispose();
    await unguarded.dispose();
  });
});
