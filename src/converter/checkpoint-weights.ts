import { sinusoidalPositions, type AttentionW, type DecoderLayerW, type EncoderLayerW, type LayerNormW, type Linear, type MarianWeights } from '../builder/marian/weights.js';
import { CheckpointError } from './errors.js';
import type { MarianCheckpointConfig } from './marian-config.js';
import type { TensorSource } from './weights/tensor.js';

export interface WeightsReport {
  /** How each group of weights was found: 'shared', 'separate', 'computed', … */
  notes: string[];
  /** Stored element types and how many tensors had each. */
  dtypes: Record<string, number>;
}

/**
 * Reads a MarianMTModel state_dict (names as in modeling_marian.py) into the builder's weights:
 * Linear weights [out, in] transposed for MatMul(x, W), shapes checked against the config, one
 * embedding table when the checkpoint ties them, the sinusoid tables recomputed when absent.
 */
export async function readMarianWeights(src: TensorSource, cfg: MarianCheckpointConfig): Promise<{ weights: MarianWeights; report: WeightsReport }> {
  const file = src.file.split(/[\\/]/).pop()!;
  const have = new Set(src.names());
  // Some exports drop the "model." prefix (MarianModel instead of MarianMTModel).
  const name = (n: string) => (have.has(n) ? n : have.has(n.replace(/^model\./, '')) ? n.replace(/^model\./, '') : n);
  const report: WeightsReport = { notes: [], dtypes: {} };
  const read = async (n: string, shape: number[]): Promise<Float32Array> => {
    const key = name(n);
    const got = src.shape(key);
    if (!got) throw new CheckpointError(`${file} has no tensor ${n} (is it a MarianMTModel checkpoint?)`);
    if (got.length !== shape.length || got.some((d, i) => d !== shape[i])) {
      throw new CheckpointError(`${file}: ${n} has shape [${got.join(', ')}], config.json implies [${shape.join(', ')}]`);
    }
    const dt = src.dtype(key) ?? '?';
    report.dtypes[dt] = (report.dtypes[dt] ?? 0) + 1;
    return (await src.read(key)).data;
  };
  const optional = (n: string) => have.has(name(n));
  const d = cfg.dModel;

  const linear = async (n: string, inDim: number, outDim: number): Promise<Linear> => {
    const w = await read(`${n}.weight`, [outDim, inDim]);
    const t = new Float32Array(w.length);
    for (let o = 0; o < outDim; o++) for (let i = 0; i < inDim; i++) t[i * outDim + o] = w[o * inDim + i]!;
    return { w: t, b: await read(`${n}.bias`, [outDim]), inDim, outDim };
  };
  const norm = async (n: string): Promise<LayerNormW> => ({ gamma: await read(`${n}.weight`, [d]), beta: await read(`${n}.bias`, [d]) });
  const attention = async (n: string): Promise<AttentionW> => ({
    q: await linear(`${n}.q_proj`, d, d),
    k: await linear(`${n}.k_proj`, d, d),
    v: await linear(`${n}.v_proj`, d, d),
    o: await linear(`${n}.out_proj`, d, d),
  });

  const table = [cfg.vocabSize, d];
  const firstOf = (names: string[]) => names.find(optional);
  let embeddings: Float32Array;
  let decoderEmbeddings: Float32Array | undefined;
  let lmHead: Float32Array | undefined;
  if (cfg.sharedEmbeddings) {
    const n = firstOf(['model.shared.weight', 'model.encoder.embed_tokens.weight', 'model.decoder.embed_tokens.weight', 'lm_head.weight']);
    if (!n) throw new CheckpointError(`${file} has no token embeddings (model.shared.weight)`);
    embeddings = await read(n, table);
    report.notes.push(`one embedding table (${n}) for encoder, decoder and LM head`);
  } else {
    const enc = firstOf(['model.encoder.embed_tokens.weight', 'model.shared.weight']);
    const dec = firstOf(['model.decoder.embed_tokens.weight']);
    if (!enc || !dec) throw new CheckpointError(`${file}: share_encoder_decoder_embeddings is false but the encoder or decoder embeddings are missing`);
    embeddings = await read(enc, table);
    decoderEmbeddings = await read(dec, table);
    report.notes.push(`separate encoder (${enc}) and decoder (${dec}) embeddings`);
  }
  // An lm_head.weight that differs from the decoder's embeddings (not tied) gets its own matrix.
  if (optional('lm_head.weight')) {
    const head = await read('lm_head.weight', table);
    const dec = decoderEmbeddings ?? embeddings;
    if (!sameValues(head, dec)) {
      lmHead = head;
      report.notes.push('an untied LM head (lm_head.weight)');
    }
  }

  const finalLogitsBias = optional('final_logits_bias') ? await read('final_logits_bias', [1, cfg.vocabSize]) : new Float32Array(cfg.vocabSize);
  let positions: Float32Array;
  const posName = firstOf(['model.encoder.embed_positions.weight', 'model.decoder.embed_positions.weight']);
  if (posName) {
    positions = await read(posName, [cfg.maxPositions, d]);
    report.notes.push(`sinusoid tables read from the checkpoint`);
  } else {
    positions = sinusoidalPositions(cfg.maxPositions, d);
    report.notes.push(`sinusoid tables computed (${cfg.maxPositions} positions; not in the checkpoint)`);
  }

  const encoder: EncoderLayerW[] = [];
  for (let i = 0; i < cfg.encoderLayers; i++) {
    const p = `model.encoder.layers.${i}`;
    encoder.push({
      selfAttn: await attention(`${p}.self_attn`),
      selfAttnNorm: await norm(`${p}.self_attn_layer_norm`),
      fc1: await linear(`${p}.fc1`, d, cfg.encoderFfnDim),
      fc2: await linear(`${p}.fc2`, cfg.encoderFfnDim, d),
      finalNorm: await norm(`${p}.final_layer_norm`),
    });
  }
  const decoder: DecoderLayerW[] = [];
  for (let i = 0; i < cfg.decoderLayers; i++) {
    const p = `model.decoder.layers.${i}`;
    decoder.push({
      selfAttn: await attention(`${p}.self_attn`),
      selfAttnNorm: await norm(`${p}.self_attn_layer_norm`),
      crossAttn: await attention(`${p}.encoder_attn`),
      crossAttnNorm: await norm(`${p}.encoder_attn_layer_norm`),
      fc1: await linear(`${p}.fc1`, d, cfg.decoderFfnDim),
      fc2: await linear(`${p}.fc2`, cfg.decoderFfnDim, d),
      finalNorm: await norm(`${p}.final_layer_norm`),
    });
  }
  if (optional(`model.encoder.layers.${cfg.encoderLayers}.fc1.weight`) || optional(`model.decoder.layers.${cfg.decoderLayers}.fc1.weight`)) {
    throw new CheckpointError(`${file} has more layers than config.json says (${cfg.encoderLayers}+${cfg.decoderLayers})`);
  }
  return {
    weights: { embeddings, ...(decoderEmbeddings ? { decoderEmbeddings } : {}), ...(lmHead ? { lmHead } : {}), positions, finalLogitsBias, encoder, decoder },
    report,
  };
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
