/**
 * A SequenceGenerator in its own process: the caller's event loop stays free while ONNX Runtime
 * generates a batch (one session.run can take seconds), and an abort stops a run at once by killing
 * that process. Usable from library code: nothing here touches the caller's process (signals, exit).
 *
 * Why a child process and not a worker thread: onnxruntime-node 1.30 aborts the whole process
 * ("terminate called after throwing an instance of 'Napi::Error'", exit 134) when a worker thread is
 * terminated, or the process exits, while a session.run is in flight — measured for both the op and
 * the step-by-step loop. A killed child process takes nothing else down.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DecodedSequence } from '../decoding/greedy.js';
import { modelProcessEnv } from './model-process-env.js';
import type { GenerateRequest, GeneratorKind, SequenceGenerator } from './sequence-generator.js';
import type { ThreadPlan } from './thread-plan.js';
import { fromWorkerError, type WorkerInit, type WorkerReply, type WorkerRequest } from './worker-protocol.js';
import { Da2enError } from '../../errors.js';

/** What an aborted signal carries, as an Error. */
export function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

/** From dist the compiled .js runs; from the TypeScript sources (tests, benchmarks) tsx loads the .ts. */
function spawn(init?: WorkerInit): ChildProcess {
  const self = import.meta.url;
  const ts = self.endsWith('.ts');
  const entry = fileURLToPath(new URL(ts ? './generator-worker.ts' : './generator-worker.js', self));
  return fork(entry, init ? [JSON.stringify(init)] : [], {
    // --expose-gc: the model process frees the heap it warms while it waits (heap-warmer.ts).
    execArgv: [...(ts ? ['--import', 'tsx'] : []), '--expose-gc'],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: modelProcessEnv(process.env),
  });
}

/** A model process started ahead of its work, and the work it was given ahead, if any. */
interface Prestarted {
  child: ChildProcess;
  /** Work given ahead (openAhead): the process is already opening this model. */
  work: WorkerInit | undefined;
  /** What it said before anyone took it (its plan, ready or failed), to be heard by the taker. */
  heard: WorkerReply[];
  hear: (reply: WorkerReply) => void;
}

let prestarted: Prestarted | undefined;

/**
 * Starts a model process before its work is known, so that Node's start (≈ 0.15 s here), ONNX
 * Runtime's import and the thread plan's measuring happen while the caller is still starting (the
 * CLI calls this first thing for a command that will load a model). The next WorkerGenerator.start
 * takes it; one never taken ends with this process (its channel closes) and keeps nothing alive.
 * Returns its process id.
 */
export function prestartModelProcess(): number | undefined {
  if (prestarted) return prestarted.child.pid;
  const child = spawn();
  child.on('error', () => {});
  child.unref();
  child.channel?.unref();
  const heard: WorkerReply[] = [];
  const hear = (reply: WorkerReply) => heard.push(reply);
  child.on('message', hear);
  prestarted = { child, work: undefined, heard, hear };
  return child.pid;
}

/**
 * Gives the process started ahead the work its caller expects to ask for (the CLI's guess from its
 * command line, before its own modules have loaded): it opens that model now. A WorkerGenerator.start
 * with exactly this work takes it as it is; any other work gets a new process and this one is ended.
 * False if there is no process started ahead, or it already has work.
 */
export function openAhead(work: WorkerInit): boolean {
  if (!prestarted || prestarted.work || !prestarted.child.connected) return false;
  prestarted.work = work;
  prestarted.child.send({ type: 'init', init: work } satisfies WorkerRequest);
  return true;
}

/** The same work: a process opened for one serves the other. */
function sameWork(a: WorkerInit, b: WorkerInit): boolean {
  const key = (w: WorkerInit) => JSON.stringify([w.dir, w.dtype, w.engine, w.intraOpThreads ?? null, w.replicas ?? null, w.plan ?? null]);
  return key(a) === key(b);
}

/** The process started ahead, if it is still there to take and was not given other work. */
function takePrestarted(work: WorkerInit): { child: ChildProcess; heard: WorkerReply[]; given: boolean } | undefined {
  const ahead = prestarted;
  prestarted = undefined;
  if (!ahead) return undefined;
  const { child } = ahead;
  child.off('message', ahead.hear);
  if (child.exitCode !== null || child.signalCode !== null || !child.connected || (ahead.work && !sameWork(ahead.work, work))) {
    child.kill('SIGKILL');
    return undefined;
  }
  child.ref();
  child.channel?.ref();
  return { child, heard: ahead.heard, given: ahead.work !== undefined };
}

