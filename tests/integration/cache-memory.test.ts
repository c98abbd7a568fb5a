import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATA_FILE, defaultCacheDir, openTranslationMemory } from '../../src/cache/index.js';
import { Da2enError } from '../../src/errors.js';
import { memoryKey } from '../../src/pipeline/memory.js';
import { finished, spawnCacheWorker } from '../helpers/cache-child.js';
import { runCli } from '../helpers/run-cli.js';
import { spawnCli } from '../helpers/spawn-cli.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'da2en-cache-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const parts = { modelId: 'Helsinki-NLP/opus-mt-da-en', dtype: 'q8', decoding: { beams: 4, maxLength: 512 } };
const entry = (source: string, target: string) => ({ key: memoryKey(parts, source), source, target });

describe('translation memory', () => {
  it('stores and looks up translations; misses are absent', async () => {
    const memory = openTranslationMemory(dir);
    try {
      const a = entry('Hej verden.', 'Hello world.');
      const b = entry('Det regner i København.', 'It is raining in Copenhagen.');
      const c = entry('Æbler og pærer – "citat".\n', 'Apples and pears – "quote".\n');
      const missing = memoryKey(parts, 'Ikke oversat.');
      expect(memory.lookup([a.key, missing]).size).toBe(0);
      memory.store([a, b]);
      memory.store([c]);
      memory.store([]);
      const found = memory.lookup([a.key, b.key, c.key, missing, a.key]);
      expect(found).toEqual(
        new Map([
          [a.key, a.target],
          [b.key, b.target],
          [c.key, c.target],
        ]),
      );
      expect(memory.lookup([])).toEqual(new Map());
      // Same source, other decoding options: a different key, a miss.
      expect(memory.lookup([memoryKey({ ...parts, decoding: { beams: 1, maxLength: 512 } }, 'Hej verden.')]).size).toBe(0);
      // Storing a key again replaces its translation.
      memory.store([{ ...a, target: 'Hi world.' }]);
      expect(memory.lookup([a.key]).get(a.key)).toBe('Hi world.');
    } finally {
      await memory.close();
    }
  });

  it('keeps entries across close and reopen', async () => {
    const first = openTranslationMemory(dir);
    const a = entry('En sætning.', 'A sentence.');
    first.store([a]);
    await first.close();
    await first.close(); // closing twice is harmless
    expect(() => first.lookup([a.key])).toThrow(/closed/);
    const second = openTranslationMemory(dir);
    try {
      expect(second.lookup([a.key]).get(a.key)).toBe('A sentence.');
    } finally {
      await second.close();
    }
  });

  it('reports stats and clears', async () => {
    const memory = openTranslationMemory(dir);
    try {
      const empty = memory.stats();
      expect(empty.entries).toBe(0);
      expect(empty.path).toBe(join(dir, DATA_FILE));
      expect(empty.bytes).toBeGreaterThan(0);
      const entries = Array.from({ length: 300 }, (_, i) => entry(`Sætning nummer ${i}.`, `Sentence number ${i}.`));
      memory.store(entries.slice(0, 100));
      memory.store(entries.slice(100));
      const full = memory.stats();
      expect(full.entries).toBe(300);
      expect(full.bytes).toBeGreaterThanOrEqual(empty.bytes);
      memory.clear();
      expect(memory.stats().entries).toBe(0);
      expect(memory.lookup(entries.map((e) => e.key)).size).toBe(0);
      // Usable after clearing.
      memory.store([entries[0]!]);
      expect(memory.stats().entries).toBe(1);
    } finally {
      await memory.close();
    }
  });

  it('remembers finished inputs across reopening, apart from the segments, until cleared', async () => {
    const first = openTranslationMemory(dir);
    try {
      expect(first.hasFinished('input-a')).toBe(false);
      first.markFinished('input-a');
      expect(first.hasFinished('input-a')).toBe(true);
      expect(first.hasFinished('input-b')).toBe(false);
      expect(first.stats().entries).toBe(0); // not counted as segments
    } finally {
      await first.close();
    }
    const second = openTranslationMemory(dir);
    try {
      expect(second.hasFinished('input-a')).toBe(true);
      second.clear();
      expect(second.hasFinished('input-a')).toBe(false);
    } finally {
      await second.close();
    }
  });

  it('da2en cache stats|clear work on the folder', async () => {
    const memory = openTranslationMemory(dir);
    memory.store([entry('Et.', 'One.'), entry('To.', 'Two.')]);
    await memory.close();
    const stats = await runCli(['cache', 'stats', '--json', '--cache-dir', dir]);
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({ entries: 2, path: join(dir, DATA_FILE) });
    const cleared = await runCli(['cache', 'clear', '--cache-dir', dir]);
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toBe(`cleared the translation memory: ${join(dir, DATA_FILE)} is empty now\n`);
    const after = await runCli(['cache', 'stats', '--json', '--cache-dir', dir]);
    expect(JSON.parse(after.stdout)).toMatchObject({ entries: 0 });
  });
});

