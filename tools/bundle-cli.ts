/**
 * Bundles the `da2en` command (src/cli/bin.ts) and the scripts it starts as processes or threads into
 * dist/bundle/, the files package.json's `bin` runs.
 *
 * Why: unbundled, the CLI loads 158 ES module files for an article (95 of its own, yargs and its
 * helpers, p-queue, franc), each resolved, read and compiled on its own. Bundled, the seed article
 * took 1.92 s against 2.10 s (medians of 16 interleaved pairs, order alternating, load 1.4–1.9,
 * faster in 13), and 3.5 against 3.9 s of CPU (README, Start-up, third round).
 *
 * How:
 * - Code splitting keeps every `await import()` lazy: each becomes a chunk loaded when reached, so
 *   `--help` still loads no model code and the translate path no server code.
 * - Chunks sit beside the entries (no subfolder): code resolves the scripts it starts relative to
 *   itself (worker-generator.ts: ./generator-worker.js; worker-engine.ts: ./engine-worker.js;
 *   extraction-pool.ts: ./extract-worker.js; parse-thread.ts: ./parse-worker.js; convert.ts: ./convert-worker.js).
 * - Only packages listed in BUNDLED go in. The others load from node_modules as before: native
 *   addons (onnxruntime-node, lmdb, sharp), Transformers.js (required with stand-ins,
 *   tokenizer-library.ts), and packages that find files beside themselves at run time (pino's
 *   worker threads under fastify, bullmq's native msgpack, ioredis' package.json), which a bundle
 *   would break.
 */
import { readFileSync } from 'node:fs';
import { chmod, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Dependencies bundled into the CLI: plain ES modules on the path of every translation. */
export const BUNDLED = ['yargs', 'p-queue', 'franc', 'escape-html', 'mdast-util-from-markdown', 'mdast-util-gfm', 'micromark-extension-gfm'];

/** The scripts run as the command, as a model process, as a server's engine and page extraction threads, as the thread that parses Markdown and pages, and as a conversion's thread. */
export const ENTRIES = ['src/cli/bin.ts', 'src/engine/generation/generator-worker.ts', 'src/server/engine-worker.ts', 'src/server/extract-worker.ts', 'src/io/parse-worker.ts', 'src/converter/convert-worker.ts'];

export const DEFAULT_OUT_DIR = path.join(root, 'dist', 'bundle');

function dependencies(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return Object.keys(pkg.dependencies ?? {});
}

/** Writes the bundle into `outDir` (emptied first); returns the path of the command's script. */
export async function bundleCli(outDir = DEFAULT_OUT_DIR): Promise<string> {
  await rm(outDir, { recursive: true, force: true });
  await build({
    entryPoints: ENTRIES.map((e) => path.join(root, e)),
    outdir: outDir,
    entryNames: '[name]',
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: [...dependencies().filter((d) => !BUNDLED.includes(d)), 'sharp'],
    // A CommonJS module inside the bundle that calls require() needs one: ES modules have none.
    banner: { js: "import { createRequire as __da2enCreateRequire } from 'node:module';\nconst require = __da2enCreateRequire(import.meta.url);" },
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  const bin = path.join(outDir, 'bin.js');
  await chmod(bin, 0o755);
  return bin;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] ? path.resolve(process.argv[2]) : DEFAULT_OUT_DIR;
  await bundleCli(outDir);
}
