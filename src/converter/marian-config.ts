import { isActivation, type Activation } from '../builder/marian/dims.js';
import { outsideLimit, type MarianLimit } from '../builder/marian/limits.js';
import { CheckpointError } from './errors.js';

/** What the converter needs from a checkpoint's config.json, checked. */
export interface MarianCheckpointConfig {
  vocabSize: number;
  dModel: number;
  encoderLayers: number;
  decoderLayers: number;
  encoderHeads: number;
  decoderHeads: number;
  encoderFfnDim: number;
  decoderFfnDim: number;
  maxPositions: number;
  activation: Activation;
  scaleEmbedding: boolean;
  sharedEmbeddings: boolean;
  eosId: number;
  padId: number;
  decoderStartId: number;
}

type Json = Record<string, unknown>;

/**
 * Reads config.json of a Hugging Face MarianMTModel. Everything the graphs depend on comes from
 * here (no Opus-MT constants); a setting the graphs cannot express is refused with one line
 * rather than converted into a model that computes something else.
 */
export function readMarianConfig(config: Json, file = 'config.json'): MarianCheckpointConfig {
  const archs = Array.isArray(config['architectures']) ? (config['architectures'] as unknown[]).map(String) : [];
  const type = config['model_type'];
  if (type !== 'marian' || (archs.length > 0 && !archs.includes('MarianMTModel'))) {
    // Name the part that is wrong: a MarianMTModel architecture with another model_type is refused for the model_type.
    const what = archs.length > 0 && !archs.includes('MarianMTModel') ? `architecture ${archs.join(', ')}` : `model_type ${JSON.stringify(type ?? null)}`;
    throw new CheckpointError(`${file}: unsupported ${what}; da2en converts MarianMTModel (Opus-MT) checkpoints`);
  }
  const int = (key: string, fallback?: number): number => {
    const v = config[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new CheckpointError(`${file}: ${key} is ${JSON.stringify(v ?? null)}, expected a non-negative integer`);
    return v;
  };
  const bounded = (key: string, limit: MarianLimit, fallback?: number): number => {
    const v = int(key, fallback);
    const outside = outsideLimit(key, v, limit);
    if (outside) throw new CheckpointError(`${file}: ${outside}; this is not a Marian model's setting (a damaged or foreign config.json)`);
    return v;
  };
  const flag = (key: string, fallback: boolean): boolean => {
    const v = config[key] ?? fallback;
    if (typeof v !== 'boolean') throw new CheckpointError(`${file}: ${key} is ${JSON.stringify(v)}, expected true or false`);
    return v;
  };
  const unsupported = (what: string) => new CheckpointError(`${file}: ${what} is not supported (Opus-MT checkpoints do not use it)`);

  if (flag('normalize_before', false)) throw unsupported('normalize_before (pre-LayerNorm blocks)');
  if (flag('add_final_layer_norm', false)) throw unsupported('add_final_layer_norm');
  if (flag('normalize_embedding', false)) throw unsupported('normalize_embedding');
  if (config['static_position_embeddings'] === false) throw unsupported('learned position embeddings (static_position_embeddings false)');
  if (flag('add_bias_logits', false)) throw unsupported('add_bias_logits');
  const activation = config['activation_function'] ?? 'gelu';
  if (!isActivation(activation)) throw new CheckpointError(`${file}: activation_function ${JSON.stringify(activation)} is not supported (swish, silu, relu, gelu or gelu_new)`);

  const vocabSize = bounded('vocab_size', 'vocab_size');
  const decoderVocab = bounded('decoder_vocab_size', 'vocab_size', vocabSize);
  if (decoderVocab !== vocabSize) throw unsupported(`a separate target vocabulary (decoder_vocab_size ${decoderVocab} ≠ vocab_size ${vocabSize})`);
  const dModel = bounded('d_model', 'd_model');
  const encoderHeads = bounded('encoder_attention_heads', 'attention_heads');
  const decoderHeads = bounded('decoder_attention_heads', 'attention_heads');
  for (const [k, h] of [['encoder_attention_heads', encoderHeads], ['decoder_attention_heads', decoderHeads]] as const) {
    if (dModel % h !== 0) throw new CheckpointError(`${file}: d_model ${dModel} is not divisible by ${k} ${h}`);
  }
  const padId = int('pad_token_id');
  const eosId = int('eos_token_id');
  const decoderStartId = int('decoder_start_token_id', padId);
  for (const [k, id] of [['pad_token_id', padId], ['eos_token_id', eosId], ['decoder_start_token_id', decoderStartId]] as const) {
    if (id >= vocabSize) throw new CheckpointError(`${file}: ${k} ${id} is outside the vocabulary of ${vocabSize}`);
  }
  return {
    vocabSize,
    dModel,
    encoderLayers: bounded('encoder_layers', 'layers'),
    decoderLayers: bounded('decoder_layers', 'layers'),
    encoderHeads,
    decoderHeads,
    encoderFfnDim: bounded('encoder_ffn_dim', 'ffn_dim'),
    decoderFfnDim: bounded('decoder_ffn_dim', 'ffn_dim'),
    maxPositions: bounded('max_position_embeddings', 'max_position_embeddings'),
    activation,
    // MarianConfig's own default is false; every Opus-MT config sets it explicitly.
    scaleEmbedding: flag('scale_embedding', false),
    sharedEmbeddings: flag('share_encoder_decoder_embeddings', true),
    eosId,
    padId,
    decoderStartId,
  };
}
