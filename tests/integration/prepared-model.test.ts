/**
 * The prepared copy of the wrapped model (prepared-model.ts): ONNX Runtime's own optimised save with
 * prepacked weights, made once per machine, verified, reused, made again when what it was made for
 * changes, and never in the way of a translation when it cannot be made or opened.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dtype } from '../../src/engine/dtype.js';
import { generationModelPath, generationTempName, generationTempPid, generationWeightsPath } from '../../src/engine/generation/generation-model.js';
import { openGenerator, opensWithoutMaking } from '../../src/engine/generation/open-generator.js';
import { OrtGenerator } from '../../src/engine/generation/ort-generator.js';
import { machineFingerprint, preparedModelPath, preparedModelState, preparedStampPath, preparedWeightsPath } from '../../src/engine/generation/prepared-model.js';
import type { GenerateRequest, SequenceGenerator } from '../../src/engine/generation/sequence-generator.js';
import { sessionOptions } from '../../src/engine/marian-model.js';
import { loadTokenizer, readModelConfig, type ModelConfig } from '../../src/engine/model-directory.js';
import { builtModel } from '../../tools/builder-models.js';
import { MIXED_LENGTH_SENTENCES } from '../helpers/mixed-length-sentences.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const scratch: string[] = [];
afterAll(async () => {
  for (const d of scratch) await rm(d, { recursive: true, force: true });
});

async function copyModel(): Promise<string> {
  const copy = await mkdtemp(path.join(os.tmpdir(), 'da2en-prepared-'));
  scratch.push(copy);
  // Sources only: the wrapped model and its prepared copy are made by the test.
  await cp(await builtModel('tiny'), copy, { recursive: true, filter: (src) => !path.basename(src).startsWith('da2en_generate') });
  return copy;
}

const request = (model: ModelConfig, inputs: number[][], beams: number): GenerateRequest => ({
  inputs,
  beams,
  maxNewTokens: inputs.map((ids) => ids.length + 6),
  flagLengthCap: true,
  repetitionGuard: false,
  lengthPenalty: 1,
  earlyStopping: model.generation.earlyStopping,
  bannedIds: model.generation.badWordIds,
});

/** Ids for every sentence, one at a time and as one batch, greedy and with beams. */
async function idsOf(generator: SequenceGenerator, model: ModelConfig, inputs: number[][]): Promise<number[][]> {
  const out: number[][] = [];
  for (const beams of [1, 2, 4]) {
    for (const ids of inputs) out.push(...(await generator.generate(request(model, [ids], beams))).map((s) => s.ids));
    out.push(...(await generator.generate(request(model, inputs, beams))).map((s) => s.ids));
  }
  return out;
}

/** The wrapped model exactly as ONNX Runtime opens it from its file, without any prepared copy. */
async function plainWrapped(dir: string, dtype: Dtype, model: ModelConfig): Promise<OrtGenerator> {
  return new OrtGenerator(await ort.InferenceSession.create(generationModelPath(dir, dtype), sessionOptions({ intraOpThreads: 1 })), model.config);
}

const fileId = async (file: string) => {
  const s = await stat(file);
  return `${s.ino}:${s.mtimeMs}:${s.size}`;
};

const prepareFiles = (dir: string, dtype: Dtype) => [preparedModelPath(dir, dtype), preparedWeightsPath(dir, dtype), preparedStampPath(dir, dtype)];

const leftovers = async (dir: string) => (await readdir(path.join(dir, 'onnx'))).filter((f) => f.startsWith('.prepared-') || f.includes('.tmp-'));

