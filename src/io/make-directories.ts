/**
 * `mkdir -p` that always ends. Node's own (`fs.mkdir(dir, { recursive: true })`, 20.x) loops at full
 * CPU for ever where the kernel answers ENOENT for a folder whose parent exists, as /proc does:
 * `-o /proc/x/out.html` or a cache folder there would hang da2en instead of failing.
 */
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

function kindOf(dir: string): 'folder' | 'other' | 'missing' {
  try {
    return statSync(dir).isDirectory() ? 'folder' : 'other';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
}

/**
 * Creates `dir` and any missing folder above it; returns the topmost folder it created (undefined
 * if `dir` existed), as Node's recursive mkdir does. Throws the system's error (EEXIST where `dir` is
 * a file, ENOTDIR where a file is in the way above it, EACCES, ENOENT where a folder cannot be
 * made) with its `code`; a folder another process makes meanwhile is fine.
 */
export function makeDirectories(dir: string): string | undefined {
  const target = path.resolve(dir);
  const missing: string[] = [];
  for (let current = target; ; ) {
    const kind = kindOf(current);
    if (kind === 'folder') break;
    if (kind === 'other') {
      const code = current === target ? 'EEXIST' : 'ENOTDIR';
      throw Object.assign(new Error(`${code}: ${current === target ? 'file already exists' : 'not a directory'}, mkdir '${target}'`), { code, path: current });
    }
    missing.push(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (let i = missing.length - 1; i >= 0; i--) {
    try {
      mkdirSync(missing[i]!);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || kindOf(missing[i]!) !== 'folder') throw err;
    }
  }
  return missing.at(-1);
}
