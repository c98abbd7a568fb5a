/**
 * Two model processes, each running its own batch (thread-plan.ts, replica-pool.ts), on the builder's
 * tiny model: the same ids as one process in this one, both processes used, both gone after dispose;
 * on a model's first use the wrapped model is made once; --threads 1 keeps one process.
 */
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGenerator } from '../../src/engine/generation/open-generator.js';
import { ReplicaPool } from '../../src/engine/generation/replica-pool.js';
import type { GenerateRequest } from '../../src/engine/generation/sequence-generator.js';
import { loadTranslator } from '../../src/engine/load-translator.js';
import { loadTokenizer, readModelConfig, type ModelConfig } from '../../src/engine/model-directory.js';
import { translateDocument } from '../../src/pipeline/translate-document.js';
import { segmentForTranslator } from '../../src/segmentation/for-translator.js';
import { builtModel } from '../../tools/builder-models.js';
import { processesGone } from '../helpers/process-alive.js';
import { runCli } from '../helpers/run-cli.js';
import { TWO_PROCESSES_FROM_CHARACTERS, processesForWork } from '../../src/engine/generation/thread-plan.js';

const SENTENCES = [
  'Det regner.',
  'Kommunen bygger en ny skole til næsten fire hundrede elever.',
  'Hvorfor?',
  'Børn og voksne fejrede sejren på torvet i går aftes.',
  'Regeringen fremlagde i dag sit forslag til næste års finanslov.',
  'Vejret bliver koldt.',
  'Mange tusinde mennesker var mødt op for at høre talen på rådhuspladsen.',
  'Toget var forsinket.',
];

