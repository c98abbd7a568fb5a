/** The one atomic writer (src/io/sinks.ts), as the model store and `eval --save-hyp` use it. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { moveIntoPlace, writeFileAtomically } from '../../src/io/sinks.js';
import { readManifest, writeManifest } from '../../src/engine/model-store/manifest.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('atomic writes', () => {
  it('writeFileAtomically replaces a file whole and leaves no temporary file', async () => {
    const file = path.join(dir, 'sub', 'out.txt');
    await writeFileAtomically(file, 'first\n');
    await writeFileAtomically(file, 'second ✓\n');
    expect(readFileSync(file, 'utf8')).toBe('second ✓\n');
    expect(readdirSync(path.dirname(file))).toEqual(['out.txt']);
  });

  it('moveIntoPlace puts a staged file over the target', async () => {
    const staged = path.join(dir, 'model.onnx.part');
    const target = path.join(dir, 'model.onnx');
    writeFileSync(target, 'old');
    writeFileSync(staged, 'new bytes');
    await moveIntoPlace(staged, target);
    expect(readFileSync(target, 'utf8')).toBe('new bytes');
    expect(readdirSync(dir)).not.toContain('model.onnx.part');
  });

  it('the model store writes its manifest through it', async () => {
    const modelDir = path.join(dir, 'model');
    const manifest = { id: 'x/y', revision: 'main', remoteHost: 'http://127.0.0.1', files: { 'config.json': { size: 2, sha256: 'ab' } } };
    await writeManifest(modelDir, manifest);
    expect(await readManifest(modelDir)).toEqual(manifest);
    expect(readdirSync(modelDir)).toEqual(['.da2en-manifest.json']);
  });
});
