/**
 * The BeamSearch-wrapped model, made once per model directory and dtype (after download, conversion
 * or build: on first load), verified against the step-by-step loop, and cached beside the model:
 * onnx/da2en_generate(_quantized).onnx, its weights in .onnx.data (external-weights.ts: mapped rather
 * than copied when a session opens), and a stamp naming the source files' sizes and times and the
 * sizes of the model and weights files, so a changed source file (a re-download, a rebuild) makes it
 * again, and a truncated or replaced model or weights file too. Its third line holds the sha256 of the model and its weights as written,
 * checked by `da2en model verify` (cached-copies.ts), not on every load: hashing ~300 MB costs more
 * than most of a start.
 */
import { createHash } from 'node:crypto';
import { lstat, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { replaceFile } from '../../io/replace-file.js';
import { nameBeside } from '../../io/name-beside.js';
import type { BeamSearchSpec } from './beam-search-spec.js';
import type { Dtype } from '../dtype.js';
import { modelFile } from '../model-store/model-files.js';

/** Bump when the wrapping changes: cached files of another version are made again. */
export const WRAPPER_VERSION = 6;

export interface CachedGenerationModel {
  /** The .onnx path (cached) or the bytes (the directory could not be written). */
  source: string | Uint8Array;
  /** True when this call made it (the caller verifies it before use). */
  fresh: boolean;
}

export function generationModelPath(dir: string, dtype: Dtype): string {
  return path.join(dir, 'onnx', `da2en_generate${dtype === 'q8' ? '_quantized' : ''}.onnx`);
}

/**
 * Whether da2en may write its cached files into the model's onnx/ folder: not when that folder is
 * itself a symbolic link (a model folder is untrusted: its link could lead anywhere, and files
 * written through it would land outside the folder the user named). The model is still read
 * through the link; only the caches beside it are not kept.
 */
export async function ownsOnnxFolder(dir: string): Promise<boolean> {
  try {
    const s = await lstat(path.join(dir, 'onnx'));
    return s.isDirectory() && !s.isSymbolicLink();
  } catch {
    return false;
  }
}

/** Its weights, beside it (the model names the file relative to itself). */
export function generationWeightsPath(dir: string, dtype: Dtype): string {
  return `${generationModelPath(dir, dtype)}.data`;
}

/** Its stamp (what it was made from), beside it. */
export function generationStampPath(dir: string, dtype: Dtype): string {
  return `${generationModelPath(dir, dtype)}.json`;
}

async function stampFor(dir: string, dtype: Dtype, spec: BeamSearchSpec): Promise<string> {
  const files = [];
  for (const file of [modelFile('encoder', dtype), modelFile('decoder', dtype), 'config.json', 'generation_config.json']) {
    try {
      const s = await stat(path.join(dir, file));
      files.push({ file, size: s.size, mtimeMs: Math.round(s.mtimeMs) });
    } catch {
      files.push({ file, size: -1 });
    }
  }
  return JSON.stringify({ version: WRAPPER_VERSION, spec, files });
}

/** The sha256 of a cached model file and of its weights file, as they were written. */
export interface CopyHashes {
  model: string;
  data: string;
}

/** The hashes in the wrapped model's stamp; undefined without a stamp, or one made before hashes were recorded. */
export async function generationModelHashes(dir: string, dtype: Dtype): Promise<CopyHashes | undefined> {
  try {
    const line = (await readFile(generationStampPath(dir, dtype), 'utf8')).split('\n')[2];
    const hashes = line ? (JSON.parse(line) as Partial<CopyHashes>) : undefined;
    return typeof hashes?.model === 'string' && typeof hashes.data === 'string' ? (hashes as CopyHashes) : undefined;
  } catch {
    return undefined;
  }
}

/** The sizes of the wrapped model and its weights file as written: each load compares them (the stamp's second line). */
interface WrittenSizes {
  model: number;
  data: number;
}

/** The cached wrapped model's path if it is current (made for these source files), else undefined. */
export async function currentGenerationModel(dir: string, dtype: Dtype, spec: BeamSearchSpec): Promise<string | undefined> {
  const target = generationModelPath(dir, dtype);
  try {
    // The stamp's first line names the sources, its second the sizes of the model and weights files as written.
    const [sources, sizes] = (await readFile(generationStampPath(dir, dtype), 'utf8')).split('\n');
    if (sources !== (await stampFor(dir, dtype, spec))) return undefined;
    const written = JSON.parse(sizes ?? '') as Partial<WrittenSizes>;
    const [model, data] = await Promise.all([stat(target), stat(generationWeightsPath(dir, dtype))]);
    return model.size === written.model && data.size === written.data ? target : undefined;
  } catch {
    // No cached model yet.
  }
  return undefined;
}

/**
 * The cached wrapped model if it is current, else a fresh one (written beside the model when possible);
 * `remake`: a fresh one whatever is cached (the cached one passed the size checks but did not open).
 */
export async function generationModel(dir: string, dtype: Dtype, spec: BeamSearchSpec, remake = false): Promise<CachedGenerationModel> {
  const current = remake ? undefined : await currentGenerationModel(dir, dtype, spec);
  if (current) return { source: current, fresh: false };
  const [encoder, decoder] = await Promise.all([readFile(path.join(dir, modelFile('encoder', dtype))), readFile(path.join(dir, modelFile('decoder', dtype)))]);
  const { wrapBeamSearch } = await import('./beam-search-graph.js');
  const bytes = wrapBeamSearch(encoder, decoder, spec, { encoder: modelFile('encoder', dtype), decoder: modelFile('decoder', dtype) });
  return { source: bytes, fresh: true };
}

/**
 * The name a file of the wrapped model or of its prepared copy is written under before it is renamed
 * into place. It names the writing process: what a process stopped meanwhile leaves behind is removed
 * by a later start (generationTempPid). The converter knows these names as the engine's own
 * (output-folder.ts ENGINE_FILE).
 */
export function generationTempName(file: string, pid = process.pid): string {
  return nameBeside(file, `.tmp-${pid}-${Date.now()}`);
}

/** The process that wrote a temp file named by generationTempName (`name`: the bare file name); undefined for any other name. */
export function generationTempPid(name: string): number | undefined {
  const pid = /^da2en_generate(?:_quantized)?(?:\.prepared)?\.onnx(?:\.data|\.json)?\.tmp-(\d+)-\d+$/.exec(name)?.[1];
  return pid === undefined ? undefined : Number(pid);
}

/** Makes the cached wrapped model not current (its stamp removed), so that no later load opens it. */
export async function discardGenerationModel(dir: string, dtype: Dtype): Promise<void> {
  if (await ownsOnnxFolder(dir)) await rm(generationStampPath(dir, dtype), { force: true }).catch(() => undefined);
}

/**
 * Writes a verified wrapped model, its weights and its stamp (each replaced whole, the stamp last:
 * replaceFile, so a link at any of those names is replaced, never written through); false if the
 * directory is read-only.
 */
export async function storeGenerationModel(dir: string, dtype: Dtype, spec: BeamSearchSpec, bytes: Uint8Array): Promise<boolean> {
  if (!(await ownsOnnxFolder(dir))) return false;
  const target = generationModelPath(dir, dtype);
  const weights = generationWeightsPath(dir, dtype);
  const { splitExternalWeights } = await import('./external-weights.js');
  const split = splitExternalWeights(bytes, path.basename(weights));
  const dataHash = createHash('sha256');
  for (const chunk of split.data) dataHash.update(chunk);
  try {
    // Not fsynced: a file cut short by a crash fails the stamp's size check and is made again.
    await replaceFile(weights, split.data, { sync: false, temp: generationTempName(weights) });
    await replaceFile(target, split.model, { sync: false, temp: generationTempName(target) });
    const sha256: CopyHashes = { model: createHash('sha256').update(split.model).digest('hex'), data: dataHash.digest('hex') };
    const sizes: WrittenSizes = { model: split.model.length, data: split.dataBytes };
    const stamp = generationStampPath(dir, dtype);
    await replaceFile(stamp, `${await stampFor(dir, dtype, spec)}\n${JSON.stringify(sizes)}\n${JSON.stringify(sha256)}\n`, { temp: generationTempName(stamp) });
    return true;
  } catch {
    return false;
  }
}
