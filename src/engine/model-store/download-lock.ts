/**
 * One download (or checkpoint conversion) of a model at a time, across processes. Two da2en
 * processes fetching the same model would share `<dir>.partial/`: the second resumes (appends to)
 * the first one's part files and either may remove the staging folder under the other.
 *
 * The lock is a file `<dir>.lock` made with link(2), which fails when the name exists, from a temp
 * file already holding the holder's pid, host and a token: the lock never exists half-written.
 * Where the filesystem has no hard links (vfat/exFAT, FUSE mounts like s3fs or gcsfuse) it is made
 * with an exclusive create instead, and is empty for the moment before its contents are written.
 * No locking library is among da2en's dependencies and this is the whole of what is needed.
 *
 * A lock left by a process that died (SIGKILL, a power cut, a container killed) is recognised two
 * ways: its pid is gone (same host only: a pid from another machine or container cannot be checked),
 * or its file's mtime, which the holder refreshes every HEARTBEAT_MS, has not moved for STALE_MS —
 * whatever its host, so a lock from a killed container does not hang the next one for ever.
 */
import { randomUUID } from 'node:crypto';
// Called through the module object: a test makes link fail as it does where hard links are unsupported.
import fs, { type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Da2enError } from '../../errors.js';
import { makeDirectories } from '../../io/make-directories.js';
import { nameBeside } from '../../io/name-beside.js';
import { modelsFolderError } from './models-folder-error.js';

export interface LockHolder {
  pid: number;
  host: string;
  token: string;
}

export interface ModelLockOptions {
  /** Called once when another process holds the lock (the file `lock`) and this one starts waiting for it. */
  onWait?: (holder: LockHolder, lock: string) => void;
  signal?: AbortSignal;
  /** How often the lock is looked at again while waiting. */
  pollMs?: number;
  /** How often the holder refreshes the lock's mtime. */
  heartbeatMs?: number;
}

/** The holder refreshes its lock's mtime this often while it works. */
const HEARTBEAT_MS = 5_000;
/**
 * A lock whose mtime is older than this is abandoned. Far above the heartbeat, since a heartbeat
 * cannot beat while the holder's event loop is busy: the longest synchronous work under the lock is
 * in converting a checkpoint, all of which takes 77 s for the 465 MB `best` one (README,
 * Quality), so a whole conversion's length without a beat still does not look dead. It assumes the
 * clocks of hosts sharing a models folder agree within a minute (NTP). A lock left just now
 * is waited for this long at most; one left earlier is taken over at once.
 */
const STALE_MS = 120_000;
/** A lock with no holder in it yet younger than this is being written (the exclusive-create way): it is held. */
const WRITING_MS = 2_000;

/** link(2) errors that mean "no hard links here", not "cannot write here". */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

export function modelLockPath(dir: string): string {
  return `${dir}.lock`;
}

function codeOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

function parseHolder(text: string): LockHolder | null {
  try {
    const h = JSON.parse(text) as Partial<LockHolder>;
    return typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.token === 'string' ? (h as LockHolder) : null;
  } catch {
    return null;
  }
}

