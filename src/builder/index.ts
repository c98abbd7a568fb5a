import { existsSync, readdirSync, statSync } from 'node:fs';
import { rm, writeFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { buildDecoder } from './marian/decoder.js';
import type { MarianDims } from './marian/dims.js';
import { buildEncoder } from './marian/encoder.js';
import { echoWeights } from './marian/echo-weights.js';
import { randomWeights } from './marian/weights.js';
import { quantizeDynamic } from './onnx/quantize.js';
import { serializeModel } from './onnx/serialize.js';
import { PRESETS, isPresetName, type PresetName } from './presets.js';
import { tokenizerConfigJson, tokenizerJson } from './tokenizer/tokenizer-json.js';
import { buildVocabulary } from './tokenizer/vocab.js';
import { makeDirectories } from '../io/make-directories.js';
import { isWithin } from '../io/same-file.js';
import { foreignEntry } from '../model-folder-names.js';

export { PRESETS, isPresetName, type PresetName } from './presets.js';

export interface BuildRequest {
  preset: PresetName;
  outDir: string;
  seed?: number;
}

export interface BuildReport {
  preset: PresetName;
  dir: string;
  seed: number;
  vocabSize: number;
  wordLists: string[];
  /** Anything the caller should know about the build, e.g. a missing word list. */
  notes: string[];
  files: { file: string; bytes: number }[];
  seconds: number;
}

/** The tiny preset's vocabulary stops growing here (its word list supports about this many pieces). */
const TINY_MAX_VOCAB = 2000;

/** config.json as Helsinki-NLP/opus-mt-da-en has it, with this model's dimensions. */
function configJson(d: MarianDims): object {
  return {
    _name_or_path: 'da2en-builder',
    activation_dropout: 0,
    activation_function: d.activation ?? 'swish',
    add_bias_logits: false,
    add_final_layer_norm: false,
    architectures: ['MarianMTModel'],
    attention_dropout: 0,
    bad_words_ids: [[d.padId]],
    bos_token_id: d.eosId,
    d_model: d.dModel,
    decoder_attention_heads: d.heads,
    decoder_ffn_dim: d.ffnDim,
    decoder_layers: d.decoderLayers,
    decoder_start_token_id: d.padId,
    decoder_vocab_size: d.vocabSize,
    dropout: 0.1,
    encoder_attention_heads: d.heads,
    encoder_ffn_dim: d.ffnDim,
    encoder_layers: d.encoderLayers,
    eos_token_id: d.eosId,
    forced_eos_token_id: d.eosId,
    init_std: 0.02,
    is_encoder_decoder: true,
    max_length: 512,
    max_position_embeddings: d.maxPositions,
    model_type: 'marian',
    normalize_before: false,
    normalize_embedding: false,
    num_beams: d.dModel >= 1024 ? 4 : 6,
    num_hidden_layers: d.encoderLayers,
    pad_token_id: d.padId,
    scale_embedding: true,
    share_encoder_decoder_embeddings: true,
    static_position_embeddings: true,
    use_cache: true,
    vocab_size: d.vocabSize,
  };
}

function generationConfigJson(d: MarianDims): object {
  return {
    bad_words_ids: [[d.padId]],
    bos_token_id: d.eosId,
    decoder_start_token_id: d.padId,
    eos_token_id: d.eosId,
    forced_eos_token_id: d.eosId,
    max_length: 512,
    num_beams: 6,
    pad_token_id: d.padId,
  };
}

/**
 * Why `seed` cannot be a build's seed, or undefined when it can. The weights' generator takes a
 * uint32 (rng.ts): anything else was truncated silently, so 1.5 built seed 1's model, 2^32 seed 0's,
 * and "--seed abc" (NaN) seed 0's while the report said "seed NaN".
 */
export function seedProblem(seed: number): string | undefined {
  return Number.isInteger(seed) && seed >= 0 && seed <= 0xffff_ffff ? undefined : `--seed must be a whole number from 0 to 4294967295 (got ${String(seed)})`;
}

/** Writes a Marian model directory that Transformers.js loads like Xenova/opus-mt-da-en. */
export async function buildModel(req: BuildRequest): Promise<BuildReport> {
  if (!isPresetName(req.preset)) throw new Error(`unknown preset "${req.preset}"; choose ${Object.keys(PRESETS).join(' or ')}`);
  const started = performance.now();
  const preset = PRESETS[req.preset];
  const seed = req.seed ?? 1;
  const badSeed = seedProblem(seed);
  if (badSeed) throw new Error(badSeed);
  const vocab = buildVocabulary({ source: preset.systemWords ? 'system' : 'tiny', ...(preset.vocabSize === null ? { maxSize: TINY_MAX_VOCAB } : { size: preset.vocabSize }) });
  const vocabSize = vocab.pieces.length;
  if (preset.vocabSize !== null && vocabSize !== preset.vocabSize) throw new Error(`vocabulary has ${vocabSize} pieces, expected ${preset.vocabSize}`);
  const dims: MarianDims = { ...preset.dims, vocabSize, padId: vocabSize - 1 };

  // Replace an earlier build, but never wipe a directory that is something else: a config.json
  // alone is no sign (a Hugging Face checkpoint or a project folder has one too).
  if (existsSync(req.outDir)) {
    if (!statSync(req.outDir).isDirectory()) throw new Error(`refusing to replace ${req.outDir}: it is not a folder`);
    // Removing the current folder fails half-way (EINVAL on "."), or leaves the shell in a removed folder.
    const out = path.resolve(req.outDir);
    if (isWithin(out, process.cwd())) {
      throw new Error(`refusing to replace ${req.outDir}: it ${out === process.cwd() ? 'is' : 'holds'} the current folder; run the command from outside it`);
    }
    const foreign = readdirSync(req.outDir).length > 0 ? foreignEntry(req.outDir) : undefined;
    if (foreign !== undefined) throw new Error(`refusing to replace ${req.outDir}: it is not empty and is not a model da2en wrote (it holds ${foreign}); choose another folder or empty it first`);
  }
  await rm(req.outDir, { recursive: true, force: true });
  makeDirectories(path.join(req.outDir, 'onnx'));
  const json = (v: object) => JSON.stringify(v, null, 2) + '\n';
  await writeFile(path.join(req.outDir, 'config.json'), json(configJson(dims)));
  await writeFile(path.join(req.outDir, 'generation_config.json'), json(generationConfigJson(dims)));
  await writeFile(path.join(req.outDir, 'tokenizer_config.json'), json(tokenizerConfigJson()));
  await writeFile(path.join(req.outDir, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocab)));

  const weights = preset.weights === 'echo' ? echoWeights(dims, seed) : randomWeights(dims, seed, preset.initStd);
  // One graph at a time: the full-size fp32 decoder alone is ~220 MB of protobuf.
  for (const [name, make] of [['encoder_model', buildEncoder], ['decoder_model_merged', buildDecoder]] as const) {
    const model = make(dims, weights);
    await writeFile(path.join(req.outDir, 'onnx', `${name}.onnx`), serializeModel(model));
    await writeFile(path.join(req.outDir, 'onnx', `${name}_quantized.onnx`), serializeModel(quantizeDynamic(model)));
  }

  const files: BuildReport['files'] = [];
  for (const file of ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/encoder_model.onnx', 'onnx/decoder_model_merged.onnx', 'onnx/encoder_model_quantized.onnx', 'onnx/decoder_model_merged_quantized.onnx']) {
    files.push({ file, bytes: (await stat(path.join(req.outDir, file))).size });
  }
  return { preset: req.preset, dir: req.outDir, seed, vocabSize, wordLists: vocab.wordLists, notes: vocab.notes, files, seconds: (performance.now() - started) / 1000 };
}