describe.each(['q8', 'fp32'] as Dtype[])('the prepared copy (%s)', (dtype) => {
  let dir: string;
  let model: ModelConfig;
  let inputs: number[][];
  let reference: number[][];

  beforeAll(async () => {
    dir = await copyModel();
    model = await readModelConfig(dir);
    const tokenizer = await loadTokenizer(dir);
    inputs = MIXED_LENGTH_SENTENCES.map((t) => tokenizer.encode(t) as number[]);
  });

  it('is made with the wrapped model on first use, stamped, and gives the plain wrapped session’s ids', async () => {
    expect(await opensWithoutMaking(dir, dtype)).toBe(false);
    const first = await openGenerator(dir, dtype, { engine: 'ort', intraOpThreads: 1 });
    expect(first.kind).toBe('ort');
    const [modelFile, dataFile, stampFile] = prepareFiles(dir, dtype);
    const stamp = JSON.parse(await readFile(stampFile!, 'utf8')) as Record<string, unknown>;
    expect(stamp).toMatchObject({ ort: ort.env.versions.node, cpu: machineFingerprint(), model: (await stat(modelFile!)).size, data: (await stat(dataFile!)).size });
    expect(stamp['failed']).toBeUndefined();
    expect(machineFingerprint()).toContain(os.arch());
    expect(await leftovers(dir)).toEqual([]);
    expect(await preparedModelState(dir, dtype)).toEqual({ state: 'current', path: modelFile });
    expect(await opensWithoutMaking(dir, dtype)).toBe(true);
    const plain = await plainWrapped(dir, dtype, model);
    reference = await idsOf(plain, model, inputs);
    await plain.dispose();
    // The outputs depend on the inputs (otherwise the comparisons below could not fail).
    expect(new Set(reference.map((r) => r.join(' '))).size).toBeGreaterThanOrEqual(inputs.length / 2);
    expect(await idsOf(first, model, inputs)).toEqual(reference);
    await first.dispose();
  });

  it('is opened on its own afterwards: not made again, and the wrapped weights are not read', async () => {
    const files = prepareFiles(dir, dtype);
    const before = await Promise.all(files.map(fileId));
    // Wrapped weights zeroed (same size, so the wrapped model still counts as current): only the
    // prepared copy can still give the reference ids.
    const wrappedWeights = generationWeightsPath(dir, dtype);
    const original = await readFile(wrappedWeights);
    await writeFile(wrappedWeights, Buffer.alloc(original.length));
    try {
      const again = await openGenerator(dir, dtype, { engine: 'ort', intraOpThreads: 1 });
      expect(await idsOf(again, model, inputs)).toEqual(reference);
      await again.dispose();
      // The zeroed wrapped model really gives other ids (so the check above could fail).
      const zeroed = await plainWrapped(dir, dtype, model);
      expect(await idsOf(zeroed, model, inputs)).not.toEqual(reference);
      await zeroed.dispose();
    } finally {
      await writeFile(wrappedWeights, original);
    }
    expect(await Promise.all(files.map(fileId))).toEqual(before);
  });

  const stale: [string, () => Promise<void>][] = [
    ['another CPU', async () => {
      const file = preparedStampPath(dir, dtype);
      await writeFile(file, (await readFile(file, 'utf8')).replace(JSON.stringify(machineFingerprint()), '"x64 Another CPU 0123456789abcdef"'));
    }],
    ['another ONNX Runtime', async () => {
      const file = preparedStampPath(dir, dtype);
      await writeFile(file, (await readFile(file, 'utf8')).replace(`"ort":"${ort.env.versions.node}"`, '"ort":"1.29.0"'));
    }],
    ['a weights file cut short', () => truncate(preparedWeightsPath(dir, dtype), 4096)],
    ['a remade wrapped model (its source changed)', async () => {
      const later = new Date(Date.now() + 60_000);
      await utimes(path.join(dir, 'onnx', dtype === 'q8' ? 'decoder_model_merged_quantized.onnx' : 'decoder_model_merged.onnx'), later, later);
    }],
    ['a damaged model file', async () => {
      const file = preparedModelPath(dir, dtype);
      const bytes = await readFile(file);
      bytes.fill(0x55, 0, Math.min(bytes.length, 4096));
      await writeFile(file, bytes);
    }],
  ];
  for (const [why, damage] of stale) {
    it(`is made again for ${why}, with the same ids`, async () => {
      const stampBefore = await readFile(preparedStampPath(dir, dtype), 'utf8');
      const dataBefore = await fileId(preparedWeightsPath(dir, dtype));
      await damage();
      const remade = await openGenerator(dir, dtype, { engine: 'ort', intraOpThreads: 1 });
      expect(remade.kind).toBe('ort');
      expect(await idsOf(remade, model, inputs)).toEqual(reference);
      await remade.dispose();
      expect(await fileId(preparedWeightsPath(dir, dtype))).not.toBe(dataBefore);
      const stamp = await readFile(preparedStampPath(dir, dtype), 'utf8');
      expect(JSON.parse(stamp)).toMatchObject({ ort: ort.env.versions.node, cpu: machineFingerprint() });
      if (why.startsWith('a remade wrapped')) expect(JSON.parse(stamp).wrapped).not.toBe(JSON.parse(stampBefore).wrapped);
      expect(await preparedModelState(dir, dtype)).toMatchObject({ state: 'current' });
      expect(await leftovers(dir)).toEqual([]);
    });
  }
});

