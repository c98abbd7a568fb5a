/**
 * Worker-thread side of the worker engine: loads the model once and answers segmentation and
 * translation requests one at a time, in the order they arrive. ONNX Runtime runs block the thread
 * they run on; here that is this worker, never the HTTP server's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadTranslator, type EngineOptions } from '../engine/load-translator.js';
import type { Translator } from '../engine/translator.js';
import { Da2enError, type ErrorKind, type SettingName } from '../errors.js';
import type { Article } from '../input/article.js';
import { segmentArticleWith, segmentWith, type SegmentRequest } from './engine.js';

export type WorkerRequest =
  | { id: number; op: 'segment'; texts: string[]; options: SegmentRequest }
  | { id: number; op: 'segment-article'; article: Article; options: SegmentRequest }
  | { id: number; op: 'translate'; texts: string[] }
  | { id: number; op: 'dispose' };

export interface WorkerError {
  message: string;
  name: string;
  /** The domain error's kind, so the other side can rebuild it. */
  kind?: ErrorKind;
  /** The settings its message names (Da2enError.settings), so the CLI can still say them as its options. */
  settings?: SettingName[];
}

export type WorkerReply =
  | { id: 0; op: 'ready'; modelId: string; memoryId: string | undefined; dtype: string; decoding: Record<string, unknown>; maxInputTokens: number }
  | { id: 0; op: 'failed'; error: WorkerError }
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: WorkerError };

function describe(err: unknown): WorkerError {
  const e = err instanceof Error ? err : new Error(String(err));
  return { message: e.message, name: e.name, ...(e instanceof Da2enError ? { kind: e.kind, settings: [...e.settings] } : {}) };
}

const port = parentPort!;
const options = workerData as EngineOptions;
let translator: Translator;
try {
  translator = await loadTranslator(options);
  port.postMessage({
    id: 0,
    op: 'ready',
    modelId: translator.modelId,
    memoryId: translator.memoryId,
    dtype: translator.dtype,
    decoding: translator.decoding,
    maxInputTokens: translator.maxInputTokens,
  } satisfies WorkerReply);
} catch (err) {
  port.postMessage({ id: 0, op: 'failed', error: describe(err) } satisfies WorkerReply);
  process.exit(1);
}

const count = (s: string) => translator.countTokens(s);
port.on('message', async (req: WorkerRequest) => {
  try {
    let value: unknown;
    if (req.op === 'segment') value = req.texts.map((t) => segmentWith(count, translator.maxInputTokens, t, req.options));
    else if (req.op === 'segment-article') value = segmentArticleWith(count, translator.maxInputTokens, req.article, req.options);
    else if (req.op === 'translate') value = await translator.translateBatch(req.texts);
    else {
      await translator.dispose();
      value = null;
    }
    port.postMessage({ id: req.id, ok: true, value } satisfies WorkerReply);
  } catch (err) {
    port.postMessage({ id: req.id, ok: false, error: describe(err) } satisfies WorkerReply);
  }
});
