import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Da2enError, interruptedError } from '../errors.js';
import { makeDirectories } from '../io/make-directories.js';
import { nameBeside } from '../io/name-beside.js';
import { trackTemp } from '../io/temp-registry.js';
import { siblingModule, startWorkerModule } from '../process/spawn-worker.js';
import type { ConversionMessage } from './convert-worker.js';
import { CheckpointError } from './errors.js';
import { checkOutputFolder, swapIntoPlace } from './output-folder.js';
import type { ConversionJob, ConvertDtype, WrittenConversion } from './write-conversion.js';
import type { MarianCheckpointConfig } from './marian-config.js';

export { CHECKPOINT_FILES } from './checkpoint-files.js';
export type { ConvertDtype } from './write-conversion.js';

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
  /**
   * Stops the conversion (Ctrl-C): it ends at once, whatever step it is in, its temporary folder
   * is removed and `outDir` is left as it was; rejects with a Da2enError of kind 'interrupted'.
   */
  signal?: AbortSignal;
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

/** A failure posted by the worker, rebuilt: a Da2enError (a CheckpointError) of its kind, or an Error with its system code. */
function rebuilt(failed: Extract<ConversionMessage, { failed: unknown }>['failed']): Error {
  if (failed.kind === 'model-corrupt' && failed.name.endsWith('CheckpointError')) return new CheckpointError(failed.message);
  if (failed.kind !== undefined) return new Da2enError(failed.kind, failed.message, { settings: failed.settings ?? [] });
  return Object.assign(new Error(failed.message), { name: failed.name }, failed.code !== undefined ? { code: failed.code } : {});
}

/**
 * Runs the conversion's work (write-conversion.ts) in a worker thread. Its steps are long
 * synchronous stretches (widening, quantizing, serializing a 56M-entry embedding table takes
 * seconds each, ONNX serialization of a transformer-big decoder ~10 s on a loaded machine), which
 * on this thread would hold a stop signal until the conversion ended: a stop terminates the
 * worker mid-step instead.
 */
function inWorker(job: ConversionJob, onStage: ((stage: string) => void) | undefined, signal: AbortSignal | undefined): Promise<WrittenConversion> {
  return new Promise((resolve, reject) => {
    const worker = startWorkerModule(siblingModule('convert-worker', import.meta.url), { workerData: job });
    let settled = false;
    const settle = (end: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      end();
    };
    const onAbort = () => settle(() => void worker.terminate().finally(() => reject(interruptedError(signal!.reason, 'the conversion'))));
    worker.on('message', (m: ConversionMessage) => {
      if ('stage' in m) onStage?.(m.stage);
      else if ('done' in m) settle(() => resolve(m.done));
      else settle(() => reject(rebuilt(m.failed)));
    });
    worker.once('error', (err) => settle(() => reject(err)));
    worker.once('exit', (code) => settle(() => reject(new Error(`the conversion's worker thread ended (exit code ${code}) before it finished`))));
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Converts a Hugging Face MarianMTModel checkpoint (the layout Helsinki-NLP publishes) into the
 * Transformers.js layout: config, generation config, tokenizer.json, and the encoder and merged
 * decoder ONNX graphs (fp32 and/or their int8 `_quantized` twins). Written into a temporary
 * folder beside `outDir` and swapped into place, so a failed or stopped conversion leaves nothing
 * half-done; an existing `outDir` is replaced only when it holds a model da2en converted
 * (output-folder.ts).
 */
export async function convertCheckpoint(req: ConvertRequest): Promise<ConvertReport> {
  const started = performance.now();
  const dir = req.checkpointDir;
  const dtypes = req.dtypes ?? ['q8'];
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CheckpointError(`checkpoint folder ${dir} does not exist or is not a folder`);
  const mergeInto = req.merge === true && existsSync(path.join(req.outDir, 'config.json'));
  // Checked before the work, and again just before the swap (the folder may have changed meanwhile).
  checkOutputFolder(dir, req.outDir, !mergeInto);

  const tmp = nameBeside(path.resolve(req.outDir), `.converting-${process.pid}`);
  // An exit that cannot wait for the clean stop (a second Ctrl-C) removes it too.
  const untrack = trackTemp(() => rmSync(tmp, { recursive: true, force: true }));
  let written: WrittenConversion;
  try {
    written = await inWorker({ checkpointDir: dir, tmp, dtypes, weights: req.weights ?? 'auto', quantization: req.quantization ?? 'per-tensor' }, req.onStage, req.signal);
    // The last moment a stop leaves `outDir` as it was.
    if (req.signal?.aborted) throw interruptedError(req.signal.reason, 'the conversion');
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
  } finally {
    untrack();
  }

  const files: ConvertReport['files'] = [];
  for (const f of ['config.json', 'generation_config.json', 'tokenizer_config.json', 'tokenizer.json', ...readdirSync(path.join(req.outDir, 'onnx')).sort().map((f) => `onnx/${f}`)]) {
    files.push({ file: f, bytes: (await stat(path.join(req.outDir, f))).size });
  }
  return { dir: req.outDir, ...written, files, seconds: (performance.now() - started) / 1000 };
}
