/**
 * config.json and generation_config.json of a Marian model directory, read as Hugging Face reads
 * them (the generation config first): dimensions and special ids from the files, never constants.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { checkedMaxLength, MIN_MAX_LENGTH, outsideLimit, type MarianLimit } from '../builder/marian/limits.js';

export interface MarianConfig {
  decoderStartId: number;
  eosId: number;
  padId: number;
  unkId: number;
  vocabSize: number;
  layers: number;
  heads: number;
  headDim: number;
  maxPositions: number;
}

/** The generation settings Hugging Face's generate() reads from generation_config.json (then config.json). */
export interface GenerationSettings {
  /** The model's own beam count (Helsinki ships 4–6); 1 when the files say nothing. Not used: da2en is greedy unless asked (README). */
  numBeams: number;
  /**
   * Longest output incl. the decoder start token, as Hugging Face counts it: the outputs' cap (the
   * end token forced at it) and so the longest input (guards.ts). At most the positions.
   */
  maxLength: number;
  /** Token ids never generated (single-token entries of bad_words_ids; Marian's is [[pad]]). */
  badWordIds: number[];
  /** Hugging Face's beam-search early_stopping (false unless the files say true). */
  earlyStopping: boolean;
}

/** config.json and generation_config.json, as the engine needs them. */
export interface ModelConfig {
  config: MarianConfig;
  generation: GenerationSettings;
}

type Json = Record<string, unknown>;

export async function readJson(dir: string, file: string, optional = false): Promise<Json> {
  let text: string;
  try {
    // Read whole, then decoded: readFile's own 'utf8' decodes in chunks, and JSON.parse took
    // 110-120 ms on that string against 80-85 ms on this one for tokenizer.json (2 MB, 3 runs each).
    text = (await readFile(path.join(dir, file))).toString('utf8');
  } catch (err) {
    if (optional && (err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Json;
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message})`, { cause: err });
  }
}

function int(value: unknown): number | undefined {
  if (Array.isArray(value)) return int(value[0]);
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

function required(value: number | undefined, what: string, file: string): number {
  if (value === undefined) throw new Error(`config.json lacks ${what} (read from ${file})`);
  return value;
}

/** Not set: the key is not there, or null (as Hugging Face writes a setting left unset). */
function absent(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

const notMarian = (file: string) => `this is not a Marian model's setting (a damaged or foreign ${file})`;

/**
 * A size of the graphs config.json states (`fallback` where it may leave it out): one there but
 * no whole number, or out of range, is refused as such (was: -2 read as missing, "lacks decoder_layers").
 */
function dimension(c: Json, key: string, limit: MarianLimit, fallback?: number): number {
  const raw = c[key];
  if (absent(raw)) {
    if (fallback === undefined) throw new Error(`config.json lacks ${key}`);
    return fallback;
  }
  const value: unknown = Array.isArray(raw) ? raw[0] : raw;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error(`config.json: ${key} ${JSON.stringify(raw)} is not a whole number; ${notMarian('config.json')}`);
  return bounded(value, key, limit);
}

/** The least max_length da2en runs with (see limits.ts); the rule is shared with `model convert`. */
export { MIN_MAX_LENGTH };

/** A value the graphs are built and fed from: one outside its range is a damaged or foreign file, refused before anything is sized by it. */
function bounded(value: number, key: string, limit: MarianLimit): number {
  const outside = outsideLimit(key, value, limit);
  if (outside) throw new Error(`config.json: ${outside}; ${notMarian('config.json')}`);
  return value;
}

function tokenId(value: number, key: string, vocabSize: number, file: string): number {
  if (value >= vocabSize) throw new Error(`${file}: ${key} ${value} is outside the vocabulary of ${vocabSize}`);
  return value;
}

export async function readModelConfig(dir: string): Promise<ModelConfig> {
  const [c, g] = await Promise.all([readJson(dir, 'config.json'), readJson(dir, 'generation_config.json', true)]);
  // generate() reads the generation config first; the model config is the older home of the same keys.
  const pick = (key: string) => int(g[key]) ?? int(c[key]);
  const dModel = dimension(c, 'd_model', 'd_model');
  const heads = dimension(c, 'decoder_attention_heads', 'attention_heads');
  if (dModel % heads !== 0) throw new Error(`config.json: d_model ${dModel} is not divisible by decoder_attention_heads ${heads}`);
  const vocabSize = dimension(c, absent(c['decoder_vocab_size']) ? 'vocab_size' : 'decoder_vocab_size', 'vocab_size');
  const id = (key: string, value: number | undefined) => (value === undefined ? undefined : tokenId(value, key, vocabSize, int(g[key]) !== undefined ? 'generation_config.json' : 'config.json'));
  const padId = id('pad_token_id', required(pick('pad_token_id'), 'pad_token_id', 'config.json'))!;
  const eosId = id('eos_token_id', required(pick('eos_token_id'), 'eos_token_id', 'config.json'))!;
  const config: MarianConfig = {
    decoderStartId: id('decoder_start_token_id', pick('decoder_start_token_id')) ?? padId,
    eosId,
    padId,
    unkId: tokenId(int(c['unk_token_id']) ?? 1, 'unk_token_id', vocabSize, 'config.json'),
    vocabSize,
    layers: dimension(c, 'decoder_layers', 'layers'),
    heads,
    headDim: dModel / heads,
    maxPositions: dimension(c, 'max_position_embeddings', 'max_position_embeddings', 512),
  };
  const bad = (g['bad_words_ids'] ?? c['bad_words_ids']) as unknown;
  const badWordIds = Array.isArray(bad) ? bad.filter((w): w is number[] => Array.isArray(w) && w.length === 1).map((w) => int(w[0])).filter((v): v is number => v !== undefined) : [];
  const early = g['early_stopping'] ?? c['early_stopping'];
  const generation: GenerationSettings = {
    numBeams: pick('num_beams') ?? 1,
    maxLength: checkedMaxLength(g, c, config.maxPositions),
    // Today's rule, and Marian's configured one: pad is never generated.
    badWordIds: [...new Set([padId, ...badWordIds])],
    earlyStopping: early === true,
  };
  return { config, generation };
}


/**
 * That decoder_model_merged has the key/value cache of `layers` layers (four past_key_values.*
 * inputs each), read from its input names: a config.json that disagrees with its graph would feed
 * inputs the graph lacks, or make graph surgery wait on layers that are not there.
 */
export function checkDecoderLayers(layers: number, decoderInputs: readonly string[], file: string): void {
  const past = decoderInputs.filter((name) => name.startsWith('past_key_values.')).length;
  if (past !== 4 * layers) throw new Error(`config.json says decoder_layers ${layers} but ${file} has ${past} past_key_values inputs (${past / 4} layers); config.json does not belong to this model`);
}
