/**
 * One download (or checkpoint conversion) of a model at a time, across processes. Two da2en
 * processes fetching the same model would share `<dir>.partial/`: the second resumes (appends to)
 * the first one's part files and either may remove the staging folder under the other.
 *
 * The lock is a file `<dir>.lock` made with link(2), which fails when the name exists, from a temp
 * file already holding the holder's pid, host and a token: the lock never exists half-written.
 * No locking library is among da2en's dependencies and this is the whole of what is needed; a lock
 * left by a process that died (SIGKILL, a power cut) is recognised by that process being gone
 * (same host only: a pid from another machine sharing the folder cannot be checked, so it is waited for).
 */
import { randomUUID } from 'node:crypto';
import { link, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Da2enError } from '../../errors.js';
import { makeDirectories } from '../../io/make-directories.js';

export interface LockHolder {
  pid: number;
  host: string;
  token: string;
}

export interface ModelLockOptions {
  /** Called once when another process holds the lock and this one starts waiting for it. */
  onWait?: (holder: LockHolder) => void;
  signal?: AbortSignal;
  /** How often the lock is looked at again while waiting. */
  pollMs?: number;
}

export function modelLockPath(dir: string): string {
  return `${dir}.lock`;
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
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function readText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Creates the lock with `me` in it; false if it exists. */
async function tryCreate(lock: string, me: LockHolder): Promise<boolean> {
  const temp = `${lock}.${me.token}`;
  await writeFile(temp, JSON.stringify(me));
  try {
    await link(temp, lock);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await rm(temp, { force: true });
  }
}

/**
 * Removes a dead holder's lock. Moved aside first (only one mover gets it), then checked to be the
 * lock seen dead: a waiter that lost the race to another one may have moved a live lock, and puts it back.
 */
async function removeStale(lock: string, seen: string, me: LockHolder): Promise<void> {
  const aside = `${lock}.stale-${me.token}`;
  try {
    await rename(lock, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if ((await readText(aside)) !== seen) await link(aside, lock).catch(() => undefined);
  await rm(aside, { force: true });
}

/**
 * Runs `work` holding the model's download lock: waits (saying so once through `onWait`) while
 * another live process holds it, takes over the lock of a dead one, and stops waiting when `signal`
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
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new Da2enError('storage', `cannot write in the models folder ${path.dirname(lock)} (${code}); give a writable one with --models-dir or DA2EN_MODELS_DIR`, { cause: err });
    }
  };
  try {
    for (let told = false; ; ) {
      options.signal?.throwIfAborted();
      if (await created()) break;
      const text = await readText(lock);
      if (text === null) continue;
      const holder = parseHolder(text);
      // An unreadable lock was not written by da2en's link: it is taken for a dead one.
      if (!holder || isGone(holder)) {
        await removeStale(lock, text, me);
        continue;
      }
      if (!told) options.onWait?.(holder);
      told = true;
      await sleep(options.pollMs ?? 250, undefined, options.signal ? { signal: options.signal } : {});
    }
    try {
      return await work();
    } finally {
      if (parseHolder((await readText(lock)) ?? '')?.token === me.token) await rm(lock, { force: true });
    }
  } finally {
    // Folders made for the lock alone (models/<owner>/ of a download that failed) go with it.
    for (let up = path.dirname(lock); made && up.length >= made.length && up.startsWith(made); up = path.dirname(up)) {
      if (!(await rmdir(up).then(() => true, () => false))) break;
    }
  }
}
