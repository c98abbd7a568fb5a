/**
 * The model in up to MAX_REPLICAS processes, each running one batch at a time: a batch goes to
 * whichever is free, the others wait their turn in order. Why more than one process, and how many
 * threads each gets, see thread-plan.ts.
 *
 * The first process plans the threads while it starts; the second starts as soon as that plan asks
 * for it (and memory allows), so both load the model at the same time on their own cores. Batches
 * run on the first until the second is ready. When the first process would make the wrapped model or
 * its prepared copy on disk (first use of a model), the second waits until they are made and verified,
 * and then opens them. A second process that fails to start is left out: the first does all the
 * work, as it would alone.
 *
 * An abort kills the process running the aborted batch (a run cannot be stopped inside ONNX Runtime).
 * The batches of other callers waiting for a process are not failed for it: when work finds no
 * process free, a fresh one takes the killed one's place (one at a time). A process that stopped on
 * its own (a crash) is not replaced: its batch fails, and once none is left so does the work waiting.
 */
import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DecodedSequence } from '../decoding/greedy.js';
import type { Dtype } from '../dtype.js';
import { modelFile } from '../model-store/model-files.js';
import type { GenerateRequest, GeneratorKind, SequenceGenerator } from './sequence-generator.js';
import type { ThreadPlan } from './thread-plan.js';
import { abortReason, WorkerGenerator } from './worker-generator.js';
import type { WorkerInit } from './worker-protocol.js';
import { Da2enError } from '../../errors.js';

/** A model process as the pool sees it. */
export interface Replica extends SequenceGenerator {
  readonly alive: boolean;
  /** Killed because its batch was aborted (worker-generator.ts): replaced when work needs it. */
  readonly stoppedByAbort: boolean;
  readonly pid?: number | undefined;
}

/**
 * A model process's peak resident memory per byte of its encoder + decoder files, with a margin
 * (measured: q8 echo-opus-da-en, 102 MB of files, 340–390 MB peak): a further replica starts only
 * where that much is free.
 */
export const REPLICA_MEMORY_PER_MODEL_BYTE = 4;

/** Whether the machine has the memory for one more model process of this model. */
export async function roomForAnotherReplica(dir: string, dtype: Dtype, freeBytes: number = os.freemem()): Promise<boolean> {
  try {
    const sizes = await Promise.all([modelFile('encoder', dtype), modelFile('decoder', dtype)].map((f) => stat(path.join(dir, f)).then((s) => s.size)));
    return freeBytes >= REPLICA_MEMORY_PER_MODEL_BYTE * (sizes[0]! + sizes[1]!);
  } catch {
    return false;
  }
}

export class ReplicaPool implements SequenceGenerator {
  private readonly replicas: Replica[] = [];
  private readonly idle: Replica[] = [];
  private readonly waiting: { take: (r: Replica) => void; fail: (e: Error) => void }[] = [];
  /** Batches each replica has run, in the order they joined. */
  private readonly counts = new Map<Replica, number>();
  private disposed = false;
  private joining: Promise<void> = Promise.resolve();
  private stopJoining = (): void => {};
  /** Processes killed by aborts and not replaced yet. */
  private killedByAborts = 0;
  /** A replacement starting, if any. */
  private replacing: Promise<void> | undefined;
  private readonly stopReplacing = new AbortController();

  constructor(
    first: Replica,
    readonly kind: GeneratorKind,
    readonly notice: string | undefined,
    /** The threads planned: `replicas` processes were asked for (see `size` for how many run). */
    readonly threads: ThreadPlan | undefined,
    /** The first model process was the one given this work ahead (worker-generator.ts, openAhead). */
    readonly openedAhead = false,
    /** Starts a process in place of one killed by an abort; none: such a process is not replaced. */
    private readonly startReplacement?: (signal: AbortSignal) => Promise<Replica>,
  ) {
    this.add(first);
  }

