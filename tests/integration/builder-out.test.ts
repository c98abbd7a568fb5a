import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../src/builder/index.js';

const root = path.resolve(import.meta.dirname, '../..');
const HF_CHECKPOINT_FILES = ['config.json', 'generation_config.json', 'vocab.json', 'source.spm', 'target.spm', 'model.safetensors'];

/** `npm run build-model -- …` as README gives it (the script is `tsx src/builder/cli.ts`). */
function buildModelCli(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src/builder/cli.ts'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run build-model: what --out may replace', () => {
  it('refuses a Hugging Face checkpoint folder (it has a config.json) and leaves every file of it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'da2en-build-ckpt-'));
    for (const f of HF_CHECKPOINT_FILES) writeFileSync(path.join(dir, f), `${f}\n`);
    await expect(buildModel({ preset: 'tiny', outDir: dir })).rejects.toThrow(`refusing to replace ${dir}: it is not empty and is not a model da2en wrote (it holds `);
    expect(readdirSync(dir).sort()).toEqual([...HF_CHECKPOINT_FILES].sort());
    expect(readFileSync(path.join(dir, 'model.safetensors'), 'utf8')).toBe('model.safetensors\n');
  });

  it('refuses a file in the folder\'s place with one line, and replaces its own earlier build (also after a translation added its files)', async () => {
    const parent = await mkdtemp(path.join(os.tmpdir(), 'da2en-build-out-'));
    const file = path.join(parent, 'notes.txt');
    writeFileSync(file, 'mine\n');
    await expect(buildModel({ preset: 'tiny', outDir: file })).rejects.toThrow(`refusing to replace ${file}: it is not a folder`);
    expect(readFileSync(file, 'utf8')).toBe('mine\n');

    const out = path.join(parent, 'tiny');
    await buildModel({ preset: 'tiny', outDir: out, seed: 2 });
    writeFileSync(path.join(out, 'onnx', 'da2en_generate_quantized.onnx'), 'wrapped');
    await buildModel({ preset: 'tiny', outDir: out, seed: 2 });
    expect(existsSync(path.join(out, 'onnx', 'da2en_generate_quantized.onnx'))).toBe(false);
    expect(existsSync(path.join(out, 'onnx', 'decoder_model_merged_quantized.onnx'))).toBe(true);
  });

  it('refuses the current folder, or one holding it, even when it is its own earlier build (was: "EINVAL: invalid argument, rmdir \'.\'")', async () => {
    const out = path.join(await mkdtemp(path.join(os.tmpdir(), 'da2en-build-cwd-')), 'tiny');
    await buildModel({ preset: 'tiny', outDir: out });
    const before = readdirSync(out, { recursive: true, encoding: 'utf8' }).sort();
    const cwd = process.cwd();
    try {
      process.chdir(path.join(out, 'onnx'));
      await expect(buildModel({ preset: 'tiny', outDir: '.' })).rejects.toThrow("refusing to replace .: it is the current folder; run the command from outside it");
      await expect(buildModel({ preset: 'tiny', outDir: '..' })).rejects.toThrow("refusing to replace ..: it holds the current folder; run the command from outside it");
    } finally {
      process.chdir(cwd);
    }
    expect(readdirSync(out, { recursive: true, encoding: 'utf8' }).sort()).toEqual(before);
  });

  it('through the script: a checkpoint folder is refused (exit 1, one line) and left whole', async () => {
    const parent = await mkdtemp(path.join(os.tmpdir(), 'da2en-build-cli-'));
    const ckpt = path.join(parent, 'opus-mt-da-en');
    mkdirSync(ckpt);
    for (const f of HF_CHECKPOINT_FILES) writeFileSync(path.join(ckpt, f), `${f}\n`);
    const refused = buildModelCli(['--preset', 'tiny', '--out', ckpt]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^build-model: refusing to replace .*opus-mt-da-en: it is not empty and is not a model da2en wrote/)]);
    expect(readdirSync(ckpt).sort()).toEqual([...HF_CHECKPOINT_FILES].sort());
  });
});

describe('npm run build-model: --seed', () => {
  it('refuses a seed the weights cannot take (was: "abc" built seed 0 and said "seed NaN", 1.5 built seed 1)', async () => {
    const out = path.join(await mkdtemp(path.join(os.tmpdir(), 'da2en-build-seed-')), 'm');
    for (const seed of [1.5, -1, 2 ** 32, Number.NaN]) {
      await expect(buildModel({ preset: 'tiny', outDir: out, seed })).rejects.toThrow('--seed must be a whole number from 0 to 4294967295');
    }
    expect(existsSync(out)).toBe(false);
    for (const seed of ['abc', '1.5']) {
      const r = buildModelCli(['--preset', 'tiny', '--out', out, '--seed', seed]);
      expect(r.code, seed).toBe(2);
      expect(r.stderr.trim().split('\n'), seed).toEqual([expect.stringContaining('build-model: --seed must be a whole number from 0 to 4294967295')]);
    }
    expect(existsSync(out)).toBe(false);
  });
});
