/**
 * A translation memory that cannot be opened (a file where its folder should be, a read-only folder,
 * a damaged data file) costs a translate run its caching, not its outputs: one line says so and the
 * run goes on, exit 0. `cache stats` still fails on it, with exit 8 (the folder) or 3 (the data
 * file); pointed at a folder that does not exist, it reports an empty memory and creates nothing.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_FILE, openTranslationMemory } from '../../src/cache/index.js';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { memoryKey } from '../../src/pipeline/memory.js';
import { builtModel } from '../../tools/builder-models.js';
import { runCli } from '../helpers/run-cli.js';

let model: string;
let dir: string;
beforeAll(async () => {
  model = await builtModel('tiny');
  dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-memory-unopenable-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const isRoot = process.getuid?.() === 0;

/** A memory folder whose data file was cut short after its meta pages. */
async function cutShortMemory(): Promise<string> {
  const cache = mkdtempSync(path.join(dir, 'cut-'));
  const memory = openTranslationMemory(cache);
  const parts = { modelId: 'm', dtype: 'q8', decoding: { beams: 1, maxLength: 64 } };
  memory.store(Array.from({ length: 300 }, (_, i) => ({ key: memoryKey(parts, `Sætning ${i}.`), source: `Sætning ${i}.`, target: `Sentence ${i}. `.repeat(10) })));
  await memory.close();
  const file = path.join(cache, DATA_FILE);
  writeFileSync(file, readFileSync(file).subarray(0, 8192));
  return cache;
}

async function translateWith(cache: string) {
  const input = path.join(dir, 'skole.da.txt');
  writeFileSync(input, 'Kommunen bygger en ny skole.\n\nDen åbner i 2027.\n');
  const out = mkdtempSync(path.join(dir, 'out-'));
  const result = await runCli([input, '--model', model, '--offline', '--threads', '1', '--cache-dir', cache, '--format', 'json,en', '--out-dir', out]);
  return { ...result, out };
}

describe('a translation memory that cannot be opened', () => {
  it('a file where the folder should be: translate says so on one line and writes its outputs (exit 0); cache stats fails with exit 8', async () => {
    const cache = path.join(dir, 'file-cache');
    writeFileSync(cache, 'not a folder');
    const result = await translateWith(cache);
    expect(result.code, result.stderr).toBe(ExitCode.Ok);
    const notes = result.stderr.split('\n').filter((l) => l.includes('translation memory'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(`cannot use the translation memory in ${cache}: a file is in the way of the folder`);
    expect(notes[0]).toContain('going on without it (--no-cache says nothing of it, --cache-dir picks another folder)');
    expect(existsSync(path.join(result.out, 'skole.da-en.json'))).toBe(true);
    expect(readdirSync(result.out)).toHaveLength(2);

    const stats = await runCli(['cache', 'stats', '--cache-dir', cache]);
    expect(stats.code).toBe(ExitCode.OutputError);
    expect(stats.stderr.trim().split('\n')).toHaveLength(1);
    const clear = await runCli(['cache', 'clear', '--cache-dir', cache]);
    expect(clear.code).toBe(ExitCode.OutputError);
    expect(clear.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a data file cut short: translate goes on without it (exit 0); cache stats fails with exit 3; cache clear still works', async () => {
    const cache = await cutShortMemory();
    const result = await translateWith(cache);
    expect(result.code, result.stderr).toBe(ExitCode.Ok);
    const notes = result.stderr.split('\n').filter((l) => l.includes('translation memory'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(`cannot use the translation memory in ${cache}: ${DATA_FILE} is not a translation memory`);
    expect(notes[0]).toContain('going on without it');
    expect(existsSync(path.join(result.out, 'skole.da-en.json'))).toBe(true);

    const stats = await runCli(['cache', 'stats', '--cache-dir', cache]);
    expect(stats.code).toBe(ExitCode.InputError);
    expect(stats.stderr.trim().split('\n')).toHaveLength(1);
    const clear = await runCli(['cache', 'clear', '--cache-dir', cache]);
    expect(clear.code, clear.stderr).toBe(ExitCode.Ok);
  });

  // Root may write anywhere.
  it.skipIf(isRoot)('a read-only folder: translate goes on without it (exit 0); cache clear of a memory in one fails with exit 8', async () => {
    const parent = mkdtempSync(path.join(dir, 'ro-'));
    // A memory that is there, in a folder that cannot be written: clear cannot delete it.
    const existing = path.join(parent, 'existing');
    await openTranslationMemory(existing).close();
    chmodSync(existing, 0o555);
    chmodSync(parent, 0o555);
    const cache = path.join(parent, 'cache');
    try {
      const result = await translateWith(cache);
      expect(result.code, result.stderr).toBe(ExitCode.Ok);
      expect(result.stderr).toContain('permission denied');
      const stats = await runCli(['cache', 'stats', '--cache-dir', path.join(parent, 'sub')]);
      // Nothing there: an empty memory, not an error (nothing is made by looking).
      expect(stats.code).toBe(ExitCode.Ok);
      // Nothing there either: nothing to clear.
      expect((await runCli(['cache', 'clear', '--cache-dir', cache])).code).toBe(ExitCode.Ok);
      const clear = await runCli(['cache', 'clear', '--cache-dir', existing]);
      expect(clear.code).toBe(ExitCode.OutputError);
    } finally {
      chmodSync(parent, 0o700);
      chmodSync(existing, 0o700);
    }
  });
});

describe('cache stats on a folder that does not exist', () => {
  it('reports an empty memory and creates nothing', async () => {
    const cache = path.join(dir, 'missing', 'cache');
    const json = await runCli(['cache', 'stats', '--json', '--cache-dir', cache]);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ entries: 0, bytes: 0, path: path.join(cache, DATA_FILE) });
    const text = await runCli(['cache', 'stats', '--cache-dir', cache]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toBe(`0 entries, 0.0 MB in ${path.join(cache, DATA_FILE)}\n`);
    expect(existsSync(path.join(dir, 'missing'))).toBe(false);
    // An existing folder without a memory in it: the same, and no memory is made in it.
    const empty = mkdtempSync(path.join(dir, 'empty-'));
    const there = await runCli(['cache', 'stats', '--json', '--cache-dir', empty]);
    expect(JSON.parse(there.stdout)).toMatchObject({ entries: 0 });
    expect(existsSync(path.join(empty, DATA_FILE))).toBe(false);
  });
});

describe('cache clear on a folder that does not exist', () => {
  it('says there is nothing to clear (exit 0) and creates nothing (was: the folder and an empty memory made)', async () => {
    const cache = path.join(dir, 'never-made', 'cache');
    const clear = await runCli(['cache', 'clear', '--cache-dir', cache]);
    expect([clear.code, clear.stdout, clear.stderr]).toEqual([0, `nothing to clear: there is no translation memory at ${path.join(cache, DATA_FILE)}\n`, '']);
    expect(existsSync(path.join(dir, 'never-made'))).toBe(false);
    // An existing folder without a memory in it: the same, and no memory is made in it.
    const empty = mkdtempSync(path.join(dir, 'clear-empty-'));
    expect((await runCli(['cache', 'clear', '--cache-dir', empty])).code).toBe(0);
    expect(readdirSync(empty)).toEqual([]);
  });
});
