/**
 * When two paths name one file: by their spelling (`./x` and `x`, `a/../x`), or on disk, where a
 * symbolic link (the file's or a folder's on its path) or a hard link gives one file two names.
 * writeBilingualStream refuses two outputs that are one file with these, and the CLI's output plan
 * (src/cli/output-plan.ts) its outputs that are an input or each other.
 */
import { lstat, readlink, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { Da2enError } from '../errors.js';

/** What two spellings of one path have in common. */
export function pathKey(file: string): string {
  return path.resolve(file);
}

/** Whether `child` is `parent` or lies inside it (both resolved the same way by the caller). */
export function isWithin(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/**
 * `file` as the system reads it. A `..` after a name is the parent on disk of what that name is:
 * after a symbolic link (`link/..`), the folder holding where the link leads, which path.resolve and
 * path.join would make the folder holding the link. So up to its last such `..`, the path is resolved
 * through its links: the real path of its longest part that exists, then the rest. A path without
 * such a `..` is returned as it is. Where a name before a `..` is not there (`nolink/../x.html`: the
 * shell's `cat >` says ENOENT), or leads nowhere (a link to nothing, a loop of links), or is no folder,
 * the system has no `..` after it, and neither has this: an `output` error naming the path and why.
 */
export async function physicalPath(file: string): Promise<string> {
  const parts = file.split(path.sep);
  const isName = (part: string) => part !== '' && part !== '.' && part !== '..';
  let last = -1;
  for (let i = 1; i < parts.length; i++) if (parts[i] === '..' && parts.slice(0, i).some(isName)) last = i;
  for (let end = last; end >= 0; end--) {
    const head = parts.slice(0, end + 1).join(path.sep);
    if (head === '') continue;
    // fs/promises' realpath is the system's, which reads `..` after a link as the kernel does (fs.realpathSync does not).
    const real = await realpath(head).catch((err: NodeJS.ErrnoException) => err);
    const rest = parts.slice(end + 1);
    if (typeof real === 'string') {
      if (rest.length > 0 && (await stat(real).catch(() => undefined))?.isDirectory() === false) throw noParent(file, head, 'is not a folder');
      // The next name is not there (else it would have been the longest part), and a `..` follows it.
      if (end < last) throw noParent(file, parts.slice(0, end + 2).join(path.sep), 'does not exist');
      return path.join(real, ...rest);
    }
    // Not there at all: the part before it tells.
    if (!(await lstat(head).then(() => true, () => false))) continue;
    throw noParent(file, head, real.code === 'ELOOP' ? 'is a loop of symbolic links' : real.code === 'ENOENT' ? `is a symbolic link to nothing (${await readlink(head).catch(() => '?')})` : `cannot be followed (${real.code ?? real.message})`);
  }
  // Not even the first name is there (`nolink/../x.html`), and a `..` follows it.
  if (last !== -1) {
    const first = parts.findIndex(isName);
    throw noParent(file, parts.slice(0, first + 1).join(path.sep), 'does not exist');
  }
  return file;
}

function noParent(file: string, head: string, why: string): Da2enError {
  return new Da2enError('output', `cannot write ${file}: ${head} ${why}, so the ".." after it leads nowhere`);
}

/**
 * physicalPath for a file to be read: where the system cannot read it either, `file` as written,
 * for the reading to say so (an input error, not an output's).
 */
export async function physicalInputPath(file: string): Promise<string> {
  return physicalPath(file).catch((err: unknown) => {
    if (err instanceof Da2enError) return file;
    throw err;
  });
}

/**
 * The path with its links resolved, for a file or folder that may not exist yet: the real path of
 * its nearest existing folder, and the rest as written. Two spellings of one place through a link
 * (a linked output folder) get one key.
 */
export async function realPathKey(file: string): Promise<string> {
  const absolute = path.resolve(await physicalPath(file));
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
