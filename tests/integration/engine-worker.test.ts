/**
 * The engine in its own process (a killable worker): same results as in-process, the caller's event loop stays free
 * while a batch generates, and an abort stops a run at once by terminating the worker.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGenerator } from '../../src/engine/generation/open-generator.js';
import type { GenerateRequest } from '../../src/engine/generation/sequence-generator.js';
import { prestartModelProcess, WorkerGenerator } from '../../src/engine/generation/worker-generator.js';
import { loadTranslator } from '../../src/engine/load-translator.js';
import { loadTokenizer, readModelConfig, type ModelConfig } from '../../src/engine/model-directory.js';
import { builtModel } from '../../tools/builder-models.js';
import { processAlive, processesGone } from '../helpers/process-alive.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const TEXTS = ['Det regner.', 'Kommunen bygger en ny skole til næsten fire hundrede elever.', 'Hvorfor?', 'Børn og voksne fejrede sejren på torvet i går aftes.'];

describe('engine in its own process (WorkerGenerator)', () => {
  let dir: string;
  let model: ModelConfig;
  let inputs: number[][];
  beforeAll(async () => {
    dir = await builtModel('tiny');
    model = await readModelConfig(dir);
    const tokenizer = await loadTokenizer(dir);
    inputs = TEXTS.map((t) => tokenizer.encode(t) as number[]);
  });

  const request = (rows: number[][], cap: number, beams = 1): GenerateRequest => ({
    inputs: rows,
    beams,
    maxNewTokens: rows.map(() => cap),
    flagLengthCap: true,
    repetitionGuard: false,
    lengthPenalty: 1,
    earlyStopping: false,
    bannedIds: model.generation.badWordIds,
  });

  it('gives the in-process results (op and loop)', async () => {
    for (const engine of ['ort', 'js'] as const) {
      const worker = await WorkerGenerator.start({ dir, dtype: 'fp32', engine, intraOpThreads: 1 });
      const local = await openGenerator(dir, 'fp32', { engine, intraOpThreads: 1 });
      expect(worker.kind).toBe(engine);
      for (const beams of [1, 3]) expect(await worker.generate(request(inputs, 20, beams))).toEqual(await local.generate(request(inputs, 20, beams)));
      await worker.dispose();
      await local.dispose();
      await expect(worker.generate(request(inputs, 5))).rejects.toThrow(/disposed/);
    }
  });

  describe('a long run', () => {
    let worker: WorkerGenerator;
    // The step-by-step loop on 64 rows to 500 tokens: seconds of work on any machine.
    const long = () => request(Array.from({ length: 64 }, (_, i) => inputs[i % inputs.length]!), 500, 1);
    beforeAll(async () => {
      worker = await WorkerGenerator.start({ dir, dtype: 'fp32', engine: 'js', intraOpThreads: 1 });
    });
    afterAll(() => worker?.dispose());

    it('leaves the event loop free, and an abort rejects at once and ends the worker', async () => {
      const controller = new AbortController();
      const run = worker.generate(long(), controller.signal);
      // Timers keep firing while the worker generates.
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      await new Promise((r) => setTimeout(r, 500));
      clearInterval(timer);
      expect(ticks).toBeGreaterThan(10);
      const abortedAt = Date.now();
      controller.abort(new Error('stop now'));
      await expect(run).rejects.toThrow('stop now');
      expect(Date.now() - abortedAt).toBeLessThan(2000);
      // The worker (and its model) is gone: later calls fail instead of hanging.
      await expect(worker.generate(request(inputs, 5))).rejects.toThrow();
    });
  });

  it('ends when its parent is killed outright, even in the middle of a run inside ONNX Runtime (no orphan)', async () => {
    const parent = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'tests/helpers/model-process-parent.ts'), dir], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    parent.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const start = Date.now();
    while (!out.includes('running')) {
      if (Date.now() - start > 60_000 || parent.exitCode !== null) throw new Error(`the parent did not start its run: ${out}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    const pid = Number(/model process (\d+)/.exec(out)![1]);
    await new Promise((r) => setTimeout(r, 300));
    expect(processAlive(pid)).toBe(true);
    parent.kill('SIGKILL');
    const killedAt = Date.now();
    // Without the watcher it ran on until the batch was done (far beyond this bound); the bound is loose
    // because a busy machine delays every process.
    while (processAlive(pid) && Date.now() - killedAt < 10_000) await new Promise((r) => setTimeout(r, 25));
    expect(processAlive(pid), `model process still there ${Date.now() - killedAt} ms after its parent was killed`).toBe(false);
  });

  it('is what loadTranslator gives library code: translations, the engine it uses, and a load error as one line', async () => {
    const translator = await loadTranslator({ model: dir, offline: true, dtype: 'q8' });
    expect((translator as unknown as { engine: string }).engine).toBe('ort');
    const out = await translator.translateBatch(TEXTS);
    expect(out).toHaveLength(TEXTS.length);
    for (const r of out) expect(r.tokens).toBeGreaterThan(0);
    await translator.dispose();
  });

  it('a model process started ahead is the one the next start takes; one never taken ends with its caller', async () => {
    const ahead = prestartModelProcess();
    expect(ahead).toBeGreaterThan(0);
    const worker = await WorkerGenerator.start({ dir, dtype: 'fp32', engine: 'ort', intraOpThreads: 1 });
    expect(worker.pid).toBe(ahead);
    expect(worker.threads).toMatchObject({ replicas: 1, threads: 1 });
    const local = await openGenerator(dir, 'fp32', { engine: 'ort', intraOpThreads: 1 });
    expect(await worker.generate(request(inputs, 20))).toEqual(await local.generate(request(inputs, 20)));
    await Promise.all([worker.dispose(), local.dispose()]);
    // The next start spawns its own.
    const next = await WorkerGenerator.start({ dir, dtype: 'fp32', engine: 'ort', intraOpThreads: 1 });
    expect(next.pid).not.toBe(ahead);
    await next.dispose();

    const caller = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'tests/helpers/prestart-unused.ts')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    caller.stdout.on('data', (d: Buffer) => (out += d.toString()));
    // It ends by itself: the process started ahead holds nothing open.
    const code = await new Promise<number | null>((resolve) => caller.on('exit', resolve));
    expect(code).toBe(0);
    const pid = Number(/prestarted (\d+)/.exec(out)![1]);
    expect(await processesGone([pid]), `model process ${pid} started ahead still running after its caller ended`).toBe(true);
  });
});