describe('two model processes', () => {
  let dir: string;
  let model: ModelConfig;
  let inputs: number[][];
  const scratch: string[] = [];
  beforeAll(async () => {
    dir = await builtModel('tiny');
    model = await readModelConfig(dir);
    const tokenizer = await loadTokenizer(dir);
    inputs = SENTENCES.map((t) => tokenizer.encode(t) as number[]);
  });
  afterAll(async () => {
    for (const d of scratch) await rm(d, { recursive: true, force: true });
  });

  const request = (rows: number[][], beams = 1): GenerateRequest => ({
    inputs: rows,
    beams,
    maxNewTokens: rows.map(() => 20),
    flagLengthCap: true,
    repetitionGuard: false,
    lengthPenalty: 1,
    earlyStopping: false,
    bannedIds: model.generation.badWordIds,
  });

  it('run batches side by side with the ids of one process in this one, and both stop on dispose', async () => {
    const pool = await ReplicaPool.start({ dir, dtype: 'fp32', engine: 'ort', intraOpThreads: 2 });
    await pool.whenJoined();
    expect(pool.threads).toMatchObject({ replicas: 2, threads: 1 });
    expect(pool.size).toBe(2);
    const pids = pool.pids;
    expect(new Set(pids).size).toBe(2);
    const local = await openGenerator(dir, 'fp32', { engine: 'ort', intraOpThreads: 1 });
    const batches = [inputs.slice(0, 2), inputs.slice(2, 4), inputs.slice(4, 6), inputs.slice(6, 8)];
    for (const beams of [1, 3]) {
      const together = await Promise.all(batches.map((b) => pool.generate(request(b, beams))));
      for (const [i, b] of batches.entries()) expect(together[i]).toEqual(await local.generate(request(b, beams)));
    }
    // Two free processes, four batches at once: each took its share.
    for (const count of pool.batchCounts) expect(count).toBeGreaterThanOrEqual(2);
    await local.dispose();
    await pool.dispose();
    expect(await processesGone(pids), `model processes ${pids.join(', ')} still running after dispose`).toBe(true);
  });

  it('an abort kills the process of the aborted batch only: another caller’s batch waiting for it runs on a fresh process, and so does later work', async () => {
    const pool = await ReplicaPool.start({ dir, dtype: 'fp32', engine: 'js', intraOpThreads: 1, replicas: 1 });
    await pool.whenJoined();
    const [killed] = pool.pids;
    // The step-by-step loop on 64 rows to 500 tokens: seconds of work on any machine.
    const long = { ...request(Array.from({ length: 64 }, (_, i) => inputs[i % inputs.length]!)), maxNewTokens: Array.from({ length: 64 }, () => 500) };
    const stop = new AbortController();
    const aborted = pool.generate(long, stop.signal);
    const other = pool.generate(request(inputs.slice(0, 2)));
    await new Promise((r) => setTimeout(r, 300));
    stop.abort(new Error('stopped by the user'));
    await expect(aborted).rejects.toThrow('stopped by the user');
    const local = await openGenerator(dir, 'fp32', { engine: 'js', intraOpThreads: 1 });
    expect(await other).toEqual(await local.generate(request(inputs.slice(0, 2))));
    expect(await pool.generate(request(inputs.slice(2, 4)))).toEqual(await local.generate(request(inputs.slice(2, 4))));
    expect(pool.size).toBe(1);
    expect(pool.pids).not.toContain(killed);
    expect(await processesGone([killed!])).toBe(true);
    const pids = pool.pids;
    await local.dispose();
    await pool.dispose();
    expect(await processesGone(pids)).toBe(true);
  });

  it('on a model’s first use, the second process waits for the wrapped model and its prepared copy the first makes (made once)', async () => {
    const copy = await mkdtemp(path.join(os.tmpdir(), 'da2en-replicas-'));
    scratch.push(copy);
    await cp(dir, copy, { recursive: true, filter: (src) => !path.basename(src).startsWith('da2en_generate') });
    expect((await readdir(path.join(copy, 'onnx'))).filter((f) => f.startsWith('da2en_generate'))).toEqual([]);
    const pool = await ReplicaPool.start({ dir: copy, dtype: 'fp32', engine: 'auto', intraOpThreads: 2 });
    await pool.whenJoined();
    expect(pool.size).toBe(2);
    expect(pool.kind).toBe('ort');
    // One wrapped model and its prepared copy, with their stamps; no temporary file or folder of a second maker left behind.
    expect((await readdir(path.join(copy, 'onnx'))).filter((f) => f.startsWith('da2en_generate') || f.startsWith('.')).sort()).toEqual([
      'da2en_generate.onnx',
      'da2en_generate.onnx.data',
      'da2en_generate.onnx.json',
      'da2en_generate.prepared.onnx',
      'da2en_generate.prepared.onnx.data',
      'da2en_generate.prepared.onnx.json',
    ]);
    expect(JSON.parse(await readFile(path.join(copy, 'onnx', 'da2en_generate.prepared.onnx.json'), 'utf8')).failed).toBeUndefined();
    const [a, b] = await Promise.all([pool.generate(request(inputs.slice(0, 4))), pool.generate(request(inputs.slice(4)))]);
    expect(a).toHaveLength(4);
    expect(b).toHaveLength(4);
    await pool.dispose();
  });

  it('--threads 1 or --model-processes 1 keep one process; a translator keeps two batches in flight either way, with the same translations', async () => {
    const pool = await ReplicaPool.start({ dir, dtype: 'fp32', engine: 'ort', intraOpThreads: 1 });
    await pool.whenJoined();
    expect(pool.size).toBe(1);
    expect(pool.threads).toMatchObject({ replicas: 1, threads: 1 });
    await pool.dispose();
    const capped = await ReplicaPool.start({ dir, dtype: 'fp32', engine: 'ort', intraOpThreads: 2, replicas: 1 });
    await capped.whenJoined();
    expect(capped.size).toBe(1);
    expect(capped.threads).toMatchObject({ replicas: 1, threads: 2 });
    await capped.dispose();

    // Two batches in flight either way: with one process the next one waits ready in this process.
    const one = await loadTranslator({ model: dir, offline: true, dtype: 'fp32', threads: 1 });
    const two = await loadTranslator({ model: dir, offline: true, dtype: 'fp32', threads: 2 });
    expect(one.concurrency).toBe(2);
    expect(two.concurrency).toBe(2);
    expect(await one.modelProcesses()).toBe(1);
    expect(await two.modelProcesses()).toBe(2);
    const text = SENTENCES.join(' ');
    const translate = (t: typeof one) => translateDocument(segmentForTranslator(text, t), t, { maxBatchSize: 2 });
    const [single, double] = [await translate(one), await translate(two)];
    expect(double.stats.modelCalls).toBe(single.stats.modelCalls);
    expect(double.paragraphs).toEqual(single.paragraphs);
    await Promise.all([one.dispose(), two.dispose()]);
  });

  it('the CLI: an article or two runs on one process with every thread; more text on two, the same translations', async () => {
    expect(processesForWork(TWO_PROCESSES_FROM_CHARACTERS - 1)).toBe(1);
    expect(processesForWork(TWO_PROCESSES_FROM_CHARACTERS)).toBeUndefined();
    const work = await mkdtemp(path.join(os.tmpdir(), 'da2en-replicas-cli-'));
    scratch.push(work);
    const short = path.join(work, 'short.da.txt');
    const long = path.join(work, 'long.da.txt');
    await writeFile(short, SENTENCES.join('\n\n') + '\n');
    // The same sentences again and again, past the threshold (paragraphs of distinct numbers).
    const paragraphs: string[] = [];
    for (let i = 0; paragraphs.join('\n\n').length < TWO_PROCESSES_FROM_CHARACTERS; i++) paragraphs.push(`${i + 1}. ${SENTENCES[i % SENTENCES.length]}`);
    await writeFile(long, paragraphs.join('\n\n') + '\n');
    // --threads 2: two threads whatever else runs on this machine, so the plan does not depend on it.
    const run = (input: string, out: string, ...extra: string[]) => runCli([input, '--model', dir, '--offline', '--threads', '2', '--no-cache', '--format', 'json', '-o', path.join(work, out), '--verbose', ...extra]);
    const one = await run(short, 'short.json');
    expect(one.code, one.stderr).toBe(0);
    expect(one.stderr).toMatch(/model started in [\d.]+ s \([^)]*, 2 threads/);
    const two = await run(long, 'long.json');
    expect(two.code, two.stderr).toBe(0);
    expect(two.stderr).toMatch(/2 model processes of 1 thread each/);
    const capped = await run(long, 'long-one.json', '--model-processes', '1');
    expect(capped.stderr).toMatch(/model started in [\d.]+ s \([^)]*, 2 threads/);
    // Piped in, even the long text is taken as one article (its size is unknown before it is read).
    const piped = await runCli(['-', '--model', dir, '--offline', '--threads', '2', '--no-cache', '--format', 'json', '-o', path.join(work, 'piped.json'), '--verbose'], await readFile(long, 'utf8'));
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stderr).toMatch(/model started in [\d.]+ s \([^)]*, 2 threads/);
    const paragraphsOf = async (file: string) => (JSON.parse(await readFile(path.join(work, file), 'utf8')) as { paragraphs: unknown[] }).paragraphs;
    expect(await paragraphsOf('long.json')).toEqual(await paragraphsOf('long-one.json'));
  });
});
