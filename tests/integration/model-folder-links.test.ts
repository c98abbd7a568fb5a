/**
 * A symbolic link inside a model folder (or its download staging folder) never makes da2en write
 * outside it: what da2en writes there replaces the link, it is never written through.
 */
import { cp, lstat, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generationModelPath, generationStampPath, generationWeightsPath } from '../../src/engine/generation/generation-model.js';
import { openGenerator } from '../../src/engine/generation/open-generator.js';
import { downloadModel } from '../../src/engine/model-store/download.js';
import { MANIFEST_NAME, readManifest, writeManifest } from '../../src/engine/model-store/manifest.js';
import { useHubBed } from '../helpers/hub-bed.js';

const bed = useHubBed('da2en-links-models-');
let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'da2en-links-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** A file outside the model folder that a link inside it points at; its text must survive. */
async function precious(name: string): Promise<string> {
  const file = path.join(scratch, name);
  await writeFile(file, 'precious\n');
  return file;
}

async function expectPlainFile(file: string): Promise<void> {
  expect((await lstat(file)).isSymbolicLink(), file).toBe(false);
}

describe('links in a model folder are replaced, never written through', () => {
  it('the wrapped model, its weights and its stamp (was: the stamp written into the file the link led to)', async () => {
    const dir = path.join(scratch, 'wrapped');
    await cp(bed.modelDir, dir, { recursive: true });
    for (const name of await readdir(path.join(dir, 'onnx'))) if (name.startsWith('da2en_generate')) await rm(path.join(dir, 'onnx', name));
    const targets = [generationStampPath(dir, 'q8'), generationModelPath(dir, 'q8'), generationWeightsPath(dir, 'q8')];
    const outside = await Promise.all(targets.map((_, i) => precious(`wrapped-${i}.txt`)));
    for (const [i, target] of targets.entries()) await symlink(outside[i]!, target);

    const generator = await openGenerator(dir, 'q8', { engine: 'ort', intraOpThreads: 1 });
    await generator.dispose();

    for (const file of outside) expect(await readFile(file, 'utf8'), file).toBe('precious\n');
    for (const target of targets) await expectPlainFile(target);
    expect(JSON.parse((await readFile(generationStampPath(dir, 'q8'), 'utf8')).split('\n')[0]!)).toHaveProperty('version');
  });

  it("an onnx/ folder that is itself a link: nothing is written through it (was: the wrapped model's three files and the prepared copy's written into the folder it led to)", async () => {
    const dir = path.join(scratch, 'linked-onnx');
    const elsewhere = path.join(scratch, 'elsewhere-onnx');
    await cp(path.join(bed.modelDir, 'onnx'), elsewhere, { recursive: true });
    for (const name of await readdir(elsewhere)) if (!/^(encoder|decoder)_model(_merged)?(_quantized)?\.onnx$/.test(name)) await rm(path.join(elsewhere, name), { recursive: true });
    const before = (await readdir(elsewhere)).sort();
    await mkdir(dir);
    for (const name of await readdir(bed.modelDir)) if (name !== 'onnx') await cp(path.join(bed.modelDir, name), path.join(dir, name), { recursive: true });
    await symlink(elsewhere, path.join(dir, 'onnx'));

    for (let run = 0; run < 2; run++) {
      const generator = await openGenerator(dir, 'q8', { engine: 'ort', intraOpThreads: 1 });
      await generator.dispose();
    }

    expect((await readdir(elsewhere)).sort()).toEqual(before);
  });

  it('the manifest', async () => {
    const dir = path.join(scratch, 'manifest');
    await mkdir(dir);
    const outside = await precious('manifest.txt');
    await symlink(outside, path.join(dir, MANIFEST_NAME));
    const manifest = { id: 'x/y', revision: 'main', remoteHost: 'http://127.0.0.1', files: { 'config.json': { size: 2, sha256: 'ab'.repeat(32) } } };
    await writeManifest(dir, manifest);
    expect(await readFile(outside, 'utf8')).toBe('precious\n');
    await expectPlainFile(path.join(dir, MANIFEST_NAME));
    expect(await readManifest(dir)).toEqual(manifest);
  });

  it("a download's part file (was: resumed by appending to the file the link led to)", async () => {
    const hub = await bed.start({ 'x/tiny': bed.modelDir });
    const dir = path.join(bed.tempModels(), 'x', 'tiny');
    await mkdir(`${dir}.partial`, { recursive: true });
    const outside = await precious('part.txt');
    await symlink(outside, path.join(`${dir}.partial`, 'config.json.part'));
    await downloadModel({ id: 'x/tiny', dir, files: ['config.json'], remoteHost: hub.url });
    expect(await readFile(outside, 'utf8')).toBe('precious\n');
    expect(await readFile(path.join(dir, 'config.json'))).toEqual(await readFile(path.join(bed.modelDir, 'config.json')));
    await rm(path.dirname(path.dirname(dir)), { recursive: true, force: true });
  });
});
