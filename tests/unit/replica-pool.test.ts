/**
 * How the pool hands batches to its model processes: whichever is free, the rest in order of arrival.
 * The replicas here are stand-ins that answer when the test says (the scheduling is under test, not
 * the engine; tests/integration/replica-pool.test.ts runs real model processes).
 */
import { describe, expect, it } from 'vitest';
import type { DecodedSequence } from '../../src/engine/decoding/greedy.js';
import { ReplicaPool, roomForAnotherReplica, type Replica } from '../../src/engine/generation/replica-pool.js';
import type { GenerateRequest } from '../../src/engine/generation/sequence-generator.js';
import { builtModel } from '../../tools/builder-models.js';

class HeldReplica implements Replica {
  readonly kind = 'ort' as const;
  alive = true;
  stoppedByAbort = false;
  disposed = false;
  readonly runs: { first: number; finish: (dieFirst?: boolean) => void }[] = [];
  constructor(readonly pid: number) {}
  generate(request: GenerateRequest, signal?: AbortSignal): Promise<DecodedSequence[]> {
    return new Promise((resolve, reject) => {
      // As a model process does: an abort of its run kills it (worker-generator.ts).
      signal?.addEventListener('abort', () => {
        this.alive = false;
        this.stoppedByAbort = true;
        reject(signal.reason);
      });
      this.runs.push({
        first: request.inputs[0]![0]!,
        finish: (dieFirst = false) => {
          if (dieFirst) {
            this.alive = false;
            reject(new Error('the model process stopped (SIGKILL)'));
          } else resolve(request.inputs.map((ids) => ({ ids: [...ids], logProb: 0, flags: [] })));
        },
      });
    });
  }
  async dispose(): Promise<void> {
    this.disposed = true;
    this.alive = false;
  }
}

const request = (n: number): GenerateRequest => ({ inputs: [[n]], beams: 1, maxNewTokens: [5], flagLengthCap: true, repetitionGuard: false, lengthPenalty: 1, earlyStopping: false, bannedIds: [] });
const tick = () => new Promise((r) => setImmediate(r));
const plan = { replicas: 2, threads: 1, spinning: true, busyCores: 0 };

/** Replacements the pool asks for, each started when the test says (or failing). */
class Replacements {
  readonly asked: { start: (r: Replica) => void; fail: (e: Error) => void; signal: AbortSignal }[] = [];
  readonly start = (signal: AbortSignal): Promise<Replica> => new Promise((start, fail) => this.asked.push({ start, fail, signal }));
}