describe('default cache folder', () => {
  it('is $DA2EN_CACHE_DIR, else $XDG_CACHE_HOME/da2en, else ~/.cache/da2en', () => {
    expect(defaultCacheDir({ DA2EN_CACHE_DIR: '/srv/tm', XDG_CACHE_HOME: '/x' }, '/home/u')).toBe('/srv/tm');
    expect(defaultCacheDir({ DA2EN_CACHE_DIR: '', XDG_CACHE_HOME: '/x' }, '/home/u')).toBe('/x/da2en');
    expect(defaultCacheDir({ XDG_CACHE_HOME: 'relative' }, '/home/u')).toBe('/home/u/.cache/da2en');
    expect(defaultCacheDir({}, '/home/u')).toBe('/home/u/.cache/da2en');
  });
});

describe('unusable cache folder', () => {
  // The library's words (a library caller has no --no-cache); the CLI says its option (src/cli/setting-words.ts).
  const oneLine = /^cannot use the translation memory in .+: .+ \(run without the translation memory, or set DA2EN_CACHE_DIR to a writable folder\)$/;
  const damagedLine = /^.*translation memory.* run da2en cache clear to start afresh \(or translate without the translation memory\)$/;
  const cliDamagedLine = /^.*translation memory.* run da2en cache clear to start afresh \(or translate with --no-cache\)$/;

  function openError(path: string): Da2enError {
    try {
      openTranslationMemory(path);
    } catch (error) {
      expect(error).toBeInstanceOf(Da2enError);
      expect((error as Da2enError).kind).toBe('storage');
      expect((error as Da2enError).cause).toBeDefined(); // the file system's (or LMDB's) own error
      return error as Da2enError;
    }
    throw new Error('expected openTranslationMemory to throw');
  }

  it('a file where the folder should be', () => {
    const file = join(dir, 'cache');
    writeFileSync(file, 'not a folder');
    const error = openError(file);
    expect(error.message).toMatch(oneLine);
    expect(error.message).toContain('a file is in the way');
    // ... or in the way of a parent folder.
    expect(openError(join(file, 'sub')).message).toMatch(oneLine);
  });

  it('a folder where the data file should be', () => {
    mkdirSync(join(dir, DATA_FILE));
    const error = openError(dir);
    expect(error.message).toMatch(damagedLine);
    expect(error.message).toContain(`${DATA_FILE} is a folder, not a file`);
  });

  it('a folder or a FIFO in place of the lock or the data file (lmdb would segfault on it): one line, exit 8 (translate goes on without it); cache clear removes it', async () => {
    const makeFolder = (path: string) => mkdirSync(path);
    const makeFifo = (path: string) => execFileSync('mkfifo', [path]);
    const cases: [string, (path: string) => void, string][] = [
      [`${DATA_FILE}-lock`, makeFolder, 'a folder'],
      [`${DATA_FILE}-lock`, makeFifo, 'a named pipe (FIFO)'],
      [DATA_FILE, makeFifo, 'a named pipe (FIFO)'],
      [DATA_FILE, makeFolder, 'a folder'],
    ];
    const input = join(dir, 'a.txt');
    writeFileSync(input, 'Hej verden.\n');
    for (const [name, make, kind] of cases) {
      const cache = mkdtempSync(join(dir, 'cache-'));
      make(join(cache, name));
      // In child processes: a segmentation fault there is a failed test, not a dead test runner.
      const runs = [
        ['cache', 'stats', '--cache-dir', cache],
        // The memory is opened before the model is looked for: this model is never reached.
        ...(name === `${DATA_FILE}-lock` ? [[input, '-o', join(dir, 'a.en.txt'), '--cache-dir', cache, '--offline', '--model', join(dir, 'no-model')]] : []),
      ];
      for (const args of runs) {
        const result = await spawnCli(args).done;
        if (args[0] !== 'cache') {
          // translate goes on without the memory, saying so on one line: here to the missing model (exit 4).
          expect({ name, kind, signal: result.signal, code: result.code }).toEqual({ name, kind, signal: null, code: 4 });
          const line = result.stderr.split('\n').find((l) => l.includes('translation memory'))!;
          expect(line.replace(/^da2en: /, '')).toMatch(/^cannot use the translation memory in .+; going on without it \(--no-cache says nothing of it, --cache-dir picks another folder\)$/);
          expect(line).toContain(`${name} is ${kind}, not a file`);
          continue;
        }
        // A folder or FIFO in a file's place: as for an output, exit 8.
        expect({ name, kind, args: args[0], signal: result.signal, code: result.code }).toEqual({ name, kind, args: args[0], signal: null, code: 8 });
        expect(result.stderr.trim().split('\n')).toHaveLength(1);
        expect(result.stderr.trim().replace(/^da2en: /, '')).toMatch(cliDamagedLine);
        expect(result.stderr).toContain(`${name} is ${kind}, not a file`);
      }
      const cleared = await spawnCli(['cache', 'clear', '--cache-dir', cache]).done;
      expect({ name, kind, signal: cleared.signal, code: cleared.code, stderr: cleared.stderr }).toEqual({ name, kind, signal: null, code: 0, stderr: '' });
      for (const file of [DATA_FILE, `${DATA_FILE}-lock`]) expect(lstatSync(join(cache, file)).isFile()).toBe(true);
      const after = await runCli(['cache', 'stats', '--json', '--cache-dir', cache]);
      expect(after.code).toBe(0);
      expect(JSON.parse(after.stdout)).toMatchObject({ entries: 0 });
    }
  });

  it('cache clear leaves a folder with files in it in place, and removes a link without following it out of the cache folder', async () => {
    const outside = join(dir, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'keep'), 'not da2en\'s');
    const cache = join(dir, 'cache');
    mkdirSync(cache);
    symlinkSync(outside, join(cache, DATA_FILE));
    mkdirSync(join(cache, `${DATA_FILE}-lock`));
    writeFileSync(join(cache, `${DATA_FILE}-lock`, 'keep'), 'not da2en\'s');
    const stats = await spawnCli(['cache', 'stats', '--cache-dir', cache]).done;
    expect({ signal: stats.signal, code: stats.code }).toEqual({ signal: null, code: 8 });
    expect(stats.stderr).toMatch(/^da2en: cannot use the translation memory in .+: translation-memory\.mdb(-lock)? is a folder with files in it, not a file; move it out of the way \(or translate with --no-cache\)\n$/);
    const refused = await spawnCli(['cache', 'clear', '--cache-dir', cache]).done;
    expect({ signal: refused.signal, code: refused.code }).toEqual({ signal: null, code: 8 });
    expect(refused.stderr).toMatch(/^da2en: cannot clear the translation memory in .+: translation-memory\.mdb-lock is a folder with files in it; move it out of the way/);
    expect(readFileSync(join(cache, `${DATA_FILE}-lock`, 'keep'), 'utf8')).toBe("not da2en's");
    // Moved out of the way, clear gets past the link: the link goes, what it points to stays.
    rmSync(join(cache, `${DATA_FILE}-lock`), { recursive: true });
    const cleared = await spawnCli(['cache', 'clear', '--cache-dir', cache]).done;
    expect({ signal: cleared.signal, code: cleared.code, stderr: cleared.stderr }).toEqual({ signal: null, code: 0, stderr: '' });
    expect(lstatSync(join(cache, DATA_FILE)).isFile()).toBe(true);
    expect(existsSync(join(outside, 'keep'))).toBe(true);
  });

  it('a data file that is not a database (lmdb itself would segfault on it)', async () => {
    // A real one first, so the check is known to pass valid files, then damaged copies of it.
    const memory = openTranslationMemory(dir);
    memory.store([entry('Et.', 'One.')]);
    await memory.close();
    const good = readFileSync(join(dir, DATA_FILE));
    const damaged = [Buffer.alloc(64 * 1024, 0x5a), Buffer.alloc(64 * 1024), Buffer.from('hello'), Buffer.from('{"entries": []}\n'.repeat(1000)), good.subarray(0, 4096)];
    for (const bytes of damaged) {
      writeFileSync(join(dir, DATA_FILE), bytes);
      const error = openError(dir);
      expect(error.message).toMatch(damagedLine);
      expect(error.message).toContain('is not a translation memory');
    }
    writeFileSync(join(dir, DATA_FILE), good);
    const again = openTranslationMemory(dir);
    expect(again.stats().entries).toBe(1);
    await again.close();
  });

  it('a data file cut short after its meta pages (lmdb would die of a bus error reading past its end); cache clear deletes it', async () => {
    const memory = openTranslationMemory(dir);
    memory.store(Array.from({ length: 300 }, (_, i) => entry(`Sætning nummer ${i}.`, `Sentence number ${i}. `.repeat(10))));
    await memory.close();
    const file = join(dir, DATA_FILE);
    const good = readFileSync(file);
    expect(good.length).toBeGreaterThan(8 * 4096);
    // In a child process: a bus error there is a failed test, not a dead test runner.
    for (const size of [8192, 20480, good.length - 4096]) {
      writeFileSync(file, good.subarray(0, size));
      const result = await spawnCli(['cache', 'stats', '--cache-dir', dir]).done;
      expect({ size, signal: result.signal, code: result.code }).toEqual({ size, signal: null, code: 3 });
      expect(result.stderr.trim().replace(/^da2en: /, '')).toMatch(cliDamagedLine);
      expect(result.stderr).toContain('is not a translation memory');
    }
    const cleared = await spawnCli(['cache', 'clear', '--cache-dir', dir]).done;
    expect({ signal: cleared.signal, code: cleared.code }).toEqual({ signal: null, code: 0 });
    expect(cleared.stdout).toBe(`cleared the translation memory: ${file} is empty now\n`);
    const after = await runCli(['cache', 'stats', '--json', '--cache-dir', dir]);
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({ entries: 0 });
  });

  /** A memory of 300 entries, closed, and its data file's bytes (sound meta pages and length). */
  async function filledMemory(): Promise<{ file: string; good: Buffer }> {
    const memory = openTranslationMemory(dir);
    memory.store(Array.from({ length: 300 }, (_, i) => entry(`Sætning nummer ${i}.`, `Sentence number ${i}. `.repeat(10))));
    await memory.close();
    const file = join(dir, DATA_FILE);
    return { file, good: readFileSync(file) };
  }

  it('a data file damaged inside its B-tree: a use of it says so in one line, and cache clear deletes it without reading it', async () => {
    const { file, good } = await filledMemory();
    // Every B-tree page (after the two meta pages) marked as a meta page (mp_flags: at 18 in the
    // 24-byte page header of lmdb 3.5.6's LMDB): LMDB finds pages of the
    // wrong kind as soon as it reads one (MDB_CORRUPTED), which opening the sub-databases does.
    const pageSize = good.readUInt32LE(48);
    const bad = Buffer.from(good);
    for (let page = 2; (page + 1) * pageSize <= bad.length; page++) bad.writeUInt16LE(0x08, page * pageSize + 18);
    writeFileSync(file, bad);
    // In a child process: should LMDB crash after all, that is a failed test, not a dead test runner.
    const result = await spawnCli(['cache', 'stats', '--cache-dir', dir]).done;
    expect({ signal: result.signal, code: result.code }).toEqual({ signal: null, code: 3 });
    const lines = result.stderr.trim().split('\n');
    expect(lines.at(-1)!.replace(/^da2en: /, '')).toMatch(new RegExp(`^the translation memory in ${dir} is damaged \\(MDB_CORRUPTED: .+\\); run da2en cache clear`));
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack

    // Random bytes over pages 2–21 (what the review did): reading that may fail or crash LMDB; clear
    // never reads it, so it always works.
    for (const seed of [1, 2, 3]) {
      const noisy = Buffer.from(good);
      for (let i = 2 * 4096; i < 22 * 4096 && i < noisy.length; i++) noisy[i] = (i * 2654435761 * seed) >>> 24;
      writeFileSync(file, noisy);
      const cleared = await spawnCli(['cache', 'clear', '--cache-dir', dir]).done;
      expect({ seed, signal: cleared.signal, code: cleared.code, stderr: cleared.stderr }).toEqual({ seed, signal: null, code: 0, stderr: '' });
      expect(cleared.stdout).toBe(`cleared the translation memory: ${file} is empty now\n`);
      const after = await runCli(['cache', 'stats', '--json', '--cache-dir', dir]);
      expect(after.code).toBe(0);
      expect(JSON.parse(after.stdout)).toMatchObject({ entries: 0 });
    }
  });

  const isRoot = process.getuid?.() === 0;
  // ... which needs setpriv, and the repository (node_modules/tsx) readable by nobody.
  const canRunAsNobody =
    isRoot &&
    spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', `require('node:fs').accessSync(${JSON.stringify(join(process.cwd(), 'node_modules', 'tsx', 'package.json'))})`]).status === 0;

  // Root may write anywhere: then it is checked as nobody, in a child process started through setpriv.
  it.skipIf(isRoot && !canRunAsNobody)('permission denied', async () => {
    chmodSync(dir, 0o755);
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    const existing = join(dir, 'existing');
    mkdirSync(existing);
    await openTranslationMemory(existing).close();
    for (const file of readdirSync(existing)) chmodSync(join(existing, file), 0o444);
    chmodSync(existing, 0o555);
    try {
      if (!isRoot) {
        for (const path of [join(locked, 'cache'), existing]) {
          const error = openError(path);
          expect(error.message).toMatch(oneLine);
          expect(error.message).toContain('permission denied');
        }
        return;
      }
      for (const path of [join(locked, 'cache'), existing]) {
        const result = await finished(spawnCacheWorker(['open', path], { uid: 65534, gid: 65534 }));
        expect(result.stdout.trim()).toMatch(oneLine);
        expect(result.stdout).toContain('permission denied');
      }
    } finally {
      chmodSync(locked, 0o700);
      chmodSync(existing, 0o700);
    }
  });

  it('the CLI prints it as one line and exits 8 (as an output that cannot be written)', async () => {
    const file = join(dir, 'cache');
    writeFileSync(file, '');
    const result = await runCli(['cache', 'stats', '--cache-dir', file]);
    expect(result.code).toBe(8);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('--no-cache');
  });
});
