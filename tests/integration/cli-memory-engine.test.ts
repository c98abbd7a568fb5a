/**
 * The engine in the translation memory (src/engine/generation/engine-in-memory-key.ts): with q8 the
 * operator and the loop can give different text, so what one stored is not served to the other; with
 * fp32 greedy they give the same ids, and share their entries.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtModel } from '../../tools/builder-models.js';
import { runCli } from '../helpers/run-cli.js';

const ARTICLE = 'Kommunen bygger en ny skole.\n\nBørn og voksne fejrede sejren på torvet i går aftes.\n';

let tmp: string;
let input: string;
let tiny: string;
beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'da2en-memory-engine-'));
  input = path.join(tmp, 'article.da.txt');
  writeFileSync(input, ARTICLE);
  tiny = await builtModel('tiny');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function translate(cacheDir: string, ...extra: string[]) {
  const result = await runCli([input, ...(extra.includes('--model') ? [] : ['--model', tiny]), '--offline', '--threads', '1', '--model-processes', '1', '--format', 'en', '-o', '-', '--verbose', '--cache-dir', cacheDir, ...extra]);
  expect(result.code, result.stderr).toBe(0);
  return result;
}

const NONE_CACHED = /\d+ translated in [1-9]\d* model calls?, 0 from the cache/;

describe('the engine in the translation memory', () => {
  it('q8: what the loop stored is not served to the operator, nor the other way round', async () => {
    const cacheDir = path.join(tmp, 'q8');
    await translate(cacheDir, '--engine', 'js');
    const op = await translate(cacheDir, '--engine', 'ort');
    expect(op.stderr).toMatch(NONE_CACHED);
    expect(op.stderr).toContain('generation inside ONNX Runtime');
    // Each engine's own entries are there for it.
    expect((await translate(cacheDir, '--engine', 'js')).stderr).toContain('model not loaded');
    expect((await translate(cacheDir, '--engine', 'ort')).stderr).toContain('model not loaded');
  });

  it('q8: the loop does not take what the operator (the default engine) stored', async () => {
    const cacheDir = path.join(tmp, 'q8-op-first');
    await translate(cacheDir);
    expect((await translate(cacheDir, '--engine', 'js')).stderr).toMatch(NONE_CACHED);
  });

  it('fp32 greedy: the two engines share their entries (same ids)', async () => {
    const cacheDir = path.join(tmp, 'fp32');
    const loop = await translate(cacheDir, '--dtype', 'fp32', '--engine', 'js');
    const op = await translate(cacheDir, '--dtype', 'fp32', '--engine', 'ort');
    expect(op.stderr).toContain('model not loaded');
    expect(op.stdout).toBe(loop.stdout);
  });

  it('auto on a model that cannot run inside ONNX Runtime: a re-run is served from what the loop stored', async () => {
    // An export whose If reads use_cache_branch through another node: ONNX Runtime runs it, the surgery
    // refuses it (as in generation-op.test.ts), so auto falls back to the loop.
    const model = path.join(tmp, 'unwrappable');
    cpSync(tiny, model, { recursive: true });
    const file = path.join(model, 'onnx', 'decoder_model_merged_quantized.onnx');
    const { onnx } = onnxProto;
    const m = onnx.ModelProto.decode(readFileSync(file));
    m.graph!.node!.find((n) => n.opType === 'If')!.input = ['use_cache_flag'];
    m.graph!.node!.unshift({ opType: 'Identity', input: ['use_cache_branch'], output: ['use_cache_flag'], name: 'flag' });
    writeFileSync(file, onnx.ModelProto.encode(m).finish());
    const cacheDir = path.join(tmp, 'fallback');
    const first = await translate(cacheDir, '--model', model);
    expect(first.stderr).toContain('step-by-step loop, which is slower');
    const again = await translate(cacheDir, '--model', model);
    expect(again.stderr).toMatch(/0 translated in 0 model calls, [1-9]\d* from the cache/);
    expect(again.stdout).toBe(first.stdout);
  });
});