describe('replica pool', () => {
  it('runs one batch per replica at a time; the rest wait and go, in order, to whichever is free', async () => {
    const a = new HeldReplica(1);
    const b = new HeldReplica(2);
    const pool = new ReplicaPool(a, 'ort', undefined, plan);
    const results = [1, 2, 3, 4].map((n) => pool.generate(request(n)));
    await tick();
    // Only the first replica so far: batch 1 runs, 2–4 wait.
    expect(a.runs.map((r) => r.first)).toEqual([1]);
    pool.add(b);
    await tick();
    expect(b.runs.map((r) => r.first)).toEqual([2]);
    b.runs[0]!.finish();
    await tick();
    expect(b.runs.map((r) => r.first)).toEqual([2, 3]);
    a.runs[0]!.finish();
    await tick();
    expect(a.runs.map((r) => r.first)).toEqual([1, 4]);
    a.runs[1]!.finish();
    b.runs[1]!.finish();
    expect((await Promise.all(results)).map((r) => r[0]!.ids)).toEqual([[1], [2], [3], [4]]);
    expect(pool.batchCounts).toEqual([2, 2]);
    expect(pool.pids).toEqual([1, 2]);
  });

  it('a replica that stops is left out; its batch fails, the others carry on', async () => {
    const a = new HeldReplica(1);
    const b = new HeldReplica(2);
    const replacements = new Replacements();
    const pool = new ReplicaPool(a, 'ort', undefined, plan, false, replacements.start);
    pool.add(b);
    const first = pool.generate(request(1));
    const second = pool.generate(request(2));
    const third = pool.generate(request(3));
    await tick();
    a.runs[0]!.finish(true);
    await expect(first).rejects.toThrow(/stopped/);
    expect(pool.size).toBe(1);
    b.runs[0]!.finish();
    await tick();
    b.runs[1]!.finish();
    expect((await second)[0]!.ids).toEqual([2]);
    expect((await third)[0]!.ids).toEqual([3]);
    // The last one gone: waiting batches fail rather than wait for ever.
    const fourth = pool.generate(request(4));
    const fifth = pool.generate(request(5));
    await tick();
    b.runs[2]!.finish(true);
    await expect(fourth).rejects.toThrow(/stopped/);
    await expect(fifth).rejects.toThrow(/model processes have stopped/);
    // Stopped on their own (a crash), not by an abort: never replaced.
    await expect(pool.generate(request(6))).rejects.toThrow(/model processes have stopped/);
    expect(replacements.asked).toHaveLength(0);
  });

  it('an abort kills only its own process: the batches of other callers wait for a fresh one, and later work runs there too', async () => {
    const a = new HeldReplica(1);
    const replacements = new Replacements();
    const pool = new ReplicaPool(a, 'ort', undefined, plan, false, replacements.start);
    const stop = new AbortController();
    const aborted = pool.generate(request(1), stop.signal);
    const other = pool.generate(request(2));
    await tick();
    stop.abort(new Error('stopped by the user'));
    await expect(aborted).rejects.toThrow('stopped by the user');
    await tick();
    // The other caller's batch is not failed: a process is starting in place of the killed one.
    expect(pool.size).toBe(0);
    expect(replacements.asked).toHaveLength(1);
    const b = new HeldReplica(2);
    replacements.asked[0]!.start(b);
    await tick();
    expect(b.runs.map((r) => r.first)).toEqual([2]);
    b.runs[0]!.finish();
    expect((await other)[0]!.ids).toEqual([2]);
    const later = pool.generate(request(3));
    await tick();
    b.runs[1]!.finish();
    expect((await later)[0]!.ids).toEqual([3]);
    expect(pool.pids).toEqual([2]);
    expect(replacements.asked).toHaveLength(1);
    await pool.dispose();
    expect(b.disposed).toBe(true);
  });

  it('a process killed by an abort is replaced when work finds none free; a replacement that fails to start fails the work once, and is not tried again', async () => {
    const a = new HeldReplica(1);
    const b = new HeldReplica(2);
    const replacements = new Replacements();
    const pool = new ReplicaPool(a, 'ort', undefined, plan, false, replacements.start);
    pool.add(b);
    const stop = new AbortController();
    const aborted = pool.generate(request(1), stop.signal);
    await tick();
    stop.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    // Another process is free: nothing starts.
    const second = pool.generate(request(2));
    await tick();
    expect(replacements.asked).toHaveLength(0);
    // Work that finds none free: the killed one is replaced.
    const third = pool.generate(request(3));
    await tick();
    expect(replacements.asked).toHaveLength(1);
    b.runs[0]!.finish(true);
    await expect(second).rejects.toThrow(/stopped/);
    replacements.asked[0]!.fail(new Error('the model process stopped while loading the model (exit code 1)'));
    await expect(third).rejects.toThrow('while loading the model');
    await expect(pool.generate(request(4))).rejects.toThrow(/model processes have stopped/);
    expect(replacements.asked).toHaveLength(1);
  });

  it('dispose stops a replacement still starting', async () => {
    const a = new HeldReplica(1);
    const replacements = new Replacements();
    const pool = new ReplicaPool(a, 'ort', undefined, plan, false, replacements.start);
    const stop = new AbortController();
    const aborted = pool.generate(request(1), stop.signal);
    const waiting = pool.generate(request(2));
    await tick();
    stop.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    await tick();
    const starting = replacements.asked[0]!;
    const disposed = pool.dispose();
    await expect(waiting).rejects.toThrow(/disposed/);
    expect(starting.signal.aborted).toBe(true);
    starting.fail(starting.signal.reason as Error);
    await disposed;
  });

  it('an abort while waiting takes the batch out of the line; dispose fails the waiting and stops every replica', async () => {
    const a = new HeldReplica(1);
    const pool = new ReplicaPool(a, 'ort', undefined, plan);
    const running = pool.generate(request(1));
    const stop = new AbortController();
    const waiting = pool.generate(request(2), stop.signal);
    const next = pool.generate(request(3));
    await tick();
    stop.abort(new Error('stopped by the user'));
    await expect(waiting).rejects.toThrow('stopped by the user');
    a.runs[0]!.finish();
    await running;
    await tick();
    expect(a.runs.map((r) => r.first)).toEqual([1, 3]);
    const later = pool.generate(request(4));
    await pool.dispose();
    await expect(later).rejects.toThrow(/disposed/);
    expect(a.disposed).toBe(true);
    await expect(pool.generate(request(5))).rejects.toThrow(/disposed/);
    // A replica that joins after the dispose is stopped at once.
    const late = new HeldReplica(9);
    pool.add(late);
    expect(late.disposed).toBe(true);
    void next.catch(() => {});
  });

  it('starts a further process only where four times the model files are free', async () => {
    const dir = await builtModel('tiny');
    expect(await roomForAnotherReplica(dir, 'fp32', 1e12)).toBe(true);
    expect(await roomForAnotherReplica(dir, 'fp32', 1000)).toBe(false);
    expect(await roomForAnotherReplica('/nonexistent-model-dir', 'fp32', 1e12)).toBe(false);
  });
});
