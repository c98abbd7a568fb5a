import { Rng } from '../rng.js';
import type { MarianDims } from './dims.js';

/** A linear layer stored the way the ONNX export stores it: W as [in, out] for MatMul(x, W). */
export interface Linear {
  w: Float32Array;
  b: Float32Array;
  inDim: number;
  outDim: number;
}

export interface LayerNormW {
  gamma: Float32Array;
  beta: Float32Array;
}

export interface AttentionW {
  q: Linear;
  k: Linear;
  v: Linear;
  o: Linear;
}

export interface EncoderLayerW {
  selfAttn: AttentionW;
  selfAttnNorm: LayerNormW;
  fc1: Linear;
  fc2: Linear;
  finalNorm: LayerNormW;
}

export interface DecoderLayerW {
  selfAttn: AttentionW;
  selfAttnNorm: LayerNormW;
  crossAttn: AttentionW;
  crossAttnNorm: LayerNormW;
  fc1: Linear;
  fc2: Linear;
  finalNorm: LayerNormW;
}

/**
 * All weights of a MarianMTModel. One embedding matrix is shared by encoder, decoder and LM head
 * (as in Opus-MT) unless a checkpoint has separate ones (share_encoder_decoder_embeddings false).
 */
export interface MarianWeights {
  embeddings: Float32Array; // [vocab, d]
  /** The decoder's own token embeddings, when not shared with the encoder. */
  decoderEmbeddings?: Float32Array; // [vocab, d]
  /** An LM head that is not the decoder's embedding matrix (untied). */
  lmHead?: Float32Array; // [vocab, d]
  positions: Float32Array; // [maxPositions, d], fixed sinusoids
  finalLogitsBias: Float32Array; // [vocab]
  encoder: EncoderLayerW[];
  decoder: DecoderLayerW[];
}

/**
 * Marian's static sinusoidal table (MarianSinusoidalPositionalEmbedding): for position p and
 * j < d/2, column j holds sin(p / 10000^(2j/d)) and column d/2 + j holds cos of the same angle.
 */
export function sinusoidalPositions(maxPositions: number, d: number): Float32Array {
  const out = new Float32Array(maxPositions * d);
  const half = Math.ceil(d / 2);
  for (let p = 0; p < maxPositions; p++) {
    for (let j = 0; j < half; j++) {
      const angle = p / Math.pow(10000, (2 * j) / d);
      out[p * d + j] = Math.sin(angle);
      if (half + j < d) out[p * d + half + j] = Math.cos(angle);
    }
  }
  return out;
}

/**
 * Random weights with Marian's initialisation (normal, std = init_std 0.02; zero biases; unit
 * layer norms; the pad row of the embedding zeroed; zero final_logits_bias). Every tensor gets
 * its own forked generator, so the values depend only on (seed, tensor name).
 */
export function randomWeights(d: MarianDims, seed: number, initStd = 0.02): MarianWeights {
  const root = new Rng(seed);
  const normal = (name: string, n: number) => root.fork(name).fillNormalish(new Float32Array(n), initStd);
  const linear = (name: string, inDim: number, outDim: number): Linear => ({
    w: normal(`${name}.weight`, inDim * outDim),
    b: new Float32Array(outDim),
    inDim,
    outDim,
  });
  const norm = (): LayerNormW => ({ gamma: new Float32Array(d.dModel).fill(1), beta: new Float32Array(d.dModel) });
  const attention = (name: string): AttentionW => ({
    q: linear(`${name}.q_proj`, d.dModel, d.dModel),
    k: linear(`${name}.k_proj`, d.dModel, d.dModel),
    v: linear(`${name}.v_proj`, d.dModel, d.dModel),
    o: linear(`${name}.out_proj`, d.dModel, d.dModel),
  });

  const embeddings = normal('shared.weight', d.vocabSize * d.dModel);
  embeddings.fill(0, d.padId * d.dModel, (d.padId + 1) * d.dModel);

  const encoder: EncoderLayerW[] = [];
  for (let i = 0; i < d.encoderLayers; i++) {
    const p = `model.encoder.layers.${i}`;
    encoder.push({
      selfAttn: attention(`${p}.self_attn`),
      selfAttnNorm: norm(),
      fc1: linear(`${p}.fc1`, d.dModel, d.ffnDim),
      fc2: linear(`${p}.fc2`, d.ffnDim, d.dModel),
      finalNorm: norm(),
    });
  }
  const decoder: DecoderLayerW[] = [];
  for (let i = 0; i < d.decoderLayers; i++) {
    const p = `model.decoder.layers.${i}`;
    decoder.push({
      selfAttn: attention(`${p}.self_attn`),
      selfAttnNorm: norm(),
      crossAttn: attention(`${p}.encoder_attn`),
      crossAttnNorm: norm(),
      fc1: linear(`${p}.fc1`, d.dModel, d.ffnDim),
      fc2: linear(`${p}.fc2`, d.ffnDim, d.dModel),
      finalNorm: norm(),
    });
  }
  return {
    embeddings,
    positions: sinusoidalPositions(d.maxPositions, d.dModel),
    finalLogitsBias: new Float32Array(d.vocabSize),
    encoder,
    decoder,
  };
}
