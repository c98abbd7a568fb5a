/**
 * The conversion's work proper: reads a checkpoint and writes the converted model's files into a
 * temporary folder. Seconds to minutes of CPU in long synchronous stretches (float16 widening,
 * quantization, ONNX serialization of ~1 GB), so it runs in a worker thread (convert-worker.ts)
 * that a stop can end at once; putting the folder in place is convert.ts's business.
 */
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildDecoder } from '../builder/marian/decoder.js';
import type { MarianDims } from '../builder/marian/dims.js';
import { checkedMaxLength } from '../builder/marian/limits.js';
import { buildEncoder } from '../builder/marian/encoder.js';
import type { Model } from '../builder/onnx/ir.js';
import { quantizeDynamic } from '../builder/onnx/quantize.js';
import { writeModel } from '../builder/onnx/serialize.js';
import { makeDirectories } from '../io/make-directories.js';
import { readSmallFile, SMALL_FILE_LIMITS } from './checkpoint-file.js';
import { readMarianWeights } from './checkpoint-weights.js';
import { CheckpointError } from './errors.js';
import { readMarianConfig, type MarianCheckpointConfig } from './marian-config.js';
import { marianTokenizerJson, type MarianSpecialTokens } from './tokenizer/marian-tokenizer-json.js';
import { parseSentencePieceModel } from './tokenizer/sentencepiece-model.js';
import { PytorchBinFile } from './weights/pytorch-bin.js';
import { SafetensorsFile } from './weights/safetensors.js';
import type { TensorSource } from './weights/tensor.js';

export type ConvertDtype = 'fp32' | 'q8';

/** What the conversion needs: plain data, as a worker thread receives it. */
export interface ConversionJob {
  checkpointDir: string;
  /** The temporary folder the model's files are written into (replaced if it exists). */
  tmp: string;
  dtypes: ConvertDtype[];
  weights: 'auto' | 'safetensors' | 'bin';
  quantization: 'per-channel' | 'per-tensor';
}

/** What the conversion found, for the report. */
export interface WrittenConversion {
  weightsFile: string;
  config: MarianCheckpointConfig;
  special: { eos: number; unk: number; pad: number; decoderStart: number };
  notes: string[];
}

type Json = Record<string, unknown>;

/**
 * A checkpoint file that could not be read, in one line: a missing one says what a checkpoint folder
 * holds (was the system's "ENOENT: no such file or directory, open '…'").
 */
function unreadable(file: string, err: unknown): CheckpointError {
  const name = path.basename(file);
  const dir = path.dirname(file);
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
    return new CheckpointError(`${dir} has no ${name}; a MarianMTModel checkpoint folder holds config.json, vocab.json, source.spm and model.safetensors or pytorch_model.bin`, { cause: err });
  }
  return new CheckpointError(`cannot read ${name} in ${dir}: ${(err as Error).message}`, { cause: err });
}

