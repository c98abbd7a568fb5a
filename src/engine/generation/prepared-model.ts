/**
 * The wrapped model as ONNX Runtime itself saves it after optimising it for this machine, its weights
 * prepacked (onnx/da2en_generate(_quantized).prepared.onnx + .onnx.data + .onnx.json, the stamp):
 * a session opens it without optimising the graph or repacking the weights again, which was most of
 * a model process's start (echo-opus-da-en q8: ~1.3 s for the wrapped model, ~0.8 s for this copy).
 *
 * Prepacked weights are laid out by MLAS for this CPU and this ONNX Runtime version, so the stamp
 * names those beside the wrapped model's own stamp and the files' sizes: any of them changed, and the
 * copy is made again. Their sha256 is in the stamp too, for `da2en model verify` (not hashed on every load). A copy that could not be made or did not verify is recorded in the stamp too,
 * so that the same machine does not try again on every start; the wrapped model serves meanwhile.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { access, constants, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import type { Dtype } from '../dtype.js';
import { replaceFile } from '../../io/replace-file.js';
import { sha256File } from '../model-store/manifest.js';
import { generationModelPath, generationStampPath, generationTempName, generationTempPid, ownsOnnxFolder, type CopyHashes } from './generation-model.js';

export function preparedModelPath(dir: string, dtype: Dtype): string {
  return generationModelPath(dir, dtype).replace(/\.onnx$/, '.prepared.onnx');
}

/** Its weights, beside it (the model names the file relative to itself). */
export function preparedWeightsPath(dir: string, dtype: Dtype): string {
  return `${preparedModelPath(dir, dtype)}.data`;
}

export function preparedStampPath(dir: string, dtype: Dtype): string {
  return `${preparedModelPath(dir, dtype)}.json`;
}

/** Temp folders are named after the process making them (a crashed one's are removed later). */
const TEMP_PREFIX = '.prepared-';

let cpuFingerprint: string | undefined;

/** What MLAS chooses its kernels and packing by: the architecture, the CPU model, its feature flags. */
export function machineFingerprint(): string {
  if (cpuFingerprint === undefined) {
    let flags = '';
    if (process.platform === 'linux') {
      try {
        const line = readFileSync('/proc/cpuinfo', 'utf8')
          .split('\n')
          .find((l) => /^(flags|Features)\s*:/.test(l));
        flags = createHash('sha256').update(line ?? '').digest('hex').slice(0, 16);
      } catch {
        // No /proc: the model name has to do.
      }
    }
    cpuFingerprint = [os.arch(), os.cpus()[0]?.model.trim() ?? 'unknown', flags].join(' ');
  }
  return cpuFingerprint;
}

interface MachineKey {
  /** Hash of the wrapped model's stamp (remade wrapped model: new copy). */
  wrapped: string;
  ort: string;
  cpu: string;
}

interface Stamp extends MachineKey {
  /** Sizes of the copy's model and weights files: checked on every load. */
  model?: number;
  data?: number;
  /** Their sha256 when made: checked by `da2en model verify` (cached-copies.ts). */
  sha256?: CopyHashes;
  /** Why no copy could be made for this key. */
  failed?: string;
}

async function machineKey(dir: string, dtype: Dtype): Promise<MachineKey> {
  const wrapped = await readFile(generationStampPath(dir, dtype), 'utf8');
  return { wrapped: createHash('sha256').update(wrapped).digest('hex').slice(0, 32), ort: ort.env.versions.node ?? ort.env.versions.common, cpu: machineFingerprint() };
}

const sameKey = (a: MachineKey, b: MachineKey) => a.wrapped === b.wrapped && a.ort === b.ort && a.cpu === b.cpu;

export type PreparedModelState =
  /** Made and verified on this machine for the current wrapped model: open it. */
  | { state: 'current'; path: string }
  /** Could not be made or verified here, for this wrapped model: use the wrapped model. */
  | { state: 'failed'; reason: string }
  /** Not made for this machine and wrapped model yet (or damaged): make it. */
  | { state: 'missing' }
  /** Missing, and the folder cannot be written: use the wrapped model. */
  | { state: 'unwritable' };

