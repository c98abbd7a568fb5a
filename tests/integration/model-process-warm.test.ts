/**
 * The model process warms its heap while it waits for its first batch (heap-warmer.ts): started by
 * library code (WorkerGenerator, behind the CLI and `da2en serve`), it holds the warmed memory
 * without being asked, and a batch sent at once is answered all the same, with the same ids.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { HEAP_WARM_BYTES } from '../../src/engine/generation/heap-warmer.js';
import { modelProcessEnv } from '../../src/engine/generation/model-process-env.js';
import { WorkerGenerator } from '../../src/engine/generation/worker-generator.js';
import type { WorkerInit, WorkerReply } from '../../src/engine/generation/worker-protocol.js';
import type { GenerateRequest } from '../../src/engine/generation/sequence-generator.js';
import { builtModel } from '../../tools/builder-models.js';

const entry = path.resolve(import.meta.dirname, '../../src/engine/generation/generator-worker.ts');

const residentBytes = (pid: number): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

const rows = [[10, 20, 30, 40, 0], [11, 21, 0], [12, 22, 32, 0]];
const request: GenerateRequest = { inputs: rows, beams: 1, maxNewTokens: rows.map(() => 12), flagLengthCap: true, repetitionGuard: false, lengthPenalty: 1, earlyStopping: false, bannedIds: [] };

describe.runIf(process.platform === 'linux')('the model process while it waits for its first batch', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await builtModel('tiny');
  });

  it('warms its heap: it holds the warmed memory beyond what the same process holds without a garbage collector to warm with', async () => {
    const generator = await WorkerGenerator.start({ dir, dtype: 'q8', engine: 'ort', intraOpThreads: 1 });
    // The same model process, started without --expose-gc: it cannot free the blocks, so it warms nothing.
    const init: WorkerInit = { dir, dtype: 'q8', engine: 'ort', intraOpThreads: 1 };
    const control = fork(entry, [JSON.stringify(init)], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env: modelProcessEnv(process.env) });
    try {
      const pid = generator.pid!;
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toContain('--expose-gc');
      await new Promise<void>((resolve, reject) => {
        control.on('message', (m: WorkerReply) => (m.type === 'ready' ? resolve() : m.type === 'failed' ? reject(new Error(m.error.message)) : undefined));
        control.once('exit', () => reject(new Error('the control process ended')));
      });
      // Warming takes 0.1–1.1 s here; both then hold still.
      let extra = 0;
      for (let waited = 0; waited < 30_000 && extra < HEAP_WARM_BYTES * 0.6; waited += 200) {
        await sleep(200);
        extra = residentBytes(pid) - residentBytes(control.pid!);
      }
      expect(extra).toBeGreaterThanOrEqual(HEAP_WARM_BYTES * 0.6);
      await sleep(300);
      // Freed by its own collection, not given back to the system.
      expect(residentBytes(pid) - residentBytes(control.pid!)).toBeGreaterThanOrEqual(HEAP_WARM_BYTES * 0.6);
      expect(await generator.generate(request)).toHaveLength(3);
    } finally {
      control.kill('SIGKILL');
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
