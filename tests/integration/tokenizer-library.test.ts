/**
 * The tokenizer's library loaded without the native modules it never uses (tokenizer-library.ts):
 * it tokenizes exactly as the package imported as usual, leaves ONNX Runtime and sharp unloaded, and
 * does not stop either from loading for real later in the same process.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as transformers from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { loadTokenizer } from '../../src/engine/model-directory.js';
import { tokenizerLibrary } from '../../src/engine/tokenizer-library.js';
import { builtModel } from '../../tools/builder-models.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SENTENCES = ['Det regner i København.', 'Statsministeren sagde: "Vi skal handle nu!" – og gik.', 'Æbler, øl og ål koster 12,50 kr. pr. stk.', '  mellemrum\tog\nlinjeskift  ', '🎉 €5 & <b>fed</b>', ''];

describe('the tokenizer library', () => {
  it('tokenizes and decodes exactly as Transformers.js imported as usual', async () => {
    const dir = await builtModel('tiny');
    const [json, config] = await Promise.all(['tokenizer.json', 'tokenizer_config.json'].map(async (f) => JSON.parse(await readFile(path.join(dir, f), 'utf8')) as Record<string, unknown>));
    const previous = transformers.env.logLevel;
    transformers.env.logLevel = transformers.LogLevel.ERROR;
    const usual = new transformers.MarianTokenizer(json!, config!);
    transformers.env.logLevel = previous;
    const ours = await loadTokenizer(dir);
    expect(ours).not.toBeInstanceOf(transformers.MarianTokenizer); // a separate copy of the library, or the check below proves nothing
    for (const s of SENTENCES) {
      const ids = ours.encode(s);
      expect(ids).toEqual(usual.encode(s));
      expect(ours.decode(ids, { skip_special_tokens: true })).toBe(usual.decode(ids, { skip_special_tokens: true }));
    }
  });

  it('loads neither ONNX Runtime nor sharp, and both still load for real afterwards', async () => {
    const dir = await builtModel('tiny');
    const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'tests/helpers/tokenizer-only-child.ts'), dir], { cwd: root, encoding: 'utf8' });
    expect(child.status, child.stderr).toBe(0);
    const report = JSON.parse(child.stdout.trim().split('\n').pop()!) as { ids: number[]; afterTokenizer: { sharedObjects: string[]; cached: string[] }; afterOrt: { sharedObjects: string[]; create: string; versions: boolean } };
    expect(report.ids.length).toBeGreaterThan(1);
    expect(report.afterTokenizer).toEqual({ sharedObjects: [], cached: [] });
    expect(report.afterOrt.create).toBe('function');
    expect(report.afterOrt.versions).toBe(true);
    // The report lists the native library once it is really loaded (so the empty list above means something).
    expect(report.afterOrt.sharedObjects.some((f) => /onnxruntime/.test(f))).toBe(true);
  });

  it('loads the minified build, through a code cache the next process uses, with the same ids', async () => {
    const dir = await builtModel('tiny');
    const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'da2en-code-cache-'));
    try {
      const run = () => {
        const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'tests/helpers/tokenizer-only-child.ts'), dir], { cwd: root, encoding: 'utf8', env: { ...process.env, DA2EN_CACHE_DIR: cacheDir } });
        expect(child.status, child.stderr).toBe(0);
        return JSON.parse(child.stdout.trim().split('\n').pop()!) as { ids: number[]; library: { file: string; codeCache: string } };
      };
      const first = run();
      expect(path.basename(first.library.file)).toBe('transformers.node.min.cjs');
      expect(first.library.codeCache).toBe('none');
      expect(await readdir(path.join(cacheDir, 'code-cache'))).toEqual([expect.stringMatching(/^transformers\.node\.min\.cjs\.[0-9a-f]{24}\.v8$/)]);
      const second = run();
      expect(second.library.codeCache).toBe('used');
      expect(second.ids).toEqual(first.ids);
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  it('falls back to the package imported as usual when the tokenizer-only load fails', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'da2en-tokenizer-library-'));
    try {
      const broken = path.join(dir, 'broken.cjs');
      await writeFile(broken, 'throw new Error("a Transformers.js that cannot load without its native modules");\n');
      const library = await tokenizerLibrary(broken);
      expect(library.MarianTokenizer).toBe(transformers.MarianTokenizer);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
