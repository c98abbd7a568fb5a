import { existsSync, readdirSync, statSync } from 'node:fs';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildDecoder } from '../builder/marian/decoder.js';
import type { MarianDims } from '../builder/marian/dims.js';
import { buildEncoder } from '../builder/marian/encoder.js';
import type { Model } from '../builder/onnx/ir.js';
import { quantizeDynamic } from '../builder/onnx/quantize.js';
import { serializeModel } from '../builder/onnx/serialize.js';
import { readSmallFile, SMALL_FILE_LIMITS } from './checkpoint-file.js';
import { readMarianWeights } from './checkpoint-weights.js';
import { checkOutputFolder, swapIntoPlace } from './output-folder.js';
import { CheckpointError } from './errors.js';

export { CHECKPOINT_FILES } from './checkpoint-files.js';
import { readMarianConfig, type MarianCheckpointConfig } from './marian-config.js';
import { marianTokenizerJson, type MarianSpecialTokens } from './tokenizer/marian-tokenizer-json.js';
import { parseSentencePieceModel } from './tokenizer/sentencepiece-model.js';
import { PytorchBinFile } from './weights/pytorch-bin.js';
import { SafetensorsFile } from './weights/safetensors.js';
import type { TensorSource } from './weights/tensor.js';
import { makeDirectories } from '../io/make-directories.js';

export type ConvertDtype = 'fp32' | 'q8';

export interface ConvertRequest {
  /** A Hugging Face MarianMTModel checkpoint: config.json, vocab.json, source.spm, weights. */
  checkpointDir: string;
  outDir: string;
  dtypes?: ConvertDtype[];
  /** Which weights file to read; 'auto' prefers model.safetensors, as the hub's loaders do. */
  weights?: 'auto' | 'safetensors' | 'bin';
  /** int8 weight scales: one per tensor (default, as ORT's quantize_dynamic and the published exports) or one per output channel. */
  quantization?: 'per-channel' | 'per-tensor';
  /**
   * Keep what `outDir` already holds and replace only the files this conversion writes (adding
   * fp32 to a q8 conversion). Without it, `outDir` is replaced as a whole, and only when it is
   * empty or holds a model da2en converted.
   */
  merge?: boolean;
  /** Called at each stage ("reading weights", "encoder fp32", …). */
  onStage?: (stage: string) => void;
}

export interface ConvertReport {
  dir: string;
  weightsFile: string;
  config: MarianCheckpointConfig;
  special: { eos: number; unk: number; pad: number; decoderStart: number };
  notes: string[];
  files: { file: string; bytes: number }[];
  seconds: number;
}


type Json = Record<string, unknown>;

