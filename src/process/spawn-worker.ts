/**
 * Starts a worker thread on a module: the server's engine and page extraction threads, the input
 * readers' parse thread (src/io/parse-thread.ts), the converter's thread.
 *
 * From source (tsx, vitest) the module is a .ts file that plain Node cannot load, so it is started
 * through a one-line bootstrap that registers tsx first. Built, the .js runs directly: in dist/ the
 * modules sit side by side, and in the CLI's bundle every entry and chunk sits in dist/bundle/
 * (tools/bundle-cli.ts lists the worker modules among its entries).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * The worker module `name` beside the module at `base` (its import.meta.url): `name`.ts from source,
 * `name`.js built.
 */
export function siblingModule(name: string, base: string): URL {
  return new URL(`./${name}${base.endsWith('.ts') ? '.ts' : '.js'}`, base);
}

/** Starts a worker thread on the module at `url`: a .js file directly, a .ts file (from source) through tsx. */
export function startWorkerModule(url: URL, options: WorkerOptions = {}): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, options);
  // Found from here: the bootstrap's own imports resolve from the current folder, which need not be
  // inside this package (a test that runs the CLI from a temp folder). require.resolve finds the
  // CommonJS twin of tsx's ESM entry, whose register() imports a file that does not exist.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { ...options, eval: true });
}
