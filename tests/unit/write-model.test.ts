/**
 * writeModel streams a model to its file piece by piece (the converter's way: a stop can end the
 * conversion between pieces, and no ~1 GB copy is made); the file must hold exactly what
 * serializeModel makes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDecoder } from '../../src/builder/marian/decoder.js';
import type { MarianDims } from '../../src/builder/marian/dims.js';
import { buildEncoder } from '../../src/builder/marian/encoder.js';
import { randomWeights } from '../../src/builder/marian/weights.js';
import { quantizeDynamic } from '../../src/builder/onnx/quantize.js';
import { serializeModel, writeModel } from '../../src/builder/onnx/serialize.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'da2en-write-model-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const dims: MarianDims = { vocabSize: 300, dModel: 32, encoderLayers: 2, decoderLayers: 2, heads: 4, ffnDim: 64, maxPositions: 64, padId: 299, eosId: 0, unkId: 1, activation: 'swish', scaleEmbedding: true };
const weights = randomWeights(dims, 3, 0.3);

describe('writeModel', () => {
  const decoder = buildDecoder(dims, weights);
  const models = {
    encoder: buildEncoder(dims, weights),
    'merged decoder (If subgraphs)': decoder,
    'int8 merged decoder (scalar and int8 weights)': quantizeDynamic(decoder),
  };
  for (const [what, model] of Object.entries(models)) {
    it(`writes the bytes serializeModel makes: ${what}`, async () => {
      const file = path.join(tmp, `${what.replace(/\W+/g, '-')}.onnx`);
      await writeModel(file, model);
      expect(readFileSync(file).equals(Buffer.from(serializeModel(model)))).toBe(true);
    });
  }
});
