/**
 * Requires a CommonJS file through V8's code cache: the code V8 compiled for it on an earlier run,
 * kept in a file, instead of parsing and compiling the source again (Node 22's
 * `module.enableCompileCache()` does the same; Node 20, which da2en supports, has no such switch).
 *
 * Used for Transformers.js, whose 0.6–1.4 MB bundle is compiled by every process that tokenizes,
 * on the CLI's critical path: the tokenizer is ready later than the model process (first batch sent
 * ~0.2 s after the model was ready, seed article, this project's 2-core machine). Measured here on
 * its minified build: read + compile + run 160–180 ms without a cache, 95–115 ms with one.
 *
 * The cache file's name carries a hash of the source text and of the Node version and architecture,
 * so an edited or upgraded file never meets code compiled from another text: V8's own check compares
 * only the source's length (and its version and flags), and would accept a same-length edit. V8
 * rejects anything else it cannot use (a damaged file, other flags): then the source is compiled as
 * usual and the cache written again.
 *
 * A code cache is code: whoever can write it runs code in the next process that reads it. The cache
 * folder may be shared (a translation memory several people use), so on POSIX systems a cache file
 * is read only if it and its folder belong to this process's user and neither can be written by
 * anyone else; the folder is made private (0700) and the files 0600. Nothing here is read from a
 * model or an input.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { makeDirectories } from '../io/make-directories.js';
import { nameBeside } from '../io/name-beside.js';

/** What became of the cache for one load ('untrusted': a cache file someone else could have written, not read). */
export type CodeCacheUse = 'used' | 'rejected' | 'none' | 'untrusted' | 'off';

export interface CachedRequire {
  exports: unknown;
  cache: CodeCacheUse;
  /**
   * Writes the cache if there was none or V8 rejected it (once; errors are ignored). Best called
   * once the code has done its first work: functions compiled by then are in the cache too. It
   * writes synchronously (~1 MB, once per machine and version of the file): a CLI that ends with
   * process.exit right after its outputs would cut an asynchronous write short and leave a partial
   * temp file behind.
   */
  save(): void;
}

/** The cache file for `source` of `file` in `dir`: named after the file, keyed by its text and the runtime. */
export function codeCachePath(dir: string, file: string, source: string): string {
  const key = createHash('sha256').update(`${process.version} ${process.arch}\0`).update(source).digest('hex').slice(0, 24);
  return path.join(dir, `${path.basename(file)}.${key}.v8`);
}

/** Owned by this process's user and writable by no one else (always true where there are no uids). */
function isPrivate(st: Stats): boolean {
  const uid = process.getuid?.();
  return uid === undefined || (st.uid === uid && (st.mode & 0o022) === 0);
}

/** The cache file's bytes; undefined if there is none, 'untrusted' if it or its folder is not private. */
function readCache(file: string): Buffer | 'untrusted' | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    // The open file itself is checked (not its name again), and then its folder.
    const st = fstatSync(fd);
    if (!st.isFile() || !isPrivate(st) || !isPrivate(statSync(path.dirname(file)))) return 'untrusted';
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Requires `file` (a CommonJS module) as `require` would, compiled with the code cache in `cacheDir`
 * (no cache when undefined). The module goes into require's cache under its path like any other;
 * a module that throws while it loads is taken out again, and the error passed on.
 */
export function requireWithCodeCache(file: string, cacheDir: string | undefined): CachedRequire {
  const source = readFileSync(file, 'utf8');
  const cacheFile = cacheDir === undefined ? undefined : codeCachePath(cacheDir, file, source);
  const read = cacheFile === undefined ? undefined : readCache(cacheFile);
  const cachedData = read === 'untrusted' ? undefined : read;
  const script = new vm.Script(Module.wrap(source), {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
    // A dynamic import() inside the module resolves as it would under require.
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const cache: CodeCacheUse = cacheFile === undefined ? 'off' : read === 'untrusted' ? 'untrusted' : cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';

  const requireFromFile = createRequire(file);
  const mod = new Module(file);
  mod.filename = file;
  mod.paths = requireFromFile.resolve.paths('x') ?? [];
  requireFromFile.cache[file] = mod;
  try {
    const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
    wrapper.call(mod.exports, mod.exports, requireFromFile, mod, file, path.dirname(file));
    mod.loaded = true;
  } catch (err) {
    delete requireFromFile.cache[file];
    throw err;
  }

  let saved = cache === 'used' || cacheFile === undefined;
  return {
    exports: mod.exports,
    cache,
    save() {
      if (saved || cacheFile === undefined) return;
      saved = true;
      try {
        const dir = path.dirname(cacheFile);
        makeDirectories(path.dirname(dir));
        try {
          mkdirSync(dir, { mode: 0o700 });
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
        // A folder someone else could write to is not where code for the next process goes.
        if (!isPrivate(statSync(dir))) return;
        const data = script.createCachedData();
        const tmp = nameBeside(cacheFile, `.${process.pid}.tmp`);
        writeFileSync(tmp, data, { mode: 0o600 });
        renameSync(tmp, cacheFile);
        // Caches of earlier versions of the same file are of no use any more, nor temp files a
        // killed process left (one being written right now just fails to be renamed: no harm).
        const prefix = `${path.basename(file)}.`;
        for (const name of readdirSync(dir)) {
          if (name.startsWith(prefix) && name !== path.basename(cacheFile)) rmSync(path.join(dir, name), { force: true });
        }
      } catch {
        // No cache this time (a read-only or full disk): the next run compiles as usual.
      }
    },
  };
}
