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
 * usual and the cache written again. The folder is the user's own cache folder; nothing here is read
 * from a model or an input.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { makeDirectories } from '../io/make-directories.js';

/** What became of the cache for one load. */
export type CodeCacheUse = 'used' | 'rejected' | 'none' | 'off';

export interface CachedRequire {
  exports: unknown;
  cache: CodeCacheUse;
  /**
   * Writes the cache if there was none or V8 rejected it (once; errors are ignored). Best called
   * once the code has done its first work: functions compiled by then are in the cache too.
   */
  save(): Promise<void>;
}

/** The cache file for `source` of `file` in `dir`: named after the file, keyed by its text and the runtime. */
export function codeCachePath(dir: string, file: string, source: string): string {
  const key = createHash('sha256').update(`${process.version} ${process.arch}\0`).update(source).digest('hex').slice(0, 24);
  return path.join(dir, `${path.basename(file)}.${key}.v8`);
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
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
  const cachedData = cacheFile === undefined ? undefined : readCache(cacheFile);
  const script = new vm.Script(Module.wrap(source), {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
    // A dynamic import() inside the module resolves as it would under require.
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const cache: CodeCacheUse = cacheFile === undefined ? 'off' : cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';

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
    async save() {
      if (saved || cacheFile === undefined) return;
      saved = true;
      try {
        const dir = path.dirname(cacheFile);
        makeDirectories(dir);
        const data = script.createCachedData();
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        await writeFile(tmp, data);
        await rename(tmp, cacheFile);
        // Caches of earlier versions of the same file are of no use any more.
        const prefix = `${path.basename(file)}.`;
        for (const name of await readdir(dir)) {
          if (name.startsWith(prefix) && name.endsWith('.v8') && name !== path.basename(cacheFile)) await rm(path.join(dir, name), { force: true });
        }
      } catch {
        // No cache this time (a read-only or full disk): the next run compiles as usual.
      }
    },
  };
}
