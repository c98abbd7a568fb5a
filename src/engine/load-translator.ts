import { Da2enError, interruptedError } from '../errors.js';
import { DEFAULT_DTYPE } from './defaults.js';
import { checkBeams } from './check-dtype.js';
import type { Dtype } from './dtype.js';
import type { EngineKind } from './generation/open-generator.js';
import { MarianTranslator, type MarianTranslatorOptions, type ModelStart } from './marian-translator.js';
import { DEFAULT_MODEL_ID, defaultModelsDir, defaultRemoteHost, ensureModel, modelCommandLine, modelMemoryId, type EnsureModelOptions, type ModelLocation, type ModelTarget } from './model-store/index.js';
import type { LengthPolicy } from './decoding/guards.js';

export interface EngineOptions {
  /** Hub id or local directory (default Xenova/opus-mt-da-en). */
  model?: string;
  /** `model` was typed by the user (the CLI's --model): a hub id that cannot be had may then be said as a mistyped local folder (EnsureModelOptions). */
  modelTyped?: boolean;
  modelsDir?: string;
  dtype?: Dtype;
  offline?: boolean;
  remoteHost?: string;
  beams?: number;
  /** CPU threads for the model in all (default: every core, or the free ones when other processes keep them busy). */
  threads?: number;
  /** Model processes at most, each running its own batch (default: two where two cores or more are free; thread-plan.ts). */
  modelProcesses?: number;
  lengthPolicy?: Partial<LengthPolicy>;
  repetitionGuard?: boolean;
  /** Where generation runs: auto (default; inside ONNX Runtime, else the JavaScript loop with a notice), ort, js. */
  engine?: EngineKind;
  /** Run the model in a worker thread (default true), so the caller's event loop stays free. */
  worker?: boolean;
  onDownloadStart?: EnsureModelOptions['onStart'];
  onDownloadProgress?: EnsureModelOptions['onProgress'];
  /** Hub checkpoints: keep the raw checkpoint after converting it. */
  keepSource?: boolean;
  onNotice?: EnsureModelOptions['onNotice'];
  /** eager (default): the model starts now; on-first-use: when a batch first needs it (see MarianTranslatorOptions). */
  startModel?: ModelStart;
  /** Called once the model has started, with its notice (a slower fallback) if any. */
  onModelStart?: MarianTranslatorOptions['onModelStart'];
  signal?: AbortSignal;
}

export { DEFAULT_DTYPE };

/** Finds (or downloads) the model and loads it; the one place a Translator is made from options. */
export async function loadTranslator(options: EngineOptions = {}): Promise<MarianTranslator> {
  try {
    return await findAndLoad(options);
  } catch (err) {
    // Stopped while finding, fetching or loading the model: whatever step saw the stop, it is the stop.
    throw options.signal?.aborted ? interruptedError(options.signal.reason) : err;
  }
}

async function findAndLoad(options: EngineOptions): Promise<MarianTranslator> {
  const dtype = options.dtype ?? DEFAULT_DTYPE;
  if (options.beams !== undefined) checkBeams(options.beams);
  const modelsDir = options.modelsDir ?? defaultModelsDir();
  const location = await ensureModel({
    model: options.model ?? DEFAULT_MODEL_ID,
    modelsDir,
    dtype,
    offline: options.offline ?? false,
    remoteHost: options.remoteHost ?? defaultRemoteHost(),
    ...(options.onDownloadStart ? { onStart: options.onDownloadStart } : {}),
    ...(options.onDownloadProgress ? { onProgress: options.onDownloadProgress } : {}),
    ...(options.keepSource !== undefined ? { keepSource: options.keepSource } : {}),
    ...(options.modelTyped !== undefined ? { modelTyped: options.modelTyped } : {}),
    ...(options.onNotice ? { onNotice: options.onNotice } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  // How many model processes run (two, each with its own batch, where two cores or more are free),
  // with how many threads, spinning or not, the first model process decides (thread-plan.ts).
  return MarianTranslator.load(location.dir, {
    modelId: location.id,
    memoryId: modelMemoryId(location, dtype),
    dtype,
    ...(options.threads ? { intraOpThreads: options.threads } : {}),
    ...(options.modelProcesses ? { modelProcesses: options.modelProcesses } : {}),
    ...(options.beams !== undefined ? { beams: options.beams } : {}),
    ...(options.lengthPolicy ? { lengthPolicy: options.lengthPolicy } : {}),
    ...(options.repetitionGuard !== undefined ? { repetitionGuard: options.repetitionGuard } : {}),
    ...(options.engine ? { engine: options.engine } : {}),
    ...(options.worker !== undefined ? { worker: options.worker } : {}),
    ...(options.startModel ? { startModel: options.startModel } : {}),
    ...(options.onModelStart ? { onModelStart: options.onModelStart } : {}),
    // A model started on first use fails there, with the same one line.
    describeLoadError: (err) => describeLoadError(err, location, { id: location.id, modelsDir, dtype }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** Turns ONNX Runtime / tokenizer load failures into one line naming the file and the fix. */
function describeLoadError(err: unknown, location: ModelLocation, target: ModelTarget): Error {
  if (err instanceof Da2enError) return err;
  const message = (err as Error)?.message ?? String(err);
  const file = message.match(/[\w./-]*(?:onnx\/[\w.-]+\.onnx|tokenizer(?:_config)?\.json|(?:generation_)?config\.json)/)?.[0];
  const fix = location.downloadable ? `run "${modelCommandLine('verify', target)}" (and "${modelCommandLine('download', target)}" to repair)` : `rebuild or re-copy the model directory`;
  const what = file ? `model file ${file} could not be loaded` : `model in ${location.dir} could not be loaded`;
  const detail = message.split('\n')[0]!.slice(0, 200);
  return new Da2enError('model-corrupt', `${what} (${detail}); it may be corrupt or truncated: ${fix}`, { cause: err });
}
