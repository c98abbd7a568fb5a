import ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDecoder } from '../../src/builder/marian/decoder.js';
import type { MarianDims } from '../../src/builder/marian/dims.js';
import { buildEncoder } from '../../src/builder/marian/encoder.js';
import { randomWeights, sinusoidalPositions } from '../../src/builder/marian/weights.js';
import { quantizeDynamic } from '../../src/builder/onnx/quantize.js';
import { serializeModel } from '../../src/builder/onnx/serialize.js';

const DIMS: MarianDims = { vocabSize: 120, dModel: 16, encoderLayers: 2, decoderLayers: 2, heads: 2, ffnDim: 32, maxPositions: 64, padId: 119, eosId: 0, unkId: 1 };
const H = DIMS.heads;
const HD = DIMS.dModel / DIMS.heads;

type Meta = { name: string; type: string; shape: (number | string)[] };
const meta = (s: ort.InferenceSession, which: 'inputMetadata' | 'outputMetadata') => (s as unknown as Record<string, Meta[]>)[which]!;
const i64 = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0]!.length]);
const useCache = (on: boolean) => new ort.Tensor('bool', Uint8Array.of(on ? 1 : 0), [1]);

/** What Transformers.js feeds on the first step: empty caches shaped from the input metadata (batch_size resolved, other symbols 0). */
function emptyCache(session: ort.InferenceSession, batch: number): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const m of meta(session, 'inputMetadata')) {
    if (!m.name.startsWith('past_key_values.')) continue;
    const shape = m.shape.map((d) => (typeof d === 'number' ? d : d === 'batch_size' ? batch : 0));
    feeds[m.name] = new ort.Tensor('float32', new Float32Array(0), shape);
  }
  return feeds;
}

function pastFrom(out: ort.InferenceSession.OnnxValueMapType): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const [k, v] of Object.entries(out)) if (k.startsWith('present.')) feeds[k.replace('present.', 'past_key_values.')] = v as ort.Tensor;
  return feeds;
}

const maxDiff = (a: ort.Tensor, b: ort.Tensor) => {
  const x = a.data as Float32Array;
  const y = b.data as Float32Array;
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  return m;
};

