/**
 * What a Marian model directory (the Transformers.js / Optimum layout) holds, read through public
 * APIs only: the JSON files by us, the tokenizer by Transformers.js' own tokenizer class (loaded
 * without the native modules a tokenizer never uses: tokenizer-library.ts), and the .onnx files left
 * as paths for ONNX Runtime to open itself (never streamed through JavaScript).
 */
import path from 'node:path';
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import { keepCompiledCode, tokenizerLibrary, type TransformersLibrary } from './tokenizer-library.js';
import type { Dtype } from './dtype.js';
import { modelFile } from './model-store/model-files.js';
import { readJson, readModelConfig, type ModelConfig } from './model-config.js';
import { checkTokenizerPatterns } from './tokenizer-patterns.js';

export { readModelConfig, type GenerationSettings, type MarianConfig, type ModelConfig } from './model-config.js';

type Json = Record<string, unknown>;

export interface ModelDirectory extends ModelConfig {
  dir: string;
  tokenizer: PreTrainedTokenizer;
  encoderPath: string;
  decoderPath: string;
}

/**
 * Transformers.js' class for `tokenizer_class` (MarianTokenizer for every Opus-MT export). Its
 * constructor warns once per load that Marian is "not yet supported" by the fast tokenizers library
 * (true of the Rust library, irrelevant here); the log level is lowered for that synchronous
 * construction only and restored before anything else can run.
 */
function makeTokenizer(library: TransformersLibrary, tokenizerJson: Json, tokenizerConfig: Json): PreTrainedTokenizer {
  const { LogLevel, MarianTokenizer, PreTrainedTokenizer, env } = library;
  const name = String(tokenizerConfig['tokenizer_class'] ?? 'MarianTokenizer').replace(/Fast$/, '');
  const known: Record<string, typeof PreTrainedTokenizer> = { MarianTokenizer, PreTrainedTokenizer };
  const Tokenizer = known[name] ?? MarianTokenizer;
  const previous = env.logLevel;
  env.logLevel = LogLevel.ERROR;
  try {
    return new Tokenizer(tokenizerJson, tokenizerConfig);
  } finally {
    env.logLevel = previous;
  }
}

/** The tokenizer from tokenizer.json + tokenizer_config.json. */
export async function loadTokenizer(dir: string): Promise<PreTrainedTokenizer> {
  // The files are read while the library loads (its require holds the thread, the reads do not).
  const files = Promise.all([readJson(dir, 'tokenizer.json'), readJson(dir, 'tokenizer_config.json')]);
  files.catch(() => undefined); // awaited below
  const library = await tokenizerLibrary();
  const [tokenizerJson, tokenizerConfig] = await files;
  // Before the tokenizer is made: what it compiles from the file then runs on every text.
  checkTokenizerPatterns(tokenizerJson);
  const tokenizer = makeTokenizer(library, tokenizerJson, tokenizerConfig);
  keepCompiledCode();
  return tokenizer;
}

export async function readModelDirectory(dir: string, dtype: Dtype): Promise<ModelDirectory> {
  const [model, tokenizer] = await Promise.all([readModelConfig(dir), loadTokenizer(dir)]);
  return {
    dir,
    ...model,
    config: { ...model.config, unkId: tokenizer.unk_token_id ?? model.config.unkId },
    tokenizer,
    encoderPath: path.join(dir, modelFile('encoder', dtype)),
    decoderPath: path.join(dir, modelFile('decoder', dtype)),
  };
}
