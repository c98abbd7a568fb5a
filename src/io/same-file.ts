/**
 * When two paths name one file: by their spelling (`./x` and `x`, `a/../x`), or on disk, where a
 * symbolic link (the file's or a folder's on its path) or a hard link gives one file two names.
 * writeBilingualStream refuses two outputs that are one file with these, and the CLI's output plan
 * (src/cli/output-plan.ts) its outputs that are an input or each other.
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/** What two spellings of one path have in common. */
export function pathKey(file: string): string {
  return path.resolve(file);
}

/**
 * The path with its links resolved, for a file or folder that may not exist yet: the real path of
 * its nearest existing folder, and the rest as written. Two spellings of one place through a link
 * (a linked output folder) get one key.
 */
export async function realPathKey(file: string): Promise<string> {
  const absolute = path.resolve(file);
  for (let existing = absolute; ; existing = path.dirname(existing)) {
    const real = await realpath(existing).catch(() => undefined);
    if (real !== undefined) return path.join(real, path.relative(existing, absolute));
    if (path.dirname(existing) === existing) return absolute;
  }
}

/** The file a path names, links followed (device and inode), or undefined where there is none (yet). */
export async function fileIdentity(file: string): Promise<string | undefined> {
  try {
    const info = await stat(file, { bigint: true });
    return `${info.dev}:${info.ino}`;
  } catch {
    return undefined; // not there yet (or unreadable: the input's own check and the write report that)
  }
}

/** The first two of `files` that are one file, by their paths, then on disk; undefined when there are none. */
export async function findSameFile(files: readonly string[]): Promise<[string, string] | undefined> {
  const byPath = new Map<string, string>();
  for (const file of files) {
    const other = byPath.get(pathKey(file));
    if (other !== undefined) return [other, file];
    byPath.set(pathKey(file), file);
  }
  const onDisk = new Map<string, string>();
  for (const file of files) {
    const id = await fileIdentity(file);
    if (id === undefined) continue;
    const other = onDisk.get(id);
    if (other !== undefined) return [other, file];
    onDisk.set(id, file);
  }
  return undefined;
}
