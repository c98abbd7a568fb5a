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
  disposed = false;
  readonly runs: { first: number; finish: (dieFirst?: boolean) => void }[] = [];
  constructor(readonly pid: number) {}
  generate(request: GenerateRequest): Promise<DecodedSequence[]> {
    return new Promise((resolve, reject) => {
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
    const pool = new ReplicaPool(a, 'ort', undefined, plan);
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
