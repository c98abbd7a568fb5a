/**
 * Tiny Hugging Face MarianMTModel checkpoints written by the tests themselves (no Python, no
 * ../shared): random weights in the builder's layout, stored the way transformers stores them
 * (Linear [out, in], HF names, tied tables), with a SentencePiece model and vocab.json built from
 * the builder's tiny vocabulary. The same weights, rounded to the stored dtype, build a reference
 * model with the builder directly, so a converted model must compute exactly what it computes.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Activation, MarianDims } from '../../src/builder/marian/dims.js';
import { randomWeights, sinusoidalPositions, type AttentionW, type DecoderLayerW, type EncoderLayerW, type LayerNormW, type Linear, type MarianWeights } from '../../src/builder/marian/weights.js';
import { Rng } from '../../src/builder/rng.js';
import { buildVocabulary } from '../../src/builder/tokenizer/vocab.js';
import { roundTo, safetensorsBytes, sentencePieceBytes, torchBinBytes, writeFile, type NamedTensor, type StDtype } from '../../tools/checkpoint-writer.js';

export type CheckpointStyle = 'opus' | 'tc-big' | 'separate';

export interface TinyCheckpoint {
  dir: string;
  dims: MarianDims;
  /** The weights as stored (after rounding to the dtype), in the builder's layout. */
  weights: MarianWeights;
  /** builder vocabulary id → checkpoint id. */
  idOf: number[];
  /** The builder's pieces, for a reference tokenizer. */
  pieces: [string, number][];
}

function parts(layer: EncoderLayerW | DecoderLayerW): { linears: Linear[]; norms: LayerNormW[] } {
  const attn = (a: AttentionW) => [a.q, a.k, a.v, a.o];
  const linears = [...attn(layer.selfAttn), layer.fc1, layer.fc2];
  const norms = [layer.selfAttnNorm, layer.finalNorm];
  if ('crossAttn' in layer) {
    linears.push(...attn(layer.crossAttn));
    norms.push(layer.crossAttnNorm);
  }
  return { linears, norms };
}

function transpose(l: Linear): Float32Array {
  const out = new Float32Array(l.w.length);
  for (let i = 0; i < l.inDim; i++) for (let o = 0; o < l.outDim; o++) out[o * l.inDim + i] = l.w[i * l.outDim + o]!;
  return out;
}

/** Larger than tiny: for a conversion that takes long enough to be stopped in the middle. */
export interface CheckpointSize {
  dModel: number;
  ffnDim: number;
  layers: number;
}