describe('a prepared copy that cannot be made', () => {
  it('is recorded as failed for this machine, not tried again, and the wrapped model serves', async () => {
    const dir = await copyModel();
    const model = await readModelConfig(dir);
    const tokenizer = await loadTokenizer(dir);
    const inputs = MIXED_LENGTH_SENTENCES.slice(0, 4).map((t) => tokenizer.encode(t) as number[]);
    // A folder where the copy's model file must go: the copy is saved and verified, but cannot be moved into place.
    await mkdir(path.join(preparedModelPath(dir, 'q8'), 'blocked'), { recursive: true });
    const first = await openGenerator(dir, 'q8', { engine: 'ort', intraOpThreads: 1 });
    expect(first.kind).toBe('ort');
    const stamp = JSON.parse(await readFile(preparedStampPath(dir, 'q8'), 'utf8')) as Record<string, unknown>;
    expect(stamp).toMatchObject({ cpu: machineFingerprint() });
    expect(String(stamp['failed'])).toMatch(/prepared\.onnx/);
    expect(await preparedModelState(dir, 'q8')).toMatchObject({ state: 'failed' });
    // The first process makes nothing now, so a second need not wait for it.
    expect(await opensWithoutMaking(dir, 'q8')).toBe(true);
    const plain = await plainWrapped(dir, 'q8', model);
    const reference = await idsOf(plain, model, inputs);
    await plain.dispose();
    expect(await idsOf(first, model, inputs)).toEqual(reference);
    await first.dispose();
    // Not tried again: no temp folder, the stamp untouched.
    const recorded = await fileId(preparedStampPath(dir, 'q8'));
    const second = await openGenerator(dir, 'q8', { engine: 'ort', intraOpThreads: 1 });
    expect(await idsOf(second, model, inputs)).toEqual(reference);
    await second.dispose();
    expect(await fileId(preparedStampPath(dir, 'q8'))).toBe(recorded);
    expect(await leftovers(dir)).toEqual([]);
  });

  it('removes the temp folder a crashed maker left behind', async () => {
    const dir = await copyModel();
    // A process id that is not running (the highest possible one is never handed out here).
    const abandoned = path.join(dir, 'onnx', '.prepared-4194304-abc123');
    await mkdir(abandoned);
    await writeFile(path.join(abandoned, 'da2en_generate_quantized.prepared.onnx.data'), Buffer.alloc(1000));
    const generator = await openGenerator(dir, 'q8', { engine: 'ort', intraOpThreads: 1 });
    await generator.dispose();
    expect(await leftovers(dir)).toEqual([]);
    expect(await preparedModelState(dir, 'q8')).toMatchObject({ state: 'current' });
  });

  it("removes the wrapped model's temp files a stopped maker left behind, not those of a maker still running, also at a start with nothing to make", async () => {
    const dir = await copyModel();
    const onnx = path.join(dir, 'onnx');
    // Made first: the start below opens the prepared copy and makes nothing.
    await (await openGenerator(dir, 'q8', { engine: 'ort', intraOpThreads: 1 })).dispose();
    expect(await opensWithoutMaking(dir, 'q8')).toBe(true);
    const named = (pid: number, file: string) => path.basename(generationTempName(path.join(onnx, file), pid));
    // 4194304: a process id that is not running (the highest possible one is never handed out here).
    const stopped = [named(4194304, 'da2en_generate_quantized.onnx.data'), named(4194304, 'da2en_generate_quantized.onnx'), named(4194304, 'da2en_generate_quantized.prepared.onnx.json')];
    const running = named(process.ppid, 'da2en_generate_quantized.onnx.data');
    expect([...stopped, running].map(generationTempPid)).toEqual([4194304, 4194304, 4194304, process.ppid]);
    for (const name of [...stopped, running]) await writeFile(path.join(onnx, name), Buffer.alloc(1000));
    const generator = await openGenerator(dir, 'q8', { engine: 'ort', intraOpThreads: 1 });
    await generator.dispose();
    expect(await leftovers(dir)).toEqual([running]);
  });
});

