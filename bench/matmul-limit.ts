import ort from 'onnxruntime-node';
import { GraphBuilder } from '../src/builder/onnx/builder.js';
import { tensor, type Model } from '../src/builder/onnx/ir.js';
import { quantizeDynamic } from '../src/builder/onnx/quantize.js';
import { serializeModel, OPSET } from '../src/builder/onnx/serialize.js';

/**
 * How fast ONNX Runtime multiplies matrices on this CPU, fp32 and int8 (dynamic quantization,
 * the same rewrite the q8 model files use): the ceiling a Marian decoder can reach here.
 */
export interface MatmulThroughput {
  fp32Gflops: number;
  q8Gflops: number;
}

function matmulModel(m: number, k: number, n: number, seed: number): Model {
  const g = new GraphBuilder('matmul');
  const x = g.input('x', 'float', [m, k]);
  const w = new Float32Array(k * n);
  let s = seed;
  for (let i = 0; i < w.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    w[i] = ((s / 2 ** 32) - 0.5) * 0.04;
  }
  const y = g.op('MatMul', [x, g.weight('W', tensor('float', [k, n], w))]);
  g.output('y', 'float', [m, n], y);
  return { graph: g.graph, opsetImports: [{ domain: '', version: OPSET }], producer: 'da2en-bench' };
}

async function gflops(model: Model, m: number, k: number, n: number, threads: number, seconds: number, repeats = 3): Promise<number> {
  const session = await ort.InferenceSession.create(serializeModel(model), { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  const x = new ort.Tensor('float32', Float32Array.from({ length: m * k }, (_, i) => Math.sin(i)), [m, k]);
  for (let i = 0; i < 5; i++) await session.run({ x });
  // The best of a few windows: on a shared machine the slow ones measure the neighbours, not the CPU.
  let best = 0;
  for (let r = 0; r < repeats; r++) {
    let runs = 0;
    const start = performance.now();
    while (performance.now() - start < (seconds / repeats) * 1000) {
      await session.run({ x });
      runs++;
    }
    const elapsed = (performance.now() - start) / 1000;
    best = Math.max(best, (2 * m * k * n * runs) / elapsed / 1e9);
  }
  await session.release();
  return best;
}

/** Shapes like a batched decoder step: 32 rows against the FFN's 512×2048 weight. */
export async function measureMatmul(threads: number, rows = 32, seconds = 2): Promise<MatmulThroughput> {
  const [k, n] = [512, 2048];
  const fp32 = matmulModel(rows, k, n, 1);
  return {
    fp32Gflops: await gflops(fp32, rows, k, n, threads, seconds),
    q8Gflops: await gflops(quantizeDynamic(fp32), rows, k, n, threads, seconds),
  };
}

/**
 * Multiply-adds per target token of a Marian transformer-base (6+6 layers, d 512, FFN 2048,
 * vocab V), counting the encoder per source token with source ≈ target length.
 */
export function flopsPerTargetToken(d = 512, ffn = 2048, layers = 6, vocab = 58_930): number {
  const encoderPerToken = layers * (4 * d * d + 2 * d * ffn);
  const crossKvPerSourceToken = layers * 2 * d * d;
  const decoderPerToken = layers * (4 * d * d + 2 * d * d + 2 * d * ffn);
  const lmHead = d * vocab;
  return 2 * (encoderPerToken + crossKvPerSourceToken + decoderPerToken + lmHead);
}
