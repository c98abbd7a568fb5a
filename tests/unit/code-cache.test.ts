/**
 * Requiring a CommonJS file through V8's code cache (code-cache.ts): the module works as under
 * require, the cache is written once and used by the next process, and a cache never meets code it
 * was not compiled from. Loads that must meet the cache run in fresh processes: within one process
 * V8 finds the code it compiled already and never looks at the cache.
 */
import { spawnSync } from 'node:child_process';
import { chmod, chown, mkdir, readdir, mkdtemp, rm, stat, writeFile, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeCachePath, requireWithCodeCache } from '../../src/engine/code-cache.js';

const requireHere = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Loads `file` in a fresh process; with `save`, writes the cache there. */
function loadInChild(file: string, cacheDir: string, save = false): { cache: string; greeting: string } {
  const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'tests/helpers/code-cache-child.ts'), file, cacheDir, ...(save ? ['save'] : [])], { cwd: root, encoding: 'utf8' });
  expect(child.status, child.stderr).toBe(0);
  return JSON.parse(child.stdout.trim()) as { cache: string; greeting: string };
}

describe('requiring a CommonJS file through the code cache', () => {
  let dir: string;
  let cacheDir: string;
  let file: string;
  const load = () => {
    delete requireHere.cache[file];
    return requireWithCodeCache(file, cacheDir);
  };
  const greet = (exports: unknown) => (exports as { greet: (name: string) => string }).greet('Ida');

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'da2en-code-cache-'));
    cacheDir = path.join(dir, 'cache', 'code-cache');
    file = path.join(dir, 'lib.cjs');
    await writeFile(path.join(dir, 'helper.cjs'), 'module.exports = (s) => s.toUpperCase();\n');
    await writeFile(file, "const up = require('./helper.cjs');\nconst { basename } = require('node:path');\nexports.greet = (name) => `hej ${up(name)} from ${basename(__filename)}`;\n");
  });
  afterEach(async () => {
    delete requireHere.cache[file];
    await rm(dir, { recursive: true, force: true });
  });

  it('loads the module as require does, writes the cache once (and removes a partial one), and the next process uses it', async () => {
    const first = load();
    expect(first.cache).toBe('none');
    expect(greet(first.exports)).toBe('hej IDA from lib.cjs');
    expect(requireHere.cache[file]?.exports).toBe(first.exports); // in require's cache like any module
    // What a process killed while writing would leave: removed with the write.
    await mkdir(cacheDir, { recursive: true, mode: 0o700 });
    await writeFile(`${codeCachePath(cacheDir, file, await readFile(file, 'utf8'))}.4242.tmp`, 'partial');
    first.save();
    const source = await readFile(file, 'utf8');
    expect(await readdir(cacheDir)).toEqual([path.basename(codeCachePath(cacheDir, file, source))]);
    expect(loadInChild(file, cacheDir)).toEqual({ cache: 'used', greeting: 'hej IDA from lib.cjs' });
  });

  it('never runs code cached for another text, even of the same length, and keeps only the current cache', async () => {
    expect(loadInChild(file, cacheDir, true).cache).toBe('none');
    const edited = (await readFile(file, 'utf8')).replace('hej', 'hai');
    await writeFile(file, edited);
    expect(loadInChild(file, cacheDir, true)).toEqual({ cache: 'none', greeting: 'hai IDA from lib.cjs' });
    expect(await readdir(cacheDir)).toEqual([path.basename(codeCachePath(cacheDir, file, edited))]);
    expect(loadInChild(file, cacheDir)).toEqual({ cache: 'used', greeting: 'hai IDA from lib.cjs' });
  });

  it('compiles as usual past a damaged cache, and replaces it', async () => {
    const source = await readFile(file, 'utf8');
    loadInChild(file, cacheDir, true);
    await writeFile(codeCachePath(cacheDir, file, source), Buffer.alloc(4096, 7));
    expect(loadInChild(file, cacheDir, true)).toEqual({ cache: 'rejected', greeting: 'hej IDA from lib.cjs' });
    expect(loadInChild(file, cacheDir).cache).toBe('used');
  });

  it.runIf(process.platform !== 'win32')('reads no cache file that another user could have written, and writes none into a folder others can write', async () => {
    const source = await readFile(file, 'utf8');
    const cacheFile = codeCachePath(cacheDir, file, source);
    loadInChild(file, cacheDir, true);
    // Made private: the folder 0700, the file 0600.
    expect((await stat(cacheDir)).mode & 0o077).toBe(0);
    expect((await stat(cacheFile)).mode & 0o077).toBe(0);
    expect(loadInChild(file, cacheDir).cache).toBe('used');

    await chmod(cacheFile, 0o666);
    expect(loadInChild(file, cacheDir)).toEqual({ cache: 'untrusted', greeting: 'hej IDA from lib.cjs' });
    await chmod(cacheFile, 0o600);
    await chmod(cacheDir, 0o777);
    expect(loadInChild(file, cacheDir).cache).toBe('untrusted');
    // Nothing is written into such a folder either.
    await rm(cacheFile);
    expect(loadInChild(file, cacheDir, true).cache).toBe('none');
    expect(await readdir(cacheDir)).toEqual([]);
    await chmod(cacheDir, 0o700);
    expect(loadInChild(file, cacheDir, true).cache).toBe('none');
    expect(loadInChild(file, cacheDir).cache).toBe('used');
    if (process.getuid?.() === 0) {
      // Owned by someone else (only root can give a file away to check this).
      await chown(cacheFile, 1, 1);
      expect(loadInChild(file, cacheDir).cache).toBe('untrusted');
    }
  });

  it('works without a cache folder, and where none can be written', async () => {
    const off = requireWithCodeCache(file, undefined);
    expect(off.cache).toBe('off');
    expect(greet(off.exports)).toBe('hej IDA from lib.cjs');
    await writeFile(path.join(dir, 'cache'), 'a file where the folder should be');
    const blocked = load();
    expect(blocked.cache).toBe('none');
    expect(() => blocked.save()).not.toThrow();
    expect(greet(blocked.exports)).toBe('hej IDA from lib.cjs');
  });

  it('passes on an error the module throws while it loads, and leaves it out of require’s cache', async () => {
    await writeFile(file, 'throw new Error("cannot load here");\n');
    expect(() => load()).toThrow('cannot load here');
    expect(requireHere.cache[file]).toBeUndefined();
  });
});
