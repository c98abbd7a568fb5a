/**
 * Starts a worker thread on a module that lies beside this one (./engine-worker, ./extract-worker).
 *
 * From source (tsx, vitest) the module is a .ts file that plain Node cannot load, so it is started
 * through a one-line bootstrap that registers tsx first. Built, the .js runs directly: in dist/ the
 * modules sit side by side, and in the CLI's bundle every entry and chunk sits in dist/bundle/
 * (tools/bundle-cli.ts lists the worker modules among its entries).
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

export function startSiblingWorker(name: string, options: WorkerOptions = {}): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(`./${name}${fromSource ? '.ts' : '.js'}`, import.meta.url);
  if (!fromSource) return new Worker(url, options);
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { ...options, eval: true });
}