describe('Marian graphs', () => {
  let enc: ort.InferenceSession;
  let dec: ort.InferenceSession;
  let encQ: ort.InferenceSession;
  beforeAll(async () => {
    const w = randomWeights(DIMS, 2, 0.2);
    const e = buildEncoder(DIMS, w);
    enc = await ort.InferenceSession.create(serializeModel(e));
    encQ = await ort.InferenceSession.create(serializeModel(quantizeDynamic(e)));
    dec = await ort.InferenceSession.create(serializeModel(buildDecoder(DIMS, w)));
  });

  it('uses Marian’s sinusoid layout: sin in the first half of the dims, cos in the second', () => {
    const p = sinusoidalPositions(4, 8);
    expect(p[3 * 8 + 0]).toBeCloseTo(Math.sin(3), 6);
    expect(p[3 * 8 + 1]).toBeCloseTo(Math.sin(3 / 10000 ** (2 / 8)), 6);
    expect(p[3 * 8 + 4]).toBeCloseTo(Math.cos(3), 6);
    expect(p[3 * 8 + 7]).toBeCloseTo(Math.cos(3 / 10000 ** (6 / 8)), 6);
  });

  it('has the inputs and outputs of the Optimum merged-decoder export (names, order, types, dims)', () => {
    const inputs = meta(dec, 'inputMetadata');
    const expected: Meta[] = [
      { name: 'encoder_attention_mask', type: 'int64', shape: ['batch_size', 'encoder_sequence_length'] },
      { name: 'input_ids', type: 'int64', shape: ['batch_size', 'decoder_sequence_length'] },
      { name: 'encoder_hidden_states', type: 'float32', shape: ['batch_size', 'encoder_sequence_length', DIMS.dModel] },
    ];
    for (let l = 0; l < DIMS.decoderLayers; l++) {
      for (const [kind, len] of [['decoder', 'past_decoder_sequence_length'], ['encoder', 'encoder_sequence_length_out']] as const) {
        for (const kv of ['key', 'value']) expected.push({ name: `past_key_values.${l}.${kind}.${kv}`, type: 'float32', shape: ['batch_size', H, len, HD] });
      }
    }
    expected.push({ name: 'use_cache_branch', type: 'bool', shape: [1] });
    expect(inputs.map(({ name, type, shape }) => ({ name, type, shape }))).toEqual(expected);
    const outputs = meta(dec, 'outputMetadata').map((m) => m.name);
    expect(outputs[0]).toBe('logits');
    expect(outputs.slice(1, 5)).toEqual(['present.0.decoder.key', 'present.0.decoder.value', 'present.0.encoder.key', 'present.0.encoder.value']);
    expect(meta(enc, 'inputMetadata').map((m) => m.name)).toEqual(['input_ids', 'attention_mask']);
    expect(meta(enc, 'outputMetadata').map((m) => m.name)).toEqual(['last_hidden_state']);
  });

  it('decodes step by step with the KV cache exactly as a full pass over the prefix', async () => {
    const src = i64([[5, 9, 17, 3, 0]]);
    const mask = i64([[1, 1, 1, 1, 1]]);
    const { last_hidden_state: hidden } = await enc.run({ input_ids: src, attention_mask: mask });
    const base = { encoder_attention_mask: mask, encoder_hidden_states: hidden! };
    const prefix = [DIMS.padId, 7, 42, 8];
    // Full pass, no cache: logits for every prefix position.
    const full = await dec.run({ ...base, ...emptyCache(dec, 1), input_ids: i64([prefix]), use_cache_branch: useCache(false) });
    const fullLogits = full['logits']!.data as Float32Array;
    // Cached: one token at a time, the first step computing the cross-attention keys/values.
    let past = emptyCache(dec, 1);
    for (let t = 0; t < prefix.length; t++) {
      const out = await dec.run({ ...base, ...past, input_ids: i64([[prefix[t]!]]), use_cache_branch: useCache(t > 0) });
      expect(out['present.0.decoder.key']!.dims).toEqual([1, H, t + 1, HD]);
      expect(out['present.0.encoder.key']!.dims).toEqual([1, H, 5, HD]);
      const step = out['logits']!.data as Float32Array;
      for (let v = 0; v < DIMS.vocabSize; v++) expect(step[v]).toBeCloseTo(fullLogits[t * DIMS.vocabSize + v]!, 4);
      const next = pastFrom(out);
      // Transformers.js keeps the first step's encoder keys/values; the cache branch passes them through.
      if (t > 0) for (const k of Object.keys(next)) if (k.includes('.encoder.')) expect(maxDiff(next[k]!, past[k]!)).toBe(0);
      past = next;
    }
  });

  it('masks padding: padded positions change nothing for real tokens, and come out as zeros', async () => {
    const plain = await enc.run({ input_ids: i64([[5, 9, 17, 0]]), attention_mask: i64([[1, 1, 1, 1]]) });
    const padded = await enc.run({ input_ids: i64([[5, 9, 17, 0, 119, 119]]), attention_mask: i64([[1, 1, 1, 1, 0, 0]]) });
    const a = plain['last_hidden_state']!.data as Float32Array;
    const b = padded['last_hidden_state']!.data as Float32Array;
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 5);
    expect([...b.slice(a.length)].every((x) => x === 0)).toBe(true);
    // int8: zeros never widen the per-tensor range, so the padded run is bit-identical.
    const qa = (await encQ.run({ input_ids: i64([[5, 9, 17, 0]]), attention_mask: i64([[1, 1, 1, 1]]) }))['last_hidden_state']!.data as Float32Array;
    const qb = (await encQ.run({ input_ids: i64([[5, 9, 17, 0, 119, 119]]), attention_mask: i64([[1, 1, 1, 1, 0, 0]]) }))['last_hidden_state']!.data as Float32Array;
    expect([...qb.slice(0, qa.length)]).toEqual([...qa]);
  });
});