export function writeTinyCheckpoint(dir: string, style: CheckpointStyle, dtype: StDtype, seed = 7, size: CheckpointSize = { dModel: 32, ffnDim: 64, layers: 2 }): TinyCheckpoint {
  mkdirSync(dir, { recursive: true });
  const vocab = buildVocabulary({ source: 'tiny', maxSize: 600 });
  const pieces = vocab.pieces;
  const n = pieces.length;
  // tc-big style: vocab.json sorted alphabetically (</s> sorting as "s"), so eos and unk are not 0 and 1.
  const order = pieces.map((_, i) => i);
  if (style !== 'opus') {
    const key = (p: string) => (p === '</s>' ? 's' : p);
    const body = order.slice(0, n - 1).sort((a, b) => (key(pieces[a]![0]) < key(pieces[b]![0]) ? -1 : 1));
    order.splice(0, n - 1, ...body);
  }
  const idOf = new Array<number>(n);
  order.forEach((builderId, ckptId) => (idOf[builderId] = ckptId));
  const eosId = idOf[0]!;
  const unkId = idOf[1]!;
  const padId = n - 1;

  const activation: Activation = style === 'opus' ? 'swish' : 'relu';
  const dims: MarianDims = { vocabSize: n, dModel: size.dModel, encoderLayers: size.layers, decoderLayers: size.layers, heads: 4, ffnDim: size.ffnDim, maxPositions: style === 'opus' ? 128 : 256, padId, eosId, unkId, activation, scaleEmbedding: true };
  const w = randomWeights(dims, seed, 0.35);
  // Non-trivial biases, norms and logit bias, so a reader that drops or swaps them is caught.
  const rng = new Rng(seed + 1);
  let k = 0;
  const jitter = (a: Float32Array, std: number, base = 0) => {
    rng.fork(String(k++)).fillNormalish(a, std);
    if (base) for (let i = 0; i < a.length; i++) a[i]! += base;
  };
  for (const layer of [...w.encoder, ...w.decoder]) {
    const { linears, norms } = parts(layer);
    for (const l of linears) jitter(l.b, 0.05);
    for (const l of norms) {
      jitter(l.gamma, 0.1, 1);
      jitter(l.beta, 0.05);
    }
  }
  jitter(w.finalLogitsBias, 0.3);
  w.finalLogitsBias[padId] = 0;
  w.finalLogitsBias[eosId] = 2;
  if (style === 'separate') {
    w.decoderEmbeddings = new Float32Array(w.embeddings.length);
    jitter(w.decoderEmbeddings, 0.35);
  }

  // Round every stored tensor to the dtype, so the reference sees what the converter will read.
  const r = (a: Float32Array) => a.set(roundTo(a, dtype));
  r(w.embeddings);
  if (w.decoderEmbeddings) r(w.decoderEmbeddings);
  r(w.finalLogitsBias);
  for (const layer of [...w.encoder, ...w.decoder]) {
    const { linears, norms } = parts(layer);
    for (const l of [...linears.map((x) => x.w), ...linears.map((x) => x.b), ...norms.map((x) => x.gamma), ...norms.map((x) => x.beta)]) r(l);
  }
  if (style === 'opus') r(w.positions);
  else w.positions = sinusoidalPositions(dims.maxPositions, dims.dModel);

  const t: NamedTensor[] = [];
  const add = (name: string, shape: number[], data: Float32Array) => t.push({ name, shape, data });
  const d = dims.dModel;
  const linear = (name: string, l: Linear) => (add(`${name}.weight`, [l.outDim, l.inDim], transpose(l)), add(`${name}.bias`, [l.outDim], l.b));
  const norm = (name: string, l: { gamma: Float32Array; beta: Float32Array }) => (add(`${name}.weight`, [d], l.gamma), add(`${name}.bias`, [d], l.beta));
  const attn = (name: string, a: MarianWeights['encoder'][number]['selfAttn']) => {
    linear(`${name}.k_proj`, a.k);
    linear(`${name}.v_proj`, a.v);
    linear(`${name}.q_proj`, a.q);
    linear(`${name}.out_proj`, a.o);
  };
  add('final_logits_bias', [1, n], w.finalLogitsBias);
  if (style === 'separate') {
    add('model.encoder.embed_tokens.weight', [n, d], w.embeddings);
    add('model.decoder.embed_tokens.weight', [n, d], w.decoderEmbeddings!);
  } else add('model.shared.weight', [n, d], w.embeddings);
  if (style === 'opus') add('model.encoder.embed_positions.weight', [dims.maxPositions, d], w.positions);
  w.encoder.forEach((l, i) => {
    const p = `model.encoder.layers.${i}`;
    attn(`${p}.self_attn`, l.selfAttn);
    norm(`${p}.self_attn_layer_norm`, l.selfAttnNorm);
    linear(`${p}.fc1`, l.fc1);
    linear(`${p}.fc2`, l.fc2);
    norm(`${p}.final_layer_norm`, l.finalNorm);
  });
  if (style === 'opus') add('model.decoder.embed_positions.weight', [dims.maxPositions, d], w.positions);
  w.decoder.forEach((l, i) => {
    const p = `model.decoder.layers.${i}`;
    attn(`${p}.self_attn`, l.selfAttn);
    norm(`${p}.self_attn_layer_norm`, l.selfAttnNorm);
    attn(`${p}.encoder_attn`, l.crossAttn);
    norm(`${p}.encoder_attn_layer_norm`, l.crossAttnNorm);
    linear(`${p}.fc1`, l.fc1);
    linear(`${p}.fc2`, l.fc2);
    norm(`${p}.final_layer_norm`, l.finalNorm);
  });
  writeFile(path.join(dir, 'model.safetensors'), safetensorsBytes(t, dtype === 'F32' ? 'F32' : dtype));
  // The .bin has every tied name, sharing one storage, as torch.save writes a state_dict.
  const bin = [...t];
  const tied: Record<string, string> = {};
  if (style === 'separate') {
    bin.push({ name: 'lm_head.weight', shape: [n, d], data: w.decoderEmbeddings! });
    tied['lm_head.weight'] = 'model.decoder.embed_tokens.weight';
  } else {
    for (const name of ['model.encoder.embed_tokens.weight', 'model.decoder.embed_tokens.weight', 'lm_head.weight']) {
      bin.push({ name, shape: [n, d], data: w.embeddings });
      tied[name] = 'model.shared.weight';
    }
  }
  writeFile(path.join(dir, 'pytorch_model.bin'), torchBinBytes(bin, dtype, tied));

  const spm = [{ piece: '<unk>', score: 0, type: 2 }, { piece: '<s>', score: 0, type: 3 }, { piece: '</s>', score: 0, type: 3 }, ...pieces.slice(2, n - 1).map(([piece, score]) => ({ piece, score }))];
  writeFile(path.join(dir, 'source.spm'), sentencePieceBytes(spm));
  writeFile(path.join(dir, 'target.spm'), sentencePieceBytes(spm));
  writeFile(path.join(dir, 'vocab.json'), JSON.stringify(Object.fromEntries(pieces.map(([p], i) => [p, idOf[i]!]))));
  const config = {
    activation_function: activation,
    architectures: ['MarianMTModel'],
    bad_words_ids: [[padId]],
    bos_token_id: 0,
    d_model: d,
    decoder_attention_heads: 4,
    decoder_ffn_dim: size.ffnDim,
    decoder_layers: size.layers,
    decoder_start_token_id: padId,
    decoder_vocab_size: n,
    encoder_attention_heads: 4,
    encoder_ffn_dim: size.ffnDim,
    encoder_layers: size.layers,
    eos_token_id: eosId,
    forced_eos_token_id: eosId,
    is_encoder_decoder: true,
    max_length: 512,
    max_position_embeddings: dims.maxPositions,
    model_type: 'marian',
    num_beams: 4,
    num_hidden_layers: size.layers,
    pad_token_id: padId,
    scale_embedding: true,
    share_encoder_decoder_embeddings: style !== 'separate',
    static_position_embeddings: true,
    torch_dtype: dtype === 'F32' ? 'float32' : dtype === 'F16' ? 'float16' : 'bfloat16',
    vocab_size: n,
  };
  writeFile(path.join(dir, 'config.json'), JSON.stringify(config, null, 2));
  writeFile(path.join(dir, 'tokenizer_config.json'), JSON.stringify({ eos_token: '</s>', unk_token: '<unk>', pad_token: '<pad>', model_max_length: 512, separate_vocabs: false, source_lang: 'da', target_lang: 'en', tokenizer_class: 'MarianTokenizer' }));
  return { dir, dims, weights: w, idOf, pieces };
}