function isGone(holder: LockHolder): boolean {
  if (holder.host !== os.hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (err) {
    // EPERM: it exists, run by another user.
    return codeOf(err) === 'ESRCH';
  }
}

/** The lock's contents and age in ms; null when there is none. Anything but a file in its place is the user's to remove. */
async function inspect(lock: string): Promise<{ text: string; age: number } | null> {
  try {
    const info = await fs.stat(lock);
    if (!info.isFile()) {
      throw new Da2enError('storage', `${lock} is in the way of da2en's download lock (it is not a file); remove it and run again`);
    }
    return { text: await fs.readFile(lock, 'utf8'), age: Date.now() - info.mtimeMs };
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return null;
    throw err;
  }
}

/** Writes `text` into a new file `file`; null if it exists. The handle is the holder's, for its heartbeat. */
async function createExclusive(file: string, text: string): Promise<FileHandle | null> {
  let handle: FileHandle;
  try {
    handle = await fs.open(file, 'wx');
  } catch (err) {
    if (codeOf(err) === 'EEXIST') return null;
    throw err;
  }
  try {
    await handle.writeFile(text);
    await handle.sync();
    return handle;
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** Makes `lock` a name of `source` (holding `text`), or, without hard links, a new file with `text`; null if `lock` exists. */
async function place(source: string, text: string, lock: string): Promise<FileHandle | null> {
  try {
    await fs.link(source, lock);
    return await fs.open(lock, 'r');
  } catch (err) {
    if (codeOf(err) === 'EEXIST') return null;
    if (NO_LINKS.has(codeOf(err) ?? '')) return createExclusive(lock, text);
    throw err;
  }
}

/** Creates the lock with `me` in it; null if it exists. */
async function tryCreate(lock: string, me: LockHolder): Promise<FileHandle | null> {
  const temp = nameBeside(lock, `.${me.token}`);
  const text = JSON.stringify(me);
  await fs.writeFile(temp, text);
  try {
    return await place(temp, text, lock);
  } finally {
    await fs.rm(temp, { force: true });
  }
}

/**
 * Removes an abandoned lock. Moved aside first (only one mover gets it), then checked to be the
 * lock seen abandoned: a waiter that lost the race to another one may have moved a live lock, and puts it back.
 */
async function removeStale(lock: string, seen: string, me: LockHolder): Promise<void> {
  const aside = nameBeside(lock, `.stale-${me.token}`);
  try {
    await fs.rename(lock, aside);
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return;
    throw err;
  }
  const text = await fs.readFile(aside, 'utf8').catch(() => seen);
  if (text !== seen) await place(aside, text, lock).then((h) => h?.close(), () => undefined);
  await fs.rm(aside, { force: true });
}

/** Keeps the lock's mtime fresh while its holder works; through the handle, so a lock taken over meanwhile is not touched. */
function heartbeat(handle: FileHandle, everyMs: number): () => void {
  const timer = setInterval(() => {
    const now = new Date();
    handle.utimes(now, now).catch(() => undefined);
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Runs `work` holding the model's download lock: waits (saying so once through `onWait`) while
 * another live process holds it, takes over an abandoned one, and stops waiting when `signal`
 * aborts. The caller checks again, once it holds the lock, what is still missing.
 */
export async function withModelLock<T>(dir: string, options: ModelLockOptions, work: () => Promise<T>): Promise<T> {
  const lock = modelLockPath(dir);
  const me: LockHolder = { pid: process.pid, host: os.hostname(), token: randomUUID() };
  let made: string | undefined;
  const created = async () => {
    try {
      made ??= makeDirectories(path.dirname(lock));
      return await tryCreate(lock, me);
    } catch (err) {
      throw modelsFolderError(path.dirname(lock), err);
    }
  };
  try {
    let handle: FileHandle | null;
    for (let told = false; ; ) {
      options.signal?.throwIfAborted();
      if ((handle = await created())) break;
      const seen = await inspect(lock);
      if (seen === null) continue;
      const holder = parseHolder(seen.text);
      // A lock without a holder in it is being written, or is debris (a crash mid-write, a stray file).
      if (holder ? seen.age > STALE_MS || isGone(holder) : seen.age > WRITING_MS) {
        await removeStale(lock, seen.text, me);
        continue;
      }
      if (holder && !told) {
        options.onWait?.(holder, lock);
        told = true;
      }
      await sleep(options.pollMs ?? 250, undefined, options.signal ? { signal: options.signal } : {});
    }
    const stopBeating = heartbeat(handle, options.heartbeatMs ?? HEARTBEAT_MS);
    try {
      return await work();
    } finally {
      stopBeating();
      await handle.close();
      const now = await inspect(lock).catch(() => null);
      if (now && parseHolder(now.text)?.token === me.token) await fs.rm(lock, { force: true });
    }
  } finally {
    // Folders made for the lock alone (models/<owner>/ of a download that failed) go with it;
    // `made` is absolute, the lock as given may be relative.
    const top = made;
    for (let up = path.dirname(path.resolve(lock)); top && up.length >= top.length && up.startsWith(top); up = path.dirname(up)) {
      if (!(await fs.rmdir(up).then(() => true, () => false))) break;
    }
  }
}