async function readJson(file: string, required: boolean, limit: number = SMALL_FILE_LIMITS.json): Promise<Json | undefined> {
  let text: string;
  try {
    text = (await readSmallFile(file, limit)).toString('utf8');
  } catch (err) {
    if (!required && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (err instanceof CheckpointError) throw err;
    throw unreadable(file, err);
  }
  try {
    const v = JSON.parse(text) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not a JSON object');
    return v as Json;
  } catch (err) {
    throw new CheckpointError(`${path.basename(file)} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}

/** A token setting in tokenizer_config.json is a string or an AddedToken object. */
function tokenString(v: unknown, fallback: string): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return fallback;
}

export async function openWeights(dir: string, which: ConversionJob['weights'] = 'auto'): Promise<TensorSource> {
  const st = path.join(dir, 'model.safetensors');
  const bin = path.join(dir, 'pytorch_model.bin');
  if (which === 'safetensors' || (which === 'auto' && existsSync(st))) return new SafetensorsFile(st);
  if (which === 'bin' || (which === 'auto' && existsSync(bin))) return PytorchBinFile.open(bin);
  throw new CheckpointError(`${dir} has no weights (model.safetensors or pytorch_model.bin)`);
}

/** generation_config.json as transformers derives it from config.json when a checkpoint has none. */
function generationFromConfig(config: Json): Json {
  const out: Json = { _from_model_config: true };
  for (const k of ['bad_words_ids', 'bos_token_id', 'decoder_start_token_id', 'eos_token_id', 'forced_eos_token_id', 'max_length', 'num_beams', 'pad_token_id']) {
    if (config[k] !== undefined) out[k] = config[k];
  }
  return out;
}

/**
 * Reads the checkpoint in `job.checkpointDir` and writes config, generation config, tokenizer
 * files and the ONNX graphs into `job.tmp`. The caller removes `job.tmp` when this fails.
 */
export async function writeConversion(job: ConversionJob, stage: (stage: string) => void): Promise<WrittenConversion> {
  const dir = job.checkpointDir;
  const dtypes = job.dtypes;
  const tmp = job.tmp;
  const configJson = (await readJson(path.join(dir, 'config.json'), true))!;
  const cfg = readMarianConfig(configJson);
  const genJson = await readJson(path.join(dir, 'generation_config.json'), false);
  // A max_length the engine would refuse (below 10, or no whole number) is refused before the weights
  // are read, naming the file it is in (the generation config written from config.json has it too).
  try {
    checkedMaxLength(genJson ?? {}, configJson, cfg.maxPositions);
  } catch (err) {
    throw new CheckpointError((err as Error).message, { cause: err });
  }
  const gen = genJson ?? generationFromConfig(configJson);
  const tokCfg = (await readJson(path.join(dir, 'tokenizer_config.json'), false)) ?? {};
  const specialMap = (await readJson(path.join(dir, 'special_tokens_map.json'), false)) ?? {};
  if (tokCfg['separate_vocabs'] === true) throw new CheckpointError('tokenizer_config.json: separate source and target vocabularies (separate_vocabs) are not supported');
  const special: MarianSpecialTokens = {
    eos: tokenString(tokCfg['eos_token'] ?? specialMap['eos_token'], '</s>'),
    unk: tokenString(tokCfg['unk_token'] ?? specialMap['unk_token'], '<unk>'),
    pad: tokenString(tokCfg['pad_token'] ?? specialMap['pad_token'], '<pad>'),
  };
  const vocab = (await readJson(path.join(dir, 'vocab.json'), true, SMALL_FILE_LIMITS.vocabulary)) as Record<string, number>;
  let spmBytes: Buffer;
  try {
    spmBytes = await readSmallFile(path.join(dir, 'source.spm'), SMALL_FILE_LIMITS.vocabulary);
  } catch (err) {
    if (err instanceof CheckpointError) throw err;
    throw unreadable(path.join(dir, 'source.spm'), err);
  }
  const tok = marianTokenizerJson(parseSentencePieceModel(spmBytes, 'source.spm'), vocab, special);
  if (tok.vocabSize !== cfg.vocabSize) throw new CheckpointError(`vocab.json has ${tok.vocabSize} entries but config.json says vocab_size ${cfg.vocabSize}`);
  if (tok.ids.eos !== cfg.eosId) throw new CheckpointError(`config.json says eos_token_id ${cfg.eosId} but vocab.json has ${special.eos} at ${tok.ids.eos}`);
  if (tok.ids.pad !== cfg.padId) throw new CheckpointError(`config.json says pad_token_id ${cfg.padId} but vocab.json has ${special.pad} at ${tok.ids.pad}`);

  stage('reading weights');
  const source = await openWeights(dir, job.weights);
  let weights;
  let weightsReport;
  try {
    ({ weights, report: weightsReport } = await readMarianWeights(source, cfg));
  } finally {
    source.close();
  }

  await rm(tmp, { recursive: true, force: true });
  makeDirectories(path.join(tmp, 'onnx'));
  const json = (v: object) => JSON.stringify(v, null, 2) + '\n';
  await writeFile(path.join(tmp, 'config.json'), json(configJson));
  await writeFile(path.join(tmp, 'generation_config.json'), json(gen));
  await writeFile(path.join(tmp, 'tokenizer_config.json'), json({ tokenizer_class: 'MarianTokenizer', ...tokCfg, eos_token: special.eos, unk_token: special.unk, pad_token: special.pad }));
  await writeFile(path.join(tmp, 'tokenizer.json'), JSON.stringify(tok.json));

  const base: MarianDims = {
    vocabSize: cfg.vocabSize,
    dModel: cfg.dModel,
    encoderLayers: cfg.encoderLayers,
    decoderLayers: cfg.decoderLayers,
    heads: cfg.encoderHeads,
    ffnDim: cfg.encoderFfnDim,
    maxPositions: cfg.maxPositions,
    padId: cfg.padId,
    eosId: cfg.eosId,
    unkId: tok.ids.unk,
    activation: cfg.activation,
    scaleEmbedding: cfg.scaleEmbedding,
  };
  const graphs: [string, () => Model][] = [
    ['encoder_model', () => buildEncoder(base, weights)],
    ['decoder_model_merged', () => buildDecoder({ ...base, heads: cfg.decoderHeads, ffnDim: cfg.decoderFfnDim }, weights)],
  ];
  // One graph at a time: a transformer-big decoder is ~1 GB of fp32 protobuf.
  for (const [name, make] of graphs) {
    stage(`${name} fp32`);
    const model = make();
    if (dtypes.includes('fp32')) await writeModel(path.join(tmp, 'onnx', `${name}.onnx`), model);
    if (dtypes.includes('q8')) {
      stage(`${name} q8`);
      await writeModel(path.join(tmp, 'onnx', `${name}_quantized.onnx`), quantizeDynamic(model, { perChannel: job.quantization === 'per-channel' }));
    }
  }
  return {
    weightsFile: path.basename(source.file),
    config: cfg,
    special: { ...tok.ids, decoderStart: cfg.decoderStartId },
    notes: [`weights: ${Object.entries(weightsReport.dtypes).map(([k, n]) => `${n} ${k}`).join(', ')} tensors from ${path.basename(source.file)}`, ...weightsReport.notes],
  };
}