async function readJson(file: string, required: boolean, limit: number = SMALL_FILE_LIMITS.json): Promise<Json | undefined> {
  let text: string;
  try {
    text = (await readSmallFile(file, limit)).toString('utf8');
  } catch (err) {
    if (!required && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (err instanceof CheckpointError) throw err;
    throw new CheckpointError(`cannot read ${path.basename(file)} in ${path.dirname(file)}: ${(err as Error).message}`, { cause: err });
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

export async function openWeights(dir: string, which: ConvertRequest['weights'] = 'auto'): Promise<TensorSource> {
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
 * Converts a Hugging Face MarianMTModel checkpoint (the layout Helsinki-NLP publishes) into the
 * Transformers.js layout: config, generation config, tokenizer.json, and the encoder and merged
 * decoder ONNX graphs (fp32 and/or their int8 `_quantized` twins). Written into a temporary
 * folder beside `outDir` and swapped into place, so a failed conversion leaves nothing half-done;
 * an existing `outDir` is replaced only when it holds a model da2en converted (output-folder.ts).
 */
export async function convertCheckpoint(req: ConvertRequest): Promise<ConvertReport> {
  const started = performance.now();
  const dir = req.checkpointDir;
  const dtypes = req.dtypes ?? ['q8'];
  const stage = req.onStage ?? (() => {});
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CheckpointError(`checkpoint folder ${dir} does not exist or is not a folder`);
  const mergeInto = req.merge === true && existsSync(path.join(req.outDir, 'config.json'));
  // Checked before the work, and again just before the swap (the folder may have changed meanwhile).
  checkOutputFolder(dir, req.outDir, !mergeInto);

  const configJson = (await readJson(path.join(dir, 'config.json'), true))!;
  const cfg = readMarianConfig(configJson);
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
    throw new CheckpointError(`cannot read source.spm in ${dir}: ${(err as Error).message}`, { cause: err });
  }
  const tok = marianTokenizerJson(parseSentencePieceModel(spmBytes, 'source.spm'), vocab, special);
  if (tok.vocabSize !== cfg.vocabSize) throw new CheckpointError(`vocab.json has ${tok.vocabSize} entries but config.json says vocab_size ${cfg.vocabSize}`);
  if (tok.ids.eos !== cfg.eosId) throw new CheckpointError(`config.json says eos_token_id ${cfg.eosId} but vocab.json has ${special.eos} at ${tok.ids.eos}`);
  if (tok.ids.pad !== cfg.padId) throw new CheckpointError(`config.json says pad_token_id ${cfg.padId} but vocab.json has ${special.pad} at ${tok.ids.pad}`);

  stage('reading weights');
  const source = await openWeights(dir, req.weights);
  let weights;
  let weightsReport;
  try {
    ({ weights, report: weightsReport } = await readMarianWeights(source, cfg));
  } finally {
    source.close();
  }

  const tmp = `${path.resolve(req.outDir)}.converting-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  makeDirectories(path.join(tmp, 'onnx'));
  try {
    const json = (v: object) => JSON.stringify(v, null, 2) + '\n';
    await writeFile(path.join(tmp, 'config.json'), json(configJson));
    const gen = (await readJson(path.join(dir, 'generation_config.json'), false)) ?? generationFromConfig(configJson);
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
      if (dtypes.includes('fp32')) await writeFile(path.join(tmp, 'onnx', `${name}.onnx`), serializeModel(model));
      if (dtypes.includes('q8')) {
        stage(`${name} q8`);
        await writeFile(path.join(tmp, 'onnx', `${name}_quantized.onnx`), serializeModel(quantizeDynamic(model, { perChannel: req.quantization === 'per-channel' })));
      }
    }
    const outExists = checkOutputFolder(dir, req.outDir, !mergeInto);
    if (mergeInto) {
      makeDirectories(path.join(req.outDir, 'onnx'));
      for (const f of [...readdirSync(tmp).filter((f) => f !== 'onnx'), ...readdirSync(path.join(tmp, 'onnx')).map((f) => `onnx/${f}`)]) {
        await rename(path.join(tmp, f), path.join(req.outDir, f));
      }
      await rm(tmp, { recursive: true, force: true });
    } else {
      await swapIntoPlace(tmp, req.outDir, outExists);
    }
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }

  const files: ConvertReport['files'] = [];
  for (const f of ['config.json', 'generation_config.json', 'tokenizer_config.json', 'tokenizer.json', ...readdirSync(path.join(req.outDir, 'onnx')).sort().map((f) => `onnx/${f}`)]) {
    files.push({ file: f, bytes: (await stat(path.join(req.outDir, f))).size });
  }
  const dtypeNote = Object.entries(weightsReport.dtypes).map(([k, n]) => `${n} ${k}`).join(', ');
  return {
    dir: req.outDir,
    weightsFile: path.basename(source.file),
    config: cfg,
    special: { ...tok.ids, decoderStart: cfg.decoderStartId },
    notes: [`weights: ${dtypeNote} tensors from ${path.basename(source.file)}`, ...weightsReport.notes],
    files,
    seconds: (performance.now() - started) / 1000,
  };
}
