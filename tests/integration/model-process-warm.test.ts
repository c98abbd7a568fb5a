/**
 * The model process warms its heap while it waits for its first batch (heap-warmer.ts): started by
 * library code (WorkerGenerator, behind the CLI and `da2en serve`), it grows its resident memory by
 * the warmed amount without being asked, and a batch sent at once is answered all the same, with the
 * same ids.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { HEAP_WARM_BYTES } from '../../src/engine/generation/heap-warmer.js';
import { WorkerGenerator } from '../../src/engine/generation/worker-generator.js';
import type { GenerateRequest } from '../../src/engine/generation/sequence-generator.js';
import { builtModel } from '../../tools/builder-models.js';

const residentBytes = (pid: number): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

const rows = [[10, 20, 30, 40, 0], [11, 21, 0], [12, 22, 32, 0]];
const request: GenerateRequest = { inputs: rows, beams: 1, maxNewTokens: rows.map(() => 12), flagLengthCap: true, repetitionGuard: false, lengthPenalty: 1, earlyStopping: false, bannedIds: [] };

describe.runIf(process.platform === 'linux')('the model process while it waits for its first batch', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await builtModel('tiny');
  });

  it('warms its heap: its resident memory grows by the warmed amount, and stays', async () => {
    const generator = await WorkerGenerator.start({ dir, dtype: 'q8', engine: 'ort', intraOpThreads: 1 });
    try {
      const pid = generator.pid!;
      const atReady = residentBytes(pid);
      let grown = 0;
      for (let waited = 0; waited < 30_000 && grown < HEAP_WARM_BYTES * 0.9; waited += 100) {
        await sleep(100);
        grown = residentBytes(pid) - atReady;
      }
      expect(grown).toBeGreaterThanOrEqual(HEAP_WARM_BYTES * 0.9);
      await sleep(300);
      // Freed by its own collection, not given back to the system.
      expect(residentBytes(pid) - atReady).toBeGreaterThanOrEqual(HEAP_WARM_BYTES * 0.9);
      expect((await generator.generate(request)).map((s) => s.ids.length)).toHaveLength(3);
    } finally {
      await generator.dispose();
    }
  }, 60_000);

  it('answers a batch sent as soon as it is ready (warming stops), with the ids of a warmed process', async () => {
    const atOnce = await WorkerGenerator.start({ dir, dtype: 'q8', engine: 'ort', intraOpThreads: 1 });
    const first = await atOnce.generate(request).finally(() => atOnce.dispose());
    const later = await WorkerGenerator.start({ dir, dtype: 'q8', engine: 'ort', intraOpThreads: 1 });
    await sleep(1500);
    const second = await later.generate(request).finally(() => later.dispose());
    expect(first.map((s) => s.ids)).toEqual(second.map((s) => s.ids));
    expect(first.some((s) => s.ids.length > 0)).toBe(true);
  }, 60_000);
});
