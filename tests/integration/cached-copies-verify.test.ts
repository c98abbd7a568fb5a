/**
 * The files da2en makes beside a model on first load (the wrapped model, its prepared copy) carry the
 * sha256 they were made with; `da2en model verify` hashes them, and removes a damaged one, which the
 * load that follows makes again. (A load checks only their sizes: a byte changed in place went unseen,
 * changing translations or crashing the model.)
 */
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generationStampPath, generationWeightsPath } from '../../src/engine/generation/generation-model.js';
import { preparedStampPath, preparedWeightsPath } from '../../src/engine/generation/prepared-model.js';
import { builtModel } from '../../tools/builder-models.js';
import { runCli } from '../helpers/run-cli.js';

const SOURCE = 'Det er en god dag. Vi går en tur i parken.';
let dir: string;
let reference: string;

const sha256 = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');
const translate = async () => {
  const result = await runCli(['-', '--model', dir, '--format', 'txt', '--no-cache'], SOURCE);
  expect(result.code, result.stderr).toBe(0);
  // The header carries the time taken.
  return result.stdout.split('\n').slice(1).join('\n');
};

/** Overwrites bytes in the middle of a file, keeping its size (what a load's size check cannot see). */
async function damage(file: string): Promise<void> {
  const bytes = await readFile(file);
  const at = Math.floor(bytes.length / 2);
  for (let i = at; i < Math.min(at + 4096, bytes.length); i++) bytes[i] = bytes[i]! ^ 0x5a;
  await writeFile(file, bytes);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'da2en-copies-'));
  await cp(await builtModel('tiny'), dir, { recursive: true, filter: (src) => !path.basename(src).startsWith('da2en_generate') });
  // The first load makes the wrapped model and its prepared copy.
  reference = await translate();
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('model verify and the copies da2en makes', () => {
  it('records the sha256 of the wrapped model and the prepared copy when it makes them', async () => {
    const prepared = JSON.parse(await readFile(preparedStampPath(dir, 'q8'), 'utf8')) as { sha256: { data: string } };
    expect(prepared.sha256.data).toBe(await sha256(preparedWeightsPath(dir, 'q8')));
    const wrapped = JSON.parse((await readFile(generationStampPath(dir, 'q8'), 'utf8')).split('\n')[2]!) as { data: string };
    expect(wrapped.data).toBe(await sha256(generationWeightsPath(dir, 'q8')));
    const verify = await runCli(['model', 'verify', '--model', dir]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stderr).toBe('');
  });

  it.each([
    ['the prepared copy', preparedWeightsPath, 'onnx/da2en_generate_quantized.prepared.onnx.data'],
    ['the wrapped model', generationWeightsPath, 'onnx/da2en_generate_quantized.onnx.data'],
  ])('%s changed in place: verify names it and removes it, its load makes it again, translations are as before', async (_what, weightsOf, name) => {
    const weights = weightsOf(dir, 'q8');
    const made = await sha256(weights);
    await damage(weights);
    const verify = await runCli(['model', 'verify', '--model', dir]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stderr).toContain(`${name}: damaged (not the bytes da2en made); removed, made again now`);
    expect(verify.stdout).toMatch(/^ok: /);
    expect(await sha256(weights)).toBe(made);
    expect(await translate()).toBe(reference);
    expect((await runCli(['model', 'verify', '--model', dir])).stderr).toBe('');
  });
});
