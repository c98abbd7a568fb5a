import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { locateModel } from '../../src/engine/model-store/locate.js';
import { modelMemoryId } from '../../src/engine/model-store/memory-id.js';
import { requiredFiles } from '../../src/engine/model-store/model-files.js';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'da2en-memory-id-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

/** A model directory's files (contents do not matter here: only what stat says). */
function fakeModel(dir: string, weights: string): void {
  mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  for (const file of requiredFiles('q8')) writeFileSync(path.join(dir, file), file.endsWith('.onnx') ? weights : '{}');
}

/** `--model spec` as resolved in `cwd` (vitest runs this file in a process of its own). */
function idIn(cwd: string, spec: string): string {
  const before = process.cwd();
  process.chdir(cwd);
  try {
    return modelMemoryId(locateModel(spec, path.join(tmp, 'models')), 'q8');
  } finally {
    process.chdir(before);
  }
}

describe('a model in translation-memory keys', () => {
  it('a hub id is itself', () => {
    expect(modelMemoryId(locateModel('Xenova/opus-mt-da-en', path.join(tmp, 'models')), 'q8')).toBe('Xenova/opus-mt-da-en');
  });

  it('the same relative --model typed in two folders names two models', () => {
    fakeModel(path.join(tmp, 'A', 'm'), 'same bytes');
    fakeModel(path.join(tmp, 'B', 'm'), 'same bytes');
    const a = idIn(path.join(tmp, 'A'), 'm');
    const b = idIn(path.join(tmp, 'B'), 'm');
    expect(a.startsWith(`${path.join(tmp, 'A', 'm')}#`)).toBe(true);
    expect(b).not.toBe(a);
    expect(idIn(path.join(tmp, 'A'), 'm')).toBe(a);
    expect(idIn(tmp, path.join('A', 'm'))).toBe(a);
  });

  it('one path: the same while its files are (also copied back keeping their times, as on another machine); another once a file changes; files made beside it do not count', () => {
    const dir = path.join(tmp, 'mm');
    fakeModel(dir, 'first model');
    const first = idIn(tmp, dir);
    writeFileSync(path.join(dir, 'onnx', 'da2en_generate_quantized.onnx'), 'derived on first load');
    expect(idIn(tmp, dir)).toBe(first);
    cpSync(dir, path.join(tmp, 'copy'), { recursive: true, preserveTimestamps: true });
    rmSync(dir, { recursive: true });
    cpSync(path.join(tmp, 'copy'), dir, { recursive: true, preserveTimestamps: true });
    expect(idIn(tmp, dir)).toBe(first);
    // Another model of the same size converted into its place: only its time tells it apart.
    const encoder = path.join(dir, 'onnx', 'encoder_model_quantized.onnx');
    const { mtime } = statSync(encoder);
    writeFileSync(encoder, 'other model');
    utimesSync(encoder, mtime, new Date(mtime.getTime() + 1000));
    const other = idIn(tmp, dir);
    expect(other).not.toBe(first);
    writeFileSync(path.join(dir, 'tokenizer.json'), '{"other": true}');
    expect(idIn(tmp, dir)).not.toBe(other);
  });

  it('a model folder whose files cannot be stat\'ed (a file where onnx/ should be, a link loop) is named, not a crash: its own checks say what is wrong', () => {
    const broken = path.join(tmp, 'broken');
    mkdirSync(broken);
    writeFileSync(path.join(broken, 'config.json'), '{}');
    writeFileSync(path.join(broken, 'onnx'), 'not a folder');
    expect(() => modelMemoryId(locateModel(broken, path.join(tmp, 'models')), 'q8')).not.toThrow();
    const looped = path.join(tmp, 'looped');
    mkdirSync(path.join(looped, 'onnx'), { recursive: true });
    symlinkSync(path.join(looped, 'onnx', 'encoder_model_quantized.onnx'), path.join(looped, 'onnx', 'encoder_model_quantized.onnx'));
    expect(() => modelMemoryId(locateModel(looped, path.join(tmp, 'models')), 'q8')).not.toThrow();
  });
});

