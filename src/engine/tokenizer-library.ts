/**
 * Transformers.js, for its tokenizer classes only.
 *
 * Its Node build loads two native libraries the moment it is imported: onnxruntime-node (to run
 * models itself) and sharp (libvips, for images). da2en runs its models through its own ONNX Runtime
 * sessions and never reads an image, so in the CLI process — whose model runs in the model process —
 * those two cost start-up time on the critical path and nothing else: 0.15–0.2 s of the seed
 * article's 2.4 s (tokenizer ready at 1.22–1.31 s against 1.39–1.49 s, 4 interleaved runs, load ≈ 1).
 *
 * So the package's CommonJS build (the same code as its ESM build) is required with inert stand-ins
 * for those two modules. They sit in require's cache only for that one synchronous require, and any
 * entry they displaced is put back, so every other importer in the process (the engine's own
 * `import('onnxruntime-node')`, a test that imports the package) still gets the real modules. If that
 * load fails — a later Transformers.js that touches either module while it loads — the package is
 * imported as usual.
 *
 * What is required is the package's minified CommonJS build, published beside the usual one (the
 * same code, 0.6 MB instead of 1.4 MB to read and compile), compiled through V8's code cache
 * (code-cache.ts) kept in the cache folder's `code-cache/`: measured in a process of its own,
 * 160–190 ms for the usual require against 95–115 ms for the minified build from the cache.
 */
import { existsSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { defaultCacheDir } from '../io/cache-dir.js';
import { requireWithCodeCache, type CodeCacheUse } from './code-cache.js';
import { usePiecePrefixIndex } from './unigram-piece-index.js';

export type TransformersLibrary = typeof import('@huggingface/transformers');

const requireHere = createRequire(import.meta.url);

function notHere(what: string): never {
  throw new Error(`${what} is not available in da2en's tokenizer-only Transformers.js (da2en runs its models through its own ONNX Runtime sessions)`);
}

/** What the two native modules are replaced with: enough for the package to load, nothing that runs. */
function standIns(): Record<'onnxruntime-node' | 'sharp', unknown> {
  // Without `env`, Transformers.js skips its ONNX Runtime set-up; a session or an image is refused by name.
  const onnxruntime = { InferenceSession: { create: () => notHere('ONNX Runtime') }, Tensor: class {} };
  const sharp = () => notHere('Image loading');
  return { 'onnxruntime-node': onnxruntime, sharp };
}

/** Where compiled code is kept (see above). */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(defaultCacheDir(env), 'code-cache');
}

/** The minified build beside a `.cjs` entry, where the package ships one; else the entry itself. */
export function minifiedBuild(entry: string): string {
  const minified = entry.replace(/(?<!\.min)\.cjs$/, '.min.cjs');
  return minified !== entry && existsSync(minified) ? minified : entry;
}

/** Writes the code cache of the library loaded in this process, if it had none (code-cache.ts). */
let saveCompiledCode: (() => void) | undefined;

/** Which file this process loaded the library from, and what became of its code cache. */
let loadedFrom: { file: string; codeCache: CodeCacheUse } | undefined;

/** What the library was loaded from in this process (undefined before, or after a fallback import). */
export function libraryLoad(): { file: string; codeCache: CodeCacheUse } | undefined {
  return loadedFrom;
}

/**
 * Keeps the code compiled for the library so far in the code cache, for the next process (a no-op
 * once done, or where the cache was used). Called once the first tokenizer is made, so that the
 * code its construction compiled is kept too.
 */
export function keepCompiledCode(): void {
  const save = saveCompiledCode;
  saveCompiledCode = undefined;
  save?.();
}

/** Requires `entry` with the stand-ins in require's cache, then restores the cache as it was. */
function requireWithStandIns(entry: string): TransformersLibrary {
  const resolveFromEntry = createRequire(entry);
  const cache = requireHere.cache;
  const displaced = new Map<string, NodeJS.Module | undefined>();
  try {
    for (const [name, exports] of Object.entries(standIns())) {
      const file = resolveFromEntry.resolve(name);
      // Already loaded for real (an in-process engine): the package may as well use it.
      if (cache[file]) continue;
      const standIn = new Module(file);
      standIn.filename = file;
      standIn.loaded = true;
      standIn.exports = exports;
      displaced.set(file, cache[file]);
      cache[file] = standIn;
    }
    const loaded = requireWithCodeCache(entry, codeCacheDir());
    saveCompiledCode = loaded.save;
    loadedFrom = { file: entry, codeCache: loaded.cache };
    return loaded.exports as TransformersLibrary;
  } finally {
    for (const [file, previous] of displaced) {
      if (previous) cache[file] = previous;
      else delete cache[file];
    }
  }
}

let library: Promise<TransformersLibrary> | undefined;

/**
 * The library (loaded once per process). `entry` is the CommonJS build to require; tests pass one
 * that fails, to see the fallback.
 */
export function tokenizerLibrary(entry?: string): Promise<TransformersLibrary> {
  if (entry !== undefined) return load(entry);
  library ??= load(minifiedBuild(requireHere.resolve('@huggingface/transformers')));
  return library;
}

async function load(entry: string): Promise<TransformersLibrary> {
  const loaded = await loadLibrary(entry);
  usePiecePrefixIndex(loaded);
  return loaded;
}

async function loadLibrary(entry: string): Promise<TransformersLibrary> {
  try {
    return requireWithStandIns(entry);
  } catch {
    // A half-loaded copy must not be found by a later require.
    delete requireHere.cache[entry];
    return await import('@huggingface/transformers');
  }
}