  /** Starts the model processes the plan asks for; resolves when the first is ready. */
  static async start(init: WorkerInit, signal?: AbortSignal): Promise<ReplicaPool> {
    let planned: (p: { plan: ThreadPlan; opensWithoutMaking: boolean }) => void = () => {};
    const plan = new Promise<{ plan: ThreadPlan; opensWithoutMaking: boolean }>((resolve) => (planned = resolve));
    const first = WorkerGenerator.start(init, signal, (p, opensWithoutMaking) => planned({ plan: p, opensWithoutMaking }));
    // A pool disposed (or a first process failed) while the second is still loading stops it at once.
    const stopSecond = new AbortController();
    const secondSignal = signal ? AbortSignal.any([signal, stopSecond.signal]) : stopSecond.signal;
    const second = (async (): Promise<WorkerGenerator | undefined> => {
      const [{ plan: p, opensWithoutMaking }, room] = await Promise.all([plan, roomForAnotherReplica(init.dir, init.dtype)]);
      if (p.replicas < 2 || !room) return undefined;
      // Same kind of generation in both (the loop and the op agree exactly only in fp32).
      const engine = opensWithoutMaking ? init.engine : (await first).kind;
      return WorkerGenerator.start({ ...init, engine, plan: p }, secondSignal);
    })().catch(() => undefined);
    let pool: ReplicaPool;
    try {
      const ready = await first;
      // The first one's kind of generation and plan, taken as they are (the wrapped model is made by now).
      const replacement = (stop: AbortSignal) => WorkerGenerator.start({ ...init, engine: ready.kind, plan: ready.threads }, stop);
      pool = new ReplicaPool(ready, ready.kind, ready.notice, ready.threads, ready.openedAhead, replacement);
    } catch (err) {
      stopSecond.abort();
      void second.then((g) => g?.dispose());
      throw err;
    }
    pool.stopJoining = () => stopSecond.abort();
    pool.joining = second.then((g) => {
      if (!g) return;
      if (g.kind !== pool.kind) void g.dispose();
      else pool.add(g);
    });
    return pool;
  }

  /** Model processes running now. */
  get size(): number {
    return this.replicas.length;
  }

  /** Their process ids (for a caller that watches its processes). */
  get pids(): number[] {
    return this.replicas.flatMap((r) => (r.pid === undefined ? [] : [r.pid]));
  }

  /** Batches each running replica has run, in the order they joined. */
  get batchCounts(): number[] {
    return this.replicas.map((r) => this.counts.get(r) ?? 0);
  }

  /** Resolves once a second process has joined or will not (tests, benchmarks). */
  whenJoined(): Promise<void> {
    return this.joining;
  }

  add(replica: Replica): void {
    if (this.disposed) {
      void replica.dispose();
      return;
    }
    this.replicas.push(replica);
    this.counts.set(replica, 0);
    this.release(replica);
  }

  private release(replica: Replica): void {
    if (!replica.alive) {
      const at = this.replicas.indexOf(replica);
      if (at >= 0) this.replicas.splice(at, 1);
      if (replica.stoppedByAbort) this.killedByAborts++;
      if (this.waiting.length > 0) this.replaceKilled();
      if (this.replicas.length === 0 && !this.replacing) this.failWaiting(new Error('the model processes have stopped'));
      return;
    }
    const next = this.waiting.shift();
    if (next) next.take(replica);
    else this.idle.push(replica);
  }

  private failWaiting(err: Error): void {
    for (const w of this.waiting.splice(0)) w.fail(err);
  }

  /** Starts a process in place of one an abort killed, if any was and none is starting. */
  private replaceKilled(): void {
    if (this.disposed || this.replacing || this.killedByAborts === 0 || !this.startReplacement) return;
    this.replacing = this.startReplacement(this.stopReplacing.signal).then(
      (replica) => {
        this.replacing = undefined;
        this.killedByAborts--;
        this.add(replica);
        if (this.waiting.length > 0) this.replaceKilled();
      },
      (err: unknown) => {
        this.replacing = undefined;
        // Not tried again (no loop of failing starts): the work left fails as with no process at all.
        this.killedByAborts = 0;
        if (this.replicas.length === 0) this.failWaiting(err instanceof Error ? err : new Error(String(err)));
      },
    );
  }

  private acquire(signal?: AbortSignal): Promise<Replica> {
    if (this.disposed) return Promise.reject(new Da2enError('usage', 'the translator was disposed'));
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const free = this.idle.shift();
    if (free) return Promise.resolve(free);
    this.replaceKilled();
    if (this.replicas.length === 0 && !this.replacing) return Promise.reject(new Error('the model processes have stopped'));
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(entry), 1);
        reject(abortReason(signal!));
      };
      const entry = {
        take: (r: Replica) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(r);
        },
        fail: (e: Error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  async generate(request: GenerateRequest, signal?: AbortSignal): Promise<DecodedSequence[]> {
    const replica = await this.acquire(signal);
    try {
      return await replica.generate(request, signal);
    } finally {
      this.counts.set(replica, (this.counts.get(replica) ?? 0) + 1);
      this.release(replica);
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.failWaiting(new Da2enError('usage', 'the translator was disposed'));
    const running = this.replicas.splice(0);
    this.idle.length = 0;
    // A process still starting is stopped (or, already up, disposed as it arrives: add).
    this.stopJoining();
    this.stopReplacing.abort();
    await Promise.all([...running.map((r) => r.dispose()), this.joining, this.replacing]);
  }
}
