/**
 * The engine in its own process (a killable worker): same results as in-process, the caller's event loop stays free
 * while a batch generates, and an abort stops a run at once by terminating the worker.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGenerator } from '../../src/engine/generation/open-generator.js';
import type { GenerateRequest } from '../../src/engine/generation/sequence-generator.js';
import { openAhead, prestartModelProcess, WorkerGenerator } from '../../src/engine/generation/worker-generator.js';
import type { ThreadPlan } from '../../src/engine/generation/thread-plan.js';
import type { WorkerInit } from '../../src/engine/generation/worker-protocol.js';
import { loadTranslator } from '../../src/engine/load-translator.js';
import { loadTokenizer, readModelConfig, type ModelConfig } from '../../src/engine/model-directory.js';
import { modelFile } from '../../src/engine/model-store/model-files.js';
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

  describe('a model process given its work ahead (openAhead)', () => {
    const work: WorkerInit = { dir: '', dtype: 'fp32', engine: 'ort', intraOpThreads: 1, replicas: 1 };
    beforeAll(() => {
      work.dir = dir;
    });
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

    it('is not given with no process started ahead, nor given twice', async () => {
      expect(openAhead(work)).toBe(false);
      const ahead = prestartModelProcess()!;
      expect(openAhead(work)).toBe(true);
      expect(openAhead({ ...work, intraOpThreads: 2 })).toBe(false);
      const worker = await WorkerGenerator.start(work);
      expect(worker.pid).toBe(ahead);
      expect(worker.openedAhead).toBe(true);
      // Taken: nothing is left ahead to give work to.
      expect(openAhead(work)).toBe(false);
      await worker.dispose();
    });

    it('the same work takes it, and hears the plan and ready it sent before it was taken', async () => {
      // How long this model takes to open from a fresh process here, now (a loaded machine is slower).
      const began = performance.now();
      const control = await WorkerGenerator.start(work);
      const openMs = performance.now() - began;
      await control.dispose();

      const ahead = prestartModelProcess()!;
      expect(openAhead(work)).toBe(true);
      // Long enough for the model to be open over there: its plan and ready have come before anyone listens.
      await sleep(2 * openMs + 500);
      const plans: ThreadPlan[] = [];
      const worker = await WorkerGenerator.start({ ...work }, undefined, (plan) => plans.push(plan));
      expect(worker.pid).toBe(ahead);
      expect(worker.openedAhead).toBe(true);
      expect(plans).toEqual([worker.threads]);
      expect(worker.threads).toMatchObject({ replicas: 1, threads: 1 });
      const local = await openGenerator(dir, 'fp32', { engine: 'ort', intraOpThreads: 1 });
      expect(await worker.generate(request(inputs, 20))).toEqual(await local.generate(request(inputs, 20)));
      await Promise.all([worker.dispose(), local.dispose()]);
    });

    it('other work gets a process of its own, and the one opened ahead ends', async () => {
      // Each field of the work counts; the first (one more process than given ahead) is what a CLI's wrong guess would most likely be.
      const others: WorkerInit[] = [{ ...work, replicas: 2 }, { ...work, intraOpThreads: 2 }, { ...work, dtype: 'q8' }, { ...work, engine: 'js' }];
      for (const [i, other] of others.entries()) {
        const ahead = prestartModelProcess()!;
        expect(openAhead(work)).toBe(true);
        const worker = await WorkerGenerator.start(other);
        expect(worker.pid, JSON.stringify(other)).not.toBe(ahead);
        expect(worker.openedAhead).toBe(false);
        expect(worker.kind).toBe(other.engine);
        expect(await processesGone([ahead]), `model process ${ahead} opened ahead for other work still running`).toBe(true);
        if (i === 0) {
          const local = await openGenerator(dir, other.dtype, { engine: other.engine, intraOpThreads: 1 });
          expect(await worker.generate(request(inputs, 20))).toEqual(await local.generate(request(inputs, 20)));
          await local.dispose();
        }
        await worker.dispose();
      }
    });

    it('a model that fails to open ahead fails the start that takes it, with the model process’s own error', async () => {
      const broken = mkdtempSync(path.join(os.tmpdir(), 'da2en-ahead-broken-'));
      try {
        cpSync(dir, broken, { recursive: true });
        rmSync(path.join(broken, modelFile('decoder', 'fp32')));
        const bad = { ...work, dir: broken };
        // What a process of its own says, and how long it takes to say it.
        const began = performance.now();
        const fresh = await WorkerGenerator.start(bad).then(
          () => 'opened',
          (err: Error) => err.message,
        );
        const failMs = performance.now() - began;
        expect(fresh).toMatch(/decoder_model_merged/);
        const ahead = prestartModelProcess()!;
        expect(openAhead(bad)).toBe(true);
        // Its failure comes before the start: the start hears it all the same.
        await sleep(2 * failMs + 500);
        await expect(WorkerGenerator.start({ ...bad })).rejects.toThrow(fresh);
        expect(await processesGone([ahead])).toBe(true);
      } finally {
        rmSync(broken, { recursive: true, force: true });
      }
    });
  });

  it('a model process started ahead is the one the next start takes; one never taken ends with its caller', async () => {
    const ahead = prestartModelProcess();
    expect(ahead).toBeGreaterThan(0);
    const worker = await WorkerGenerator.start({ dir, dtype: 'fp32', engine: 'ort', intraOpThreads: 1 });
    expect(worker.pid).toBe(ahead);
    // Started ahead, but its work came with the start: not opened ahead.
    expect(worker.openedAhead).toBe(false);
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