async function writable(folder: string): Promise<boolean> {
  try {
    await access(folder, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The hashes in the prepared copy's stamp; undefined without a copy, or one made before hashes were recorded. */
export async function preparedModelHashes(dir: string, dtype: Dtype): Promise<CopyHashes | undefined> {
  try {
    const stamp = JSON.parse(await readFile(preparedStampPath(dir, dtype), 'utf8')) as Stamp;
    return typeof stamp.sha256?.model === 'string' && typeof stamp.sha256.data === 'string' ? stamp.sha256 : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the prepared copy beside a current wrapped model can be opened, must be made, or is not to be tried. */
export async function preparedModelState(dir: string, dtype: Dtype): Promise<PreparedModelState> {
  const model = preparedModelPath(dir, dtype);
  try {
    const stamp = JSON.parse(await readFile(preparedStampPath(dir, dtype), 'utf8')) as Stamp;
    if (sameKey(stamp, await machineKey(dir, dtype))) {
      if (stamp.failed !== undefined) return { state: 'failed', reason: stamp.failed };
      const [m, d] = await Promise.all([stat(model), stat(preparedWeightsPath(dir, dtype))]);
      if (m.size === stamp.model && d.size === stamp.data) return { state: 'current', path: model };
    }
  } catch {
    // No stamp (or no wrapped stamp, or a file gone): not made yet.
  }
  return (await ownsOnnxFolder(dir)) && (await writable(path.dirname(model))) ? { state: 'missing' } : { state: 'unwritable' };
}

/**
 * Removes what a process that died while making a copy or the wrapped model left in the model's
 * onnx/ folder: its temp folder, its temp files (each holds up to the model's size). Run at every
 * start, not only at one that makes something: a start right after a stop can find the stopped
 * process still alive, and the start after it has nothing to make.
 */
export async function removeAbandonedTemps(dir: string): Promise<void> {
  if (!(await ownsOnnxFolder(dir))) return;
  const folder = path.join(dir, 'onnx');
  for (const name of await readdir(folder).catch(() => [] as string[])) {
    const pid = Number(/^\.prepared-(\d+)-/.exec(name)?.[1] ?? generationTempPid(name));
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') await rm(path.join(folder, name), { recursive: true, force: true });
    }
  }
}

/** A prepared copy being made: ONNX Runtime saves it into a temp folder beside the model, under its final names. */
export interface PreparedCopyInProgress {
  /** The options with which a session of the wrapped model saves the copy while it is created. */
  saveOptions(options: ort.InferenceSession.SessionOptions): ort.InferenceSession.SessionOptions;
  /** Repairs the saved copy (duplicate-initializers.ts); returns its path, to open and verify it. */
  repair(): Promise<string>;
  /** Moves the verified copy into place: weights, model, then the stamp that makes it current. */
  commit(): Promise<void>;
  /** Removes what was written; with a reason, records that this machine could not make it. */
  abandon(reason?: string): Promise<void>;
}

/** Starts making the prepared copy; undefined if the model's folder cannot be written. */
export async function startPreparedCopy(dir: string, dtype: Dtype): Promise<PreparedCopyInProgress | undefined> {
  if (!(await ownsOnnxFolder(dir))) return undefined;
  const finalModel = preparedModelPath(dir, dtype);
  const folder = path.dirname(finalModel);
  let temp: string;
  try {
    temp = await mkdtemp(path.join(folder, `${TEMP_PREFIX}${process.pid}-`));
  } catch {
    return undefined;
  }
  const inTemp = (file: string) => path.join(temp, path.basename(file));
  const files = [preparedWeightsPath(dir, dtype), finalModel, preparedStampPath(dir, dtype)];
  return {
    saveOptions: (options) => ({
      ...options,
      optimizedModelFilePath: inTemp(finalModel),
      extra: {
        ...options.extra,
        session: {
          ...((options.extra?.['session'] as Record<string, string> | undefined) ?? {}),
          // Relative to the saved model's folder: the model names its weights file by this name.
          optimized_model_external_initializers_file_name: path.basename(files[0]!),
          optimized_model_external_initializers_min_size_in_bytes: '1024',
          save_external_prepacked_constant_initializers: '1',
        },
      },
    }),
    async repair() {
      const { dropDuplicateInitializers } = await import('./duplicate-initializers.js');
      const saved = inTemp(finalModel);
      const repaired = dropDuplicateInitializers(await readFile(saved));
      if (repaired.dropped.length > 0) await writeFile(saved, repaired.bytes);
      return saved;
    },
    async commit() {
      const [m, d, model, data] = await Promise.all([stat(inTemp(finalModel)), stat(inTemp(files[0]!)), sha256File(inTemp(finalModel)), sha256File(inTemp(files[0]!))]);
      const stamp: Stamp = { ...(await machineKey(dir, dtype)), model: m.size, data: d.size, sha256: { model, data } };
      await writeFile(inTemp(files[2]!), `${JSON.stringify(stamp)}\n`);
      try {
        // No stamp while the files are swapped: a process starting meanwhile (or after a crash here) makes it again.
        await rm(files[2]!, { force: true });
        for (const file of files) await rename(inTemp(file), file);
      } finally {
        await rm(temp, { recursive: true, force: true });
      }
    },
    async abandon(reason) {
      await rm(temp, { recursive: true, force: true });
      if (reason === undefined) return;
      try {
        const stamp: Stamp = { ...(await machineKey(dir, dtype)), failed: reason.slice(0, 300) };
        // A link at the stamp's name is replaced, never written through.
        await replaceFile(files[2]!, `${JSON.stringify(stamp)}\n`, { temp: generationTempName(files[2]!) });
        // A damaged earlier copy is of no use any more.
        await Promise.all(files.slice(0, 2).map((f) => rm(f, { force: true })));
      } catch {
        // Nothing recorded: the next start tries again.
      }
    },
  };
}