/** Runs tests/helpers/prepared-child.ts, as nobody when root (root may write anywhere). */
function childOpen(dir: string, asNobody: boolean): Promise<{ kind: string; notice: string | null; opensWithoutMaking: boolean; ids: number[][] }> {
  const node = [process.execPath, '--import', 'tsx', path.join(root, 'tests', 'helpers', 'prepared-child.ts'), dir, 'q8'];
  const [command, ...args] = asNobody ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...node] : node;
  const child = spawn(command!, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(stdout.trim().split('\n').pop()!)) : reject(new Error(`child exited ${code}: ${stderr}`))));
  });
}

describe('a read-only model folder', () => {
  const isRoot = process.getuid?.() === 0;
  const canRunAsNobody =
    isRoot && spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', `require('node:fs').accessSync(${JSON.stringify(path.join(root, 'node_modules', 'tsx', 'package.json'))})`]).status === 0;

  // Root may write anywhere: then it is checked as nobody, in a child process started through setpriv.
  it.skipIf(isRoot && !canRunAsNobody)('translates through the wrapped model without a copy, and through a damaged copy’s wrapped model', async () => {
    const dir = await copyModel();
    // The wrapped model made (and its copy) while writable; then the copy removed and the folder locked.
    const made = await openGenerator(dir, 'q8', { engine: 'ort', intraOpThreads: 1 });
    await made.dispose();
    const copyFiles = prepareFiles(dir, 'q8');
    const saved = await Promise.all(copyFiles.map((f) => readFile(f)));
    await Promise.all(copyFiles.map((f) => rm(f)));
    await chmod(dir, 0o755);
    await chmod(path.join(dir, 'onnx'), 0o555);
    try {
      const plain = await childOpen(dir, isRoot);
      expect(plain).toMatchObject({ kind: 'ort', notice: null, opensWithoutMaking: true });
      expect(await preparedModelState(dir, 'q8').then((s) => s.state)).toBe(isRoot ? 'missing' : 'unwritable');
      expect((await readdir(path.join(dir, 'onnx'))).filter((f) => f.includes('prepared'))).toEqual([]);
      // A copy that does not open (damaged, its stamp intact) in a read-only folder: the wrapped model, the same ids.
      await chmod(path.join(dir, 'onnx'), 0o755);
      await Promise.all(copyFiles.map((f, i) => writeFile(f, saved[i]!)));
      const damaged = Buffer.from(saved[0]!);
      damaged.fill(0x55, 0, 4096);
      await writeFile(copyFiles[0]!, damaged);
      await chmod(path.join(dir, 'onnx'), 0o555);
      const fallback = await childOpen(dir, isRoot);
      expect(fallback).toMatchObject({ kind: 'ort', notice: null });
      expect(fallback.ids).toEqual(plain.ids);
      expect((await readFile(copyFiles[0]!)).equals(damaged)).toBe(true);
      expect(new Set(plain.ids.map((r) => r.join(' '))).size).toBeGreaterThan(2);
    } finally {
      await chmod(path.join(dir, 'onnx'), 0o755);
    }
  });
});
