import { Rng } from '../rng.js';
import type { MarianDims } from './dims.js';
import { headDim } from './dims.js';
import { randomWeights, type AttentionW, type Linear, type MarianWeights } from './weights.js';

/**
 * Constructed (not trained, not random) weights for which greedy decoding copies the source:
 * decoder step t outputs source token t, so the source's closing </s> ends the output. Other
 * tests use it to check end-to-end text exactly (translation == input, up to the tokenizer's
 * normalisation and <unk>).
 *
 * How, in the unchanged Marian graph:
 * - Dimensions are split in three: Q/K dims (the 32 fastest sin/cos pairs of Marian's sinusoids:
 *   for every distance 1…511 their Σ cos is at least 3.5 below its value at distance 0), one reference dim (the lowest-frequency cos, ≈ 1 for every position), and token
 *   dims, where the embeddings live (zero elsewhere). Every other sublayer is switched off (faint
 *   random weights, zero biases: see FAINT_STD), so each hidden state is, to within ~1e-3,
 *   LayerNorm(scaled embedding + position).
 * - Decoder layer 0's cross-attention: query and key read the Q/K dims minus the reference dim
 *   (which cancels LayerNorm's mean subtraction) plus a bias restoring the offset, so the score is
 *   ≈ a²·Σₖ cos((t − j)·wₖ)/σ²: sharply highest at j = t. Its values copy the token dims and
 *   out_proj adds them, amplified, to the residual stream.
 * - The tied LM head scores every token by its embedding's dot product with that stream; the
 *   embeddings are nearly orthogonal random sign vectors, so the copied token wins by a wide margin
 *   (wide enough that int8 quantization noise does not change the choice).
 */
export const ECHO_QK_PAIRS = 32;

/**
 * Switched-off sublayers keep faint random weights, not zeros. All-zero matrices quantize to equal
 * scales and zero points; ONNX Runtime shares equal constants and then merges the scale products of
 * the projections reading one input, which keeps it from fusing their int8 matmuls (3 of 49 fused in
 * the decoder, against 49 of 49 with distinct weights as any real model has): the q8 model would cost
 * more per token than the real one. At this size they move no output.
 */
export const FAINT_STD = 1e-4;

/** Needs heads ≥ 2 with head_dim ≥ 2·16 and a token subspace of head_dim dims. */
export function echoWeights(d: MarianDims, seed: number): MarianWeights {
  const hd = headDim(d);
  const half = d.dModel / 2;
  if (d.heads < 2 || hd < 2 * ECHO_QK_PAIRS || d.dModel - 2 * ECHO_QK_PAIRS - 1 < hd) {
    throw new Error(`echo weights need ≥ 2 heads, head_dim ≥ ${2 * ECHO_QK_PAIRS} and d_model ≥ head_dim + ${2 * ECHO_QK_PAIRS + 1}`);
  }
  // Start from the random layout (right shapes and names, faint weights), then set what copies.
  const w = randomWeights(d, seed, FAINT_STD);

  // The fastest pairs: the largest score gap to the neighbouring positions, and (checked for
  // d_model 256) no distance up to 511 comes closer than that.
  const qkDims: number[] = [];
  for (let p = 0; p < ECHO_QK_PAIRS; p++) qkDims.push(p, half + p);
  const refDim = d.dModel - 1;
  const used = new Set([...qkDims, refDim]);
  const tokenDims: number[] = [];
  for (let i = 0; i < d.dModel && tokenDims.length < hd; i++) if (!used.has(i)) tokenDims.push(i);

  // Embeddings: centred random signs on the token dims, all the same norm (LayerNorm's σ then
  // hardly depends on the token). Scaled by √d in the graph, they dominate the positions there.
  const amp = 0.25;
  const rng = new Rng(seed).fork('echo.embeddings');
  w.embeddings.fill(0);
  // The pad row gets a vector too: pad is the decoder start token, and LayerNorm's σ must not
  // differ at step 0 (bad_words_ids keeps pad from being generated; padded source positions are masked).
  for (let tok = 0; tok < d.vocabSize; tok++) {
    const v = tokenDims.map(() => (rng.nextUint32() & 1 ? amp : -amp));
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const norm = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0)) || 1;
    const target = amp * Math.sqrt(v.length);
    tokenDims.forEach((dim, i) => (w.embeddings[tok * d.dModel + dim] = ((v[i]! - mean) * target) / norm));
  }

  // LayerNorm's σ of (√d·embedding + position): the embedding part dominates and is fixed.
  const sigma = Math.sqrt((d.dModel * amp * amp * hd + d.dModel / 2) / d.dModel);
  const noBias = (l: Linear) => l.b.fill(0);
  const off = (a: AttentionW) => [a.q, a.k, a.v, a.o].forEach(noBias);
  for (const layer of w.encoder) {
    off(layer.selfAttn);
    noBias(layer.fc1);
    noBias(layer.fc2);
  }
  for (const layer of w.decoder) {
    off(layer.selfAttn);
    off(layer.crossAttn);
    noBias(layer.fc1);
    noBias(layer.fc2);
  }

  // Decoder layer 0 cross-attention, head 0. Score target a² ≈ 40·σ² per unit of Σcos, so one step
  // away from j = t costs over a hundred nats. The graph multiplies q by head_dim^-0.5 after q_proj.
  const cross = w.decoder[0]!.crossAttn;
  const a = Math.sqrt(40) * sigma;
  const aq = a * Math.sqrt(Math.sqrt(hd));
  const ak = a * Math.sqrt(Math.sqrt(hd));
  qkDims.forEach((dim, o) => {
    const set = (l: Linear, scale: number) => {
      l.w[dim * l.outDim + o] = scale;
      l.w[refDim * l.outDim + o] = -scale;
      l.b[o] = scale / sigma; // restores the reference dim's ≈ 1 that the subtraction removed
    };
    set(cross.q, aq);
    set(cross.k, ak);
  });
  // Values copy the token dims into head 0; out_proj writes them back, amplified.
  const gain = 4;
  tokenDims.forEach((dim, i) => {
    cross.v.w[dim * cross.v.outDim + i] = 1;
    cross.o.w[i * cross.o.outDim + dim] = gain * sigma;
  });
  return w;
}
