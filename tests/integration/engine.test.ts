import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beamDecode } from '../../src/engine/decoding/beam.js';
import { greedyDecode } from '../../src/engine/decoding/greedy.js';
import { MarianModel, type Dtype } from '../../src/engine/marian-model.js';
import { MarianTranslator } from '../../src/engine/marian-translator.js';
import { builtModel } from '../helpers/builder-models.js';

// Sentences of different lengths so batches carry real padding.
const INPUTS = [
  'Det regner.',
  'Kommunen bygger en ny skole til næsten fire hundrede elever i den nordlige del af byen.',
  'Hvorfor?',
  'Regeringen siger, at militæret forbereder en modoffensiv i den nordlige del af landet, og at flere soldater er på vej.',
  'Børn og voksne fejrede sejren på torvet i går aftes.',
  '1.200 mennesker mødte op.',
  'Hun siger: - Vi er meget glade for resultatet, og vi håber, at det fortsætter.',
  'Det er en god dag.',
];

describe.each(['fp32', 'q8'] as Dtype[])('Marian engine on the builder tiny model (%s)', (dtype) => {
  let model: MarianModel;
  let inputs: number[][];

  beforeAll(async () => {
    model = await MarianModel.load(await builtModel('tiny'), dtype, { intraOpThreads: 1 });
    inputs = INPUTS.map((t) => model.tokenize(t));
  });
  afterAll(async () => model?.dispose());

  const options = { maxNewTokensPerRow: INPUTS.map(() => 24), repetitionGuard: false, scoreSequences: true };

  it('decodes a batch exactly as it decodes each input alone (greedy)', async () => {
    const batch = await greedyDecode(model, inputs, options);
    for (const [i, ids] of inputs.entries()) {
      const [alone] = await greedyDecode(model, [ids], { ...options, maxNewTokensPerRow: [24] });
      expect(batch[i]!.ids).toEqual(alone!.ids);
    }
    expect(batch.every((s) => s.ids.length > 0)).toBe(true);
  });

  it('beam search with one beam is exactly greedy', async () => {
    const greedy = await greedyDecode(model, inputs, options);
    const beam = await beamDecode(model, inputs, 1, options);
    expect(beam.map((s) => s.ids)).toEqual(greedy.map((s) => s.ids));
  });

  it('beam search finds a sequence at least as likely as greedy, for every input', async () => {
    const fixed = { ...options, lengthPenalty: 0 };
    const greedy = await greedyDecode(model, inputs, fixed);
    const beam = await beamDecode(model, inputs, 4, fixed);
    for (const [i, g] of greedy.entries()) expect(beam[i]!.logProb).toBeGreaterThanOrEqual(g.logProb - 1e-4);
  });

  it('decodes a batch exactly as each input alone (beam search)', async () => {
    const batch = await beamDecode(model, inputs, 3, options);
    for (const [i, ids] of inputs.entries()) {
      const [alone] = await beamDecode(model, [ids], 3, { ...options, maxNewTokensPerRow: [24] });
      expect(batch[i]!.ids).toEqual(alone!.ids);
    }
  });
});

describe('runaway guards on a real model', () => {
  it('caps the output length relative to the input and flags it', async () => {
    const translator = await MarianTranslator.load(await builtModel('tiny'), { modelId: 'tiny', dtype: 'fp32', repetitionGuard: false, lengthPolicy: { ratio: 1, slack: 2 } });
    const [out] = await translator.translateBatch(['Kommunen bygger en ny skole.']);
    const sourceTokens = translator.countTokens('Kommunen bygger en ny skole.');
    // Random weights practically never emit the end token, so the cap is what stops the output.
    expect(out!.tokens).toBe(sourceTokens + 2);
    expect(out!.flags).toContain('length-cap');
    await translator.dispose();
  });

  it('cuts a repeated loop and flags it', async () => {
    const translator = await MarianTranslator.load(await builtModel('echo'), { modelId: 'echo', dtype: 'fp32' });
    const [out] = await translator.translateBatch(['ja ja ja ja ja ja ja ja ja ja ja ja']);
    expect(out!.flags).toContain('repetition');
    expect(out!.text.split(' ').filter((w) => w === 'ja').length).toBeLessThan(12);
    await translator.dispose();
  });
});
