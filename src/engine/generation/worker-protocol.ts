import { Da2enError, type ErrorKind, type SettingName } from '../../errors.js';
import type { Dtype } from '../dtype.js';
import type { DecodedSequence } from '../decoding/greedy.js';
import type { EngineKind } from './open-generator.js';
import type { GenerateRequest, GeneratorKind } from './sequence-generator.js';
import type { ThreadPlan } from './thread-plan.js';

export interface WorkerInit {
  dir: string;
  dtype: Dtype;
  engine: EngineKind;
  /** Threads asked for (--threads); else the model process plans them (thread-plan.ts). */
  intraOpThreads?: number;
  /** Model processes at most (--model-processes); else thread-plan.ts decides. */
  replicas?: number;
  /** A further replica: the first one's plan, taken as it is (no measuring). */
  plan?: ThreadPlan;
}

export type WorkerRequest =
  /** The work of a model process started ahead of it (prestartModelProcess). */
  | { type: 'init'; init: WorkerInit }
  | { type: 'generate'; id: number; request: GenerateRequest }
  | { type: 'dispose' };

export interface WorkerError {
  message: string;
  name: string;
  /** The domain error's kind, so the parent can rebuild it (a model found corrupt while it runs). */
  kind?: ErrorKind;
  /** The settings its message names (Da2enError.settings), so the CLI can still say them as its options. */
  settings?: SettingName[];
}

/** An error as it crosses to the parent: a da2en error keeps its kind (a model found corrupt while it runs is exit 5, not "unexpected"). */
export function toWorkerError(err: unknown): WorkerError {
  return { message: (err as Error)?.message ?? String(err), name: (err as Error)?.name ?? 'Error', ...(err instanceof Da2enError ? { kind: err.kind, settings: [...err.settings] } : {}) };
}

/** The parent's side of toWorkerError. */
export function fromWorkerError(e: WorkerError): Error {
  if (e.kind !== undefined) return new Da2enError(e.kind, e.message, { settings: e.settings ?? [] });
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

export type WorkerReply =
  /** Sent as soon as the threads are planned, before the model opens: the parent may start the other replica then. */
  | { type: 'plan'; threads: ThreadPlan; /** Nothing to make on disk first (see opensWithoutMaking). */ opensWithoutMaking: boolean }
  | { type: 'ready'; kind: GeneratorKind; notice?: string; threads: ThreadPlan }
  | { type: 'failed'; error: WorkerError }
  | { type: 'result'; id: number; sequences: DecodedSequence[] }
  | { type: 'error'; id: number; error: WorkerError };
