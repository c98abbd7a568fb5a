/**
 * The model in a worker thread, behind the ServerEngine interface: the HTTP event loop only posts
 * messages, so /health answers at once while a long translation runs.
 */
import type { SourceDocument } from '../document/types.js';
import type { Article } from '../input/article.js';
import type { EngineOptions } from '../engine/load-translator.js';
import type { TranslationResult } from '../engine/translator.js';
import { Da2enError } from '../errors.js';
import type { SegmentRequest, ServerEngine } from './engine.js';
import type { WorkerError, WorkerReply, WorkerRequest } from './engine-worker.js';
import { siblingModule, startWorkerModule } from '../process/spawn-worker.js';

/** Only plain, cloneable settings cross into the worker (no callbacks, no signals). */
export type WorkerEngineOptions = Omit<EngineOptions, 'onDownloadStart' | 'onDownloadProgress' | 'signal'>;

function toError(e: WorkerError): Error {
  if (e.kind !== undefined) return new Da2enError(e.kind, e.message, { settings: e.settings ?? [] });
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

type WorkerRequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

export async function startWorkerEngine(options: WorkerEngineOptions): Promise<ServerEngine> {
  // The scheduler runs one model call at a time (scheduler.ts), so one model process serves it: a
  // second would only hold a copy of the weights.
  const worker = startWorkerModule(siblingModule('engine-worker', import.meta.url), { workerData: { ...options, modelProcesses: 1 } });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let dead: Error | null = null;

  const info = await new Promise<Extract<WorkerReply, { op: 'ready' }>>((resolve, reject) => {
    const onMessage = (msg: WorkerReply) => {
      if (!('op' in msg)) return;
      worker.off('message', onMessage);
      if (msg.op === 'ready') resolve(msg);
      else reject(toError(msg.error));
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the model worker exited (code ${code}) while loading`)));
  });

  worker.on('message', (msg: WorkerReply) => {
    if ('op' in msg) return;
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.value);
    else p.reject(toError(msg.error));
  });
  const failAll = (err: Error) => {
    dead = err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('error', (err) => failAll(err));
  worker.on('exit', (code) => failAll(new Error(`the model worker exited (code ${code})`)));

  const call = <T>(req: WorkerRequestBody): Promise<T> => {
    if (dead) return Promise.reject(dead);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ ...req, id });
    });
  };

  return {
    modelId: info.modelId,
    memoryId: info.memoryId,
    dtype: info.dtype,
    decoding: info.decoding,
    maxInputTokens: info.maxInputTokens,
    segment: async (text: string, segOptions: SegmentRequest = {}) =>
      (await call<SourceDocument[]>({ op: 'segment', texts: [text], options: segOptions }))[0]!,
    segmentMany: (texts: readonly string[], segOptions: SegmentRequest = {}) =>
      call<SourceDocument[]>({ op: 'segment', texts: [...texts], options: segOptions }),
    segmentArticle: (article: Article, segOptions: SegmentRequest = {}) => call<SourceDocument>({ op: 'segment-article', article, options: segOptions }),
    translateBatch: (texts: string[]) => call<TranslationResult[]>({ op: 'translate', texts }),
    async dispose() {
      if (!dead) {
        await call<null>({ op: 'dispose' }).catch(() => {});
        worker.removeAllListeners('exit');
        await worker.terminate();
        dead = new Error('the model worker was stopped');
      }
    },
  };
}
