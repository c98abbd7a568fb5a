import { describe, expect, it } from 'vitest';
import { buildDecoder } from '../../src/builder/marian/decoder.js';
import type { MarianDims } from '../../src/builder/marian/dims.js';
import { buildEncoder } from '../../src/builder/marian/encoder.js';
import { randomWeights } from '../../src/builder/marian/weights.js';
import { allGraphs, type Model } from '../../src/builder/onnx/ir.js';
import { quantizeDynamic, quantizeInt8Symmetric, quantizeUint8 } from '../../src/builder/onnx/quantize.js';
import { Rng } from '../../src/builder/rng.js';

const DIMS: MarianDims = { vocabSize: 300, dModel: 16, encoderLayers: 1, decoderLayers: 1, heads: 2, ffnDim: 32, maxPositions: 64, padId: 299, eosId: 0, unkId: 1 };

function ops(m: Model): string[] {
  return [...allGraphs(m.graph)].flatMap((g) => g.nodes.map((n) => n.op));
}

describe('int8 weight quantization', () => {
  const w = new Rng(5).fillNormalish(new Float32Array(1000), 0.3);

  it('symmetric int8: zero point 0, the largest magnitude near ±127, error within half a step', () => {
    const q = quantizeInt8Symmetric(w);
    const absMax = Math.max(...w.map(Math.abs));
    expect(Math.max(...q.data.map(Math.abs))).toBeGreaterThanOrEqual(127);
    for (let i = 0; i < w.length; i++) expect(Math.abs(q.data[i]! * q.scale - w[i]!)).toBeLessThanOrEqual(q.scale / 2 + 1e-7);
    expect(q.scale).toBeCloseTo((2 * absMax) / 255, 6);
  });

  it('asymmetric uint8 (as DynamicQuantizeLinear): 0 is exact, error within half a step', () => {
    const q = quantizeUint8(w);
    expect((0 - 0) * q.scale).toBe(0);
    expect(Number.isInteger(q.zeroPoint)).toBe(true);
    for (let i = 0; i < w.length; i++) expect(Math.abs((q.data[i]! - q.zeroPoint) * q.scale - w[i]!)).toBeLessThanOrEqual(q.scale / 2 + 1e-6);
  });
});

describe('quantizeDynamic on the Marian graphs', () => {
  const weights = randomWeights(DIMS, 1);
  const encoder = quantizeDynamic(buildEncoder(DIMS, weights));
  const decoder = quantizeDynamic(buildDecoder(DIMS, weights));

  it('rewrites every weight MatMul into the ORT dynamic pattern, in the If branch too', () => {
    for (const m of [encoder, decoder]) {
      const o = ops(m);
      expect(o).toContain('DynamicQuantizeLinear');
      expect(o).toContain('MatMulInteger');
      expect(o).toContain('DequantizeLinear');
      for (const g of allGraphs(m.graph)) {
        for (const n of g.nodes) if (n.op === 'MatMul') expect(m.graph.initializers.has(n.inputs[1]!), n.name).toBe(false);
      }
    }
    const ifNode = decoder.graph.nodes.find((n) => n.op === 'If')!;
    const elseBranch = ifNode.attrs['else_branch'];
    expect(elseBranch?.kind === 'graph' && elseBranch.value.nodes.some((n) => n.op === 'MatMulInteger')).toBe(true);
  });

  it('stores the tied embedding once, as int8, and keeps no float weight matrix', () => {
    const big = [...decoder.graph.initializers].filter(([, t]) => t.data.length >= DIMS.vocabSize * DIMS.dModel);
    expect(big.map(([, t]) => [t.dataType, t.dims])).toEqual([['int8', [DIMS.dModel, DIMS.vocabSize]]]);
    for (const m of [encoder, decoder]) {
      for (const [name, t] of m.graph.initializers) {
        if (t.dataType === 'float') expect(t.dims.length <= 1 || t.dims[0] === 1, name).toBe(true);
      }
    }
  });
});
