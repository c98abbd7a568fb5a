/** The one atomic writer (src/io/sinks.ts), as the model store and `eval --save-hyp` use it. */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkWritable, moveIntoPlace, outputError, writeFileAtomically } from '../../src/io/sinks.js';
import { Da2enError } from '../../src/errors.js';
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
    const manifest = { id: 'x/y', revision: 'main', remoteHost: 'http://127.0.0.1', files: { 'config.json': { size: 2, sha256: 'ab'.repeat(32) } } };
    await writeManifest(modelDir, manifest);
    expect(await readManifest(modelDir)).toEqual(manifest);
    expect(readdirSync(modelDir)).toEqual(['.da2en-manifest.json']);
  });

  it('a write that cannot happen names the output, not the temporary file, as an output error (issue 11)', async () => {
    const notAFolder = path.join(dir, 'plain-file');
    writeFileSync(notAFolder, 'x');
    const target = path.join(notAFolder, 'out.html');
    for (const attempt of [() => writeFileAtomically(target, 'x'), () => checkWritable(target), () => checkWritable(path.join(notAFolder, 'deeper', 'out.html'))]) {
      const err = await attempt().then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(Da2enError);
      expect((err as Da2enError).kind).toBe('output');
      expect((err as Da2enError).message).toMatch(new RegExp(`^cannot write ${notAFolder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`));
      expect((err as Da2enError).message).not.toMatch(/\.tmp|\.part/);
    }
    // Each reason in words; the original error is kept as the cause.
    const eacces = Object.assign(new Error('EACCES: permission denied, open /ro/.out.html.1.ab.part.tmp'), { code: 'EACCES' });
    expect(outputError('/ro/out.html', eacces).message).toBe('cannot write /ro/out.html: permission denied (the folder /ro is not writable)');
    expect(outputError('/ro/out.html', eacces).cause).toBe(eacces);
    expect(outputError('/ro/out.html', Object.assign(new Error('x'), { code: 'EROFS' })).message).toBe('cannot write /ro/out.html: the folder /ro is on a read-only file system');
    expect(outputError('/ro/out.html', Object.assign(new Error('x'), { code: 'ENOSPC' })).message).toBe('cannot write /ro/out.html: no space left on the device; free some space, or write it into another folder');
  });

  it('a read-only folder is refused before anything is written (unless running as root, who may write anyway)', async () => {
    const ro = path.join(dir, 'read-only');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    try {
      const result = await checkWritable(path.join(ro, 'out.html')).then(() => 'writable', (e: Da2enError) => e.message);
      if (process.getuid?.() === 0) expect(result).toBe('writable');
      else expect(result).toBe(`cannot write ${path.join(ro, 'out.html')}: permission denied (the folder ${ro} is not writable)`);
      await expect(checkWritable(path.join(dir, 'new', 'deeper', 'out.html'))).resolves.toBeUndefined(); // folders to be made: the nearest existing one counts
    } finally {
      chmodSync(ro, 0o755);
    }
  });
});
