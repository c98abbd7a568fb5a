/**
 * How Transformers.js gets the files of a model directory that is already on disk.
 *
 * Left to itself, Transformers.js (4.3) wraps every local file in a `FileResponse` whose
 * constructor starts streaming the whole file into an unbounded in-memory queue, even for the
 * .onnx files, of which it then only uses the path (ONNX Runtime reads them itself). For the two
 * q8 files that is ~106 MB read and queued for nothing while the model loads and the first
 * batch translates: measured +0.3 s before the process can exit, and peak RSS that varied
 * between 500 and 700 MB from run to run depending on when the queue was collected.
 *
 * Transformers.js asks a cache first when `env.useCustomCache` is set (its documented hook, the
 * Web Cache API's `match`/`put`); this one answers for the directories being loaded: an .onnx
 * file as its path (what Transformers.js hands to ONNX Runtime), any other file as a Response
 * with the bytes read once. Keys for other places get `undefined`, i.e. the usual path.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { env } from '@huggingface/transformers';

const directories = new Set<string>();

/** The file of a loading directory that `key` (a local path or a hub-style URL) names, if any. */
export function localFileFor(key: string, dirs: Iterable<string>): string | undefined {
  const normalized = key.replaceAll('\\', '/');
  for (const dir of dirs) {
    const base = dir.replaceAll('\\', '/').replace(/\/+$/, '');
    let relative: string | undefined;
    if (normalized.startsWith(`${base}/`)) relative = normalized.slice(base.length + 1);
    else {
      // A hub URL built from the directory name: …/<dir>/resolve/<revision>/<file>.
      const at = normalized.indexOf(`${base}/resolve/`);
      if (at !== -1) relative = normalized.slice(at + base.length + '/resolve/'.length).split('/').slice(1).join('/');
    }
    if (!relative || relative.split('/').includes('..')) continue;
    const file = path.join(dir, relative);
    if (existsSync(file) && statSync(file).isFile()) return file;
  }
  return undefined;
}

const localFilesCache = {
  async match(key: string): Promise<string | Response | undefined> {
    const file = localFileFor(String(key), directories);
    if (!file) return undefined;
    if (file.endsWith('.onnx')) return file;
    const bytes = await readFile(file);
    return new Response(bytes, { headers: { 'content-length': String(bytes.byteLength) } });
  },
  async put(): Promise<void> {
    // Nothing to store: the files are already where they belong.
  },
};

/** Runs `load` with Transformers.js reading `dir`'s files through the cache above. */
export async function withLocalModelFiles<T>(dir: string, load: () => Promise<T>): Promise<T> {
  const absolute = path.resolve(dir);
  directories.add(absolute);
  if (path.normalize(dir) !== absolute) directories.add(path.normalize(dir));
  const previous = { useCustomCache: env.useCustomCache, customCache: env.customCache };
  env.useCustomCache = true;
  env.customCache = localFilesCache;
  try {
    return await load();
  } finally {
    directories.delete(absolute);
    directories.delete(path.normalize(dir));
    if (directories.size === 0) {
      env.useCustomCache = previous.useCustomCache;
      env.customCache = previous.customCache;
    }
  }
}
