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
 */
import Module, { createRequire } from 'node:module';
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
    return requireHere(entry) as TransformersLibrary;
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
  library ??= load(requireHere.resolve('@huggingface/transformers'));
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
