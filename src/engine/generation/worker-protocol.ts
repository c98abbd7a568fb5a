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
}

export type WorkerReply =
  /** Sent as soon as the threads are planned, before the model opens: the parent may start the other replica then. */
  | { type: 'plan'; threads: ThreadPlan; /** Nothing to make on disk first (see opensWithoutMaking). */ opensWithoutMaking: boolean }
  | { type: 'ready'; kind: GeneratorKind; notice?: string; threads: ThreadPlan }
  | { type: 'failed'; error: WorkerError }
  | { type: 'result'; id: number; sequences: DecodedSequence[] }
  | { type: 'error'; id: number; error: WorkerError };
