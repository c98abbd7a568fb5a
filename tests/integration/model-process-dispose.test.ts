/**
 * The model process ends at once when its caller disposes of it: it is killed (by itself), not taken
 * through releasing its sessions and Node's and ONNX Runtime's teardown, which the caller used to wait
 * ~0.1 s for at the end of every CLI run.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WorkerInit, WorkerReply, WorkerRequest } from '../../src/engine/generation/worker-protocol.js';
import { WorkerGenerator } from '../../src/engine/generation/worker-generator.js';
import { builtModel } from '../../tools/builder-models.js';

const entry = path.resolve(import.meta.dirname, '../../src/engine/generation/generator-worker.ts');

function next(child: ChildProcess, type: WorkerReply['type']): Promise<WorkerReply> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: WorkerReply) => {
      if (m.type !== type) return;
      child.off('message', onMessage);
      resolve(m);
    };
    child.on('message', onMessage);
    child.once('exit', (code, signal) => reject(new Error(`the model process ended (${signal ?? code}) before "${type}"`)));
  });
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('disposing of the model process', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await builtModel('tiny');
  });

  it('ends it at once, killed by itself, after it has answered every request', async () => {
    const init: WorkerInit = { dir, dtype: 'q8', engine: 'ort', intraOpThreads: 1 };
    const child = fork(entry, [JSON.stringify(init)], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    await next(child, 'ready');
    const rows = [[10, 20, 30, 0], [11, 21, 0]];
    child.send({ type: 'generate', id: 1, request: { inputs: rows, beams: 1, maxNewTokens: rows.map(() => 8), flagLengthCap: true, repetitionGuard: false, lengthPenalty: 1, earlyStopping: false, bannedIds: [] } } satisfies WorkerRequest);
    const result = await next(child, 'result');
    expect(result.type === 'result' && result.sequences).toHaveLength(2);
    child.send({ type: 'dispose' } satisfies WorkerRequest);
    // Not an exit through the sessions' release and the libraries' teardown (code 0), nor an abort (134).
    expect(await exited).toEqual({ code: null, signal: 'SIGKILL' });
  }, 60_000);

  it('through WorkerGenerator: dispose resolves once the process is gone', async () => {
    const generator = await WorkerGenerator.start({ dir, dtype: 'q8', engine: 'ort', intraOpThreads: 1 });
    const pid = generator.pid!;
    expect(alive(pid)).toBe(true);
    await generator.dispose();
    expect(alive(pid)).toBe(false);
  }, 60_000);

  it('a request in flight when it is disposed fails with kind usage (was a plain Error, no kind), and so does a translation', async () => {
    const { isDa2enError } = await import('../../src/errors.js');
    const generator = await WorkerGenerator.start({ dir, dtype: 'q8', engine: 'ort', intraOpThreads: 1 });
    // Long enough to be inside ONNX Runtime when the dispose arrives: the process ends without answering it.
    const rows = Array.from({ length: 32 }, (_, r) => [...Array.from({ length: 60 }, (_, i) => 10 + ((i * 7 + r) % 900)), 0]);
    const pending = generator.generate({ inputs: rows, beams: 4, maxNewTokens: rows.map(() => 200), flagLengthCap: true, repetitionGuard: false, lengthPenalty: 1, earlyStopping: false, bannedIds: [] }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await generator.dispose();
    const err = await pending;
    expect(isDa2enError(err, 'usage'), String(err)).toBe(true);
    expect((err as Error).message).toBe('the translator was disposed');

    const { loadTranslator } = await import('../../src/engine/load-translator.js');
    for (const modelProcesses of [1, 2]) {
      const translator = await loadTranslator({ model: dir, offline: true, threads: modelProcesses, modelProcesses });
      const texts = Array.from({ length: 16 }, (_, i) => `Dette er afsnit nummer ${i}. Han gik hjem i går og spiste brød med sin familie.`);
      // Asked for before the dispose: answered, or refused with kind usage, whichever the timing gives.
      const batch = translator.translateBatch(texts).catch((e: unknown) => e);
      await translator.dispose();
      const out = await batch;
      if (!Array.isArray(out)) expect(isDa2enError(out, 'usage'), String(out)).toBe(true);
    }
  }, 120_000);
});
