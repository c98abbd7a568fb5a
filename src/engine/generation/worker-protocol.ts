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
}

export type WorkerRequest = { type: 'generate'; id: number; request: GenerateRequest } | { type: 'dispose' };

export interface WorkerError {
  message: string;
  name: string;
}

export type WorkerReply =
  | { type: 'ready'; kind: GeneratorKind; notice?: string; threads: ThreadPlan }
  | { type: 'failed'; error: WorkerError }
  | { type: 'result'; id: number; sequences: DecodedSequence[] }
  | { type: 'error'; id: number; error: WorkerError };
