/**
 * A step-by-step run whose shapes do not fit the graphs (files that declare no widths the load could
 * check): ONNX Runtime's error becomes a model-corrupt da2en error, not an unexpected one.
 */
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDa2enError } from '../../src/errors.js';
import { MarianModel } from '../../src/engine/marian-model.js';
import { builtModel } from '../../tools/builder-models.js';

describe('a decoder run with encoder states of another width', () => {
  let model: MarianModel;
  beforeAll(async () => {
    model = await MarianModel.load(await builtModel('echo'), 'q8', { intraOpThreads: 1 });
  });
  afterAll(async () => {
    await model?.dispose();
  });

  it('fails with kind model-corrupt, ONNX Runtime’s message kept as the cause', async () => {
    const encoder = await model.encode([[5, 6, 7, model.config.eosId]]);
    // What the echo model's decoder gets is 256 wide (its d_model); the tiny model's encoder gives 32.
    expect(encoder.hiddenStates.dims).toEqual([1, 4, 256]);
    const narrow = { ...encoder, hiddenStates: new ort.Tensor('float32', new Float32Array(4 * 32), [1, 4, 32]) };
    const failed = await model.step(narrow, [model.config.decoderStartId], null).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isDa2enError(failed, 'model-corrupt')).toBe(true);
    expect((failed as Error).message).toMatch(/^the model's encoder and decoder do not fit together \(.*encoder_hidden_states/);
    expect(((failed as Error).cause as Error).message).toMatch(/invalid dimensions/);
    // The input was never the problem: the same step with the encoder's own states runs.
    expect((await model.step(encoder, [model.config.decoderStartId], null)).logits.length).toBe(model.config.vocabSize);
  });
});