export class WorkerGenerator implements SequenceGenerator {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (s: DecodedSequence[]) => void; reject: (e: Error) => void }>();
  private dead: Error | null = null;
  /** Set by dispose(): requests it cuts short (the process ends without answering them) fail with it, kind usage. */
  private disposedWith: Error | null = null;
  private killedOnAbort = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly kind: GeneratorKind,
    readonly notice: string | undefined,
    /** The threads the model process chose (thread-plan.ts). */
    readonly threads: ThreadPlan,
    /** Started ahead and given this very work ahead (openAhead): it was opening the model before start() was called. */
    readonly openedAhead: boolean,
  ) {
    child.on('message', (reply: WorkerReply) => {
      if (reply.type !== 'result' && reply.type !== 'error') return;
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.type === 'result') waiting.resolve(reply.sequences);
      else waiting.reject(fromWorkerError(reply.error));
      this.idle();
    });
    const fail = (failure: Error) => {
      const err = this.disposedWith ?? failure;
      this.dead ??= err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      process.off('exit', this.killChild);
      fail(new Error(`the model process stopped (${signal ?? `exit code ${code}`})`));
    });
    // A caller that exits (Ctrl-C) takes its model process with it, mid-run or not.
    process.on('exit', this.killChild);
    this.idle();
  }

  /** The model process's id (for a caller that watches its processes). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  private readonly killChild = (): void => {
    this.child.kill('SIGKILL');
  };

  /** An idle model process does not keep the caller's process alive (a library caller may simply finish). */
  private idle(): void {
    if (this.pending.size > 0) return;
    this.child.unref();
    this.child.channel?.unref();
  }

  /** False once the model process has stopped or was stopped (an abort, a dispose). */
  get alive(): boolean {
    return this.dead === null;
  }

  /** Stopped by an abort of its run (not a crash, not a dispose): a fresh process may take its place. */
  get stoppedByAbort(): boolean {
    return this.killedOnAbort;
  }

  /**
   * Starts the model process and waits until the model is open (a load error is the model process's
   * own). `onPlan` hears its thread plan as soon as it is made, before the model opens.
   */
  static start(init: WorkerInit, signal?: AbortSignal, onPlan?: (plan: ThreadPlan, opensWithoutMaking: boolean) => void): Promise<WorkerGenerator> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const ahead = takePrestarted(init);
    const child = ahead?.child ?? spawn(init);
    if (ahead && !ahead.given) child.send({ type: 'init', init } satisfies WorkerRequest);
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        signal?.removeEventListener('abort', onAbort);
        child.off('message', onMessage);
        child.off('error', onError);
        child.off('exit', onExit);
      };
      const onAbort = () => {
        cleanup();
        child.kill('SIGKILL');
        reject(abortReason(signal!));
      };
      const onMessage = (reply: WorkerReply) => {
        if (reply.type === 'plan') onPlan?.(reply.threads, reply.opensWithoutMaking);
        else if (reply.type === 'ready') {
          cleanup();
          resolve(new WorkerGenerator(child, reply.kind, reply.notice, reply.threads, ahead?.given === true));
        } else if (reply.type === 'failed') {
          cleanup();
          child.kill('SIGKILL');
          reject(fromWorkerError(reply.error));
        }
      };
      const onError = (err: Error) => {
        cleanup();
        reject(err);
      };
      const onExit = (code: number | null, sig: string | null) => {
        cleanup();
        reject(new Error(`the model process stopped while loading the model (${sig ?? `exit code ${code}`})`));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      child.on('message', onMessage);
      child.on('error', onError);
      child.on('exit', onExit);
      // Opened ahead: what it said before it was taken (its plan; ready, if it already is).
      for (const reply of ahead?.heard ?? []) onMessage(reply);
    });
  }

  generate(request: GenerateRequest, signal?: AbortSignal): Promise<DecodedSequence[]> {
    if (this.dead) return Promise.reject(this.dead);
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        // A run cannot be interrupted inside ONNX Runtime: the process goes, and with it the model.
        const reason = abortReason(signal!);
        if (this.dead === null) {
          this.dead = reason;
          this.killedOnAbort = true;
        }
        this.pending.delete(id);
        reject(reason);
        this.child.kill('SIGKILL');
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = () => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (s) => {
          settle();
          resolve(s);
        },
        reject: (e) => {
          settle();
          reject(e);
        },
      });
      this.child.ref();
      this.child.channel?.ref();
      this.child.send({ type: 'generate', id, request } satisfies WorkerRequest);
    });
  }

  async dispose(): Promise<void> {
    this.disposedWith ??= new Da2enError('usage', 'the translator was disposed');
    this.dead ??= this.disposedWith;
    // Already killed (an abort): SIGKILL cannot fail to end it, and a caller that is stopping need not wait.
    if (this.child.exitCode !== null || this.child.signalCode !== null || this.child.killed) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.ref();
    // Asked to leave (it ends itself at once, killed by its own hand: generator-worker.ts); killed here if it has not within 2 s.
    const kill = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    if (this.child.connected) this.child.send({ type: 'dispose' } satisfies WorkerRequest);
    else this.child.kill('SIGKILL');
    await exited;
    clearTimeout(kill);
  }
}
