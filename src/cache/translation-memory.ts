/**
 * The translation memory (segment cache): finished translations of exact source segments, so that
 * re-running an article only translates what changed.
 *
 * Storage: LMDB, through the `lmdb` package. Why not SQLite: for Node 20 that means better-sqlite3,
 * a native addon compiled at install time (or a prebuilt binary fetched from GitHub by an install
 * script — nothing may download binaries at install time, and npm 11 blocks install scripts by
 * default); the WASM SQLite builds for Node do no file locking, so two processes could corrupt the
 * file. `lmdb` ships its native binary inside ordinary registry packages (@lmdb/lmdb-linux-x64 and
 * friends), loads on Node 20 without running any install script, is crash-safe by design
 * (copy-on-write B-tree with two alternating meta pages: a commit is all or nothing, and there is no
 * log to replay after a crash) and safe for several processes at once (one writer at a time through
 * a robust mutex in the lock file, readers never blocked; a writer killed mid-transaction is rolled
 * back by the OS releasing its mutex).
 *
 * Layout: `<dir>/translation-memory.mdb` (data) and `<dir>/translation-memory.mdb-lock` (lock
 * file, shared memory for the reader table). Entries live in the named sub-database `segments-v1`:
 * key = the sha256 hex key from `memoryKey` (model id, dtype, decoding options, exact source),
 * value = { target, source, createdAt, flags? } in MessagePack (plain maps, no shared record
 * structures, so no shared encoder state between processes; memory-record.ts). A future incompatible
 * layout gets a new sub-database name instead of a migration: the old one is simply never read again.
 *
 * Durability: every `store()` call is one synchronous write transaction, committed and fsync'ed
 * before it returns (overlappingSync is off), so a Ctrl-C, a kill -9 or a power cut right after
 * `store()` keeps those entries, and a crash during it leaves the previous state intact.
 */
import { closeSync, fstatSync, lstatSync, openSync, readdirSync, readSync, rmdirSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { open, type Database, type DatabaseOptions, type RootDatabase } from 'lmdb';
import { Da2enError, SETTING_WORDS } from '../errors.js';
import { DamagedDataFile, endLmdbWriteErrorLine, memoryFailure, START_AFRESH, unusableMemory } from './memory-errors.js';
import { defaultCacheDir } from '../io/cache-dir.js';
import type { MemoryEntry, MemoryHit, TranslationMemory } from '../pipeline/memory.js';
import { makeDirectories } from '../io/make-directories.js';
import { memoryHit, memoryRecord, type MemoryRecord } from './memory-record.js';

export type { MemoryRecord };

export interface TranslationMemoryStats {
  /** Stored segments. */
  entries: number;
  /** Size of the data file on disk (LMDB reuses freed pages but never shrinks the file). */
  bytes: number;
  /** The data file. */
  path: string;
}

/** The local memory answers synchronously (LMDB reads and commits are synchronous calls). */
export interface TranslationMemoryStore extends TranslationMemory {
  lookup(keys: readonly string[]): Map<string, string>;
  lookupWithFlags(keys: readonly string[]): Map<string, MemoryHit>;
  store(entries: readonly MemoryEntry[]): void;
  /** The cache folder. */
  readonly dir: string;
  stats(): TranslationMemoryStats;
  /**
   * Inputs translated to the end before, by a key the caller makes of the input and every setting
   * that shapes its translation (finished-inputs.ts): a re-run of one of them is likely served from
   * the memory, so the CLI starts the model only if a segment turns out to be missing.
   */
  hasFinished(key: string): boolean;
  markFinished(key: string): void;
  /** Forgets every stored translation and finished input (one transaction; other processes see an empty memory). */
  clear(): void;
  close(): Promise<void>;
}

export const DATA_FILE = 'translation-memory.mdb';
/**
 * The sub-database holding the segments. Plain MessagePack maps read back as objects: no msgpackr
 * records (`useRecords: false`; those options are msgpackr's, passed through, not in lmdb's typings).
 */
export const SEGMENTS_DB_OPTIONS = { name: 'segments-v1', encoding: 'msgpack', useRecords: false, mapsAsObjects: true } as DatabaseOptions & { name: string };
/** Finished inputs: key → the time (ms since the epoch) the input was last translated to the end. */
const FINISHED_DB_OPTIONS = { name: 'finished-inputs-v1', encoding: 'msgpack', useRecords: false } as DatabaseOptions & { name: string };

const DAMAGED = `${DATA_FILE} is not a translation memory (damaged, or another kind of file); ${START_AFRESH}`;

/** The one-line error for a failed use of the memory, after ending any line LMDB left open on standard error. */
function failure(dir: string, error: unknown): Da2enError {
  endLmdbWriteErrorLine(error);
  return memoryFailure(dir, error);
}

/**
 * lmdb 3.5.6 trusts its data file: opening a non-empty file that is not an LMDB environment (a
 * stray file, a truncated copy) crashes the process (segmentation fault, or a bus error when it
 * maps pages past the end of the file) instead of throwing. So check the two meta pages first.
 * Layout (lmdb's mdb.c, 64-bit build): a 24-byte page header, then MDB_meta: the magic 0xBEEFC0DE
 * (at 24), the data format version 2 (28), the page size (48, the free DB's md_pad), the last used
 * page number mm_last_pg (144, 64-bit) and the txnid that committed the meta (152, 64-bit). LMDB
 * reads the meta with the higher txnid, and writes the data pages it points to before the meta, so
 * a file shorter than (last page + 1) pages was cut short. An empty file is what LMDB itself
 * creates before the first commit, and is fine.
 */
function checkDataFile(path: string): void {
  try {
    if (statSync(path).size === 0) return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const fd = openSync(path, 'r');
  try {
    const meta = (offset: number) => {
      const page = Buffer.alloc(160);
      if (readSync(fd, page, 0, page.length, offset) !== page.length || page.readUInt32LE(24) !== 0xbeefc0de || page.readUInt32LE(28) !== 2) return null;
      return { pageSize: page.readUInt32LE(48), lastPage: page.readBigUInt64LE(144), txnid: page.readBigUInt64LE(152) };
    };
    const valid = () => {
      const first = meta(0);
      const pageSize = first?.pageSize ?? 0;
      if (!first || pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return false;
      const second = meta(pageSize);
      if (second?.pageSize !== pageSize) return false;
      const latest = first.txnid >= second.txnid ? first : second;
      // Size after reading the meta: a commit running meanwhile only makes the file longer.
      return BigInt(fstatSync(fd).size) >= (latest.lastPage + 1n) * BigInt(pageSize);
    };
    // Another process may be creating the file right now (it writes both meta pages at once, under
    // LMDB's lock, which this check does not take): look again before calling it damaged.
    let ok = valid();
    for (let retry = 0; !ok && retry < 3; retry++) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      ok = valid();
    }
    if (!ok) throw new DamagedDataFile(DAMAGED, true);
  } finally {
    closeSync(fd);
  }
}

/** "a folder", "a named pipe (FIFO)": what stands where a file belongs. */
function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isSocket()) return 'a socket';
  return 'a device';
}

/**
 * lmdb maps the data file and the lock file (`-lock`, its shared reader table): given a folder, a
 * FIFO or a device in their place, lmdb 3.5.6 crashes the process (a segmentation fault) instead of
 * throwing. Each must be a regular file (a link to one will do) or absent, which LMDB then creates.
 */
function checkFileKinds(path: string): void {
  for (const file of [path, `${path}-lock`]) {
    let info: Stats;
    try {
      info = statSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    if (info.isFile()) continue;
    // cache clear removes an empty folder, but not one with something in it (removeOwnFile).
    if (info.isDirectory() && readdirSync(file).length > 0) {
      throw new DamagedDataFile(`${basename(file)} is a folder with files in it, not a file; move it out of the way (or translate ${SETTING_WORDS.noCache})`);
    }
    throw new DamagedDataFile(`${basename(file)} is ${kindOf(info)}, not a file; ${START_AFRESH}`);
  }
}

/**
 * Removes one of the memory's own files, whatever stands there: a file, a FIFO, a symbolic link (the
 * link itself, never what it points to), an empty folder. A folder with something in it is left alone:
 * it was not made by da2en, and what it holds may matter to someone.
 */
function removeOwnFile(folder: string, file: string): void {
  let info: Stats;
  try {
    info = lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw unusableMemory(folder, error);
  }
  try {
    if (info.isDirectory()) rmdirSync(file);
    else unlinkSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') {
      throw new Da2enError('storage', `cannot clear the translation memory in ${folder}: ${basename(file)} is a folder with files in it; move it out of the way (da2en deletes only what it made)`, { cause: error });
    }
    throw unusableMemory(folder, error);
  }
}

/**
 * For `cache clear`: deletes the memory's files in `dir` (default: `defaultCacheDir()`), the lock
 * file first, then the data file, without opening them: a data file damaged inside can make LMDB
 * fail on any read, or crash the process, and a cleared memory needs nothing from it. The next open
 * makes a fresh one. A folder or a FIFO standing where a file belongs goes too (removeOwnFile), so
 * clear gets past what opening refuses. Returns the deleted data file's path (whether or not there
 * was one). Throws a `Da2enError` (kind 'storage') when a file cannot be deleted.
 *
 * Another da2en process that has the memory open keeps working on the files it opened, now unlinked
 * (its later entries go with them when it exits), while processes that open it afterwards share the
 * new ones: no two writers ever share one data file without sharing its lock. (Lock file first: a
 * process opening in between creates a new lock file and opens the old data file, about to be
 * unlinked, or the new one, with that lock — never the new data file with the old lock.)
 */
export function deleteTranslationMemory(dir?: string): string {
  const folder = dir ? resolve(dir) : defaultCacheDir();
  const path = join(folder, DATA_FILE);
  removeOwnFile(folder, `${path}-lock`);
  removeOwnFile(folder, path);
  return path;
}

/**
 * For `cache stats`: the stats of an empty memory when `dir` (default: `defaultCacheDir()`) holds no
 * data file nor lock file, the folder itself missing included, so that looking creates nothing;
 * undefined when there is one (or something else in its place, or it cannot be looked at): open it to count.
 */
export function emptyMemoryStats(dir?: string): TranslationMemoryStats | undefined {
  const folder = dir ? resolve(dir) : defaultCacheDir();
  const path = join(folder, DATA_FILE);
  const absent = (file: string) => {
    try {
      lstatSync(file);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOENT';
    }
  };
  // A lock file alone (or something in its place) is opened, to be checked as opening checks it.
  return absent(path) && absent(`${path}-lock`) ? { entries: 0, bytes: 0, path } : undefined;
}

/**
 * Opens (creating if needed) the translation memory in `dir` (default: `defaultCacheDir()`).
 * Throws a `Da2enError` (kind 'storage') with a one-line message when the folder cannot be created or opened.
 */
export function openTranslationMemory(dir?: string): TranslationMemoryStore {
  const folder = dir ? resolve(dir) : defaultCacheDir();
  const path = join(folder, DATA_FILE);
  let root: RootDatabase;
  let db: Database<MemoryRecord, string>;
  let finished: Database<number, string>;
  try {
    // Throws EEXIST where a file is in the way (memoryFailureReason() says so).
    makeDirectories(folder);
    checkFileKinds(path);
    checkDataFile(path);
    root = open({
      path,
      noSubdir: true,
      maxDbs: 4,
      // Sync commits: store() returns only once its entries are on disk.
      overlappingSync: false,
    });
    db = root.openDB<MemoryRecord, string>(SEGMENTS_DB_OPTIONS);
    finished = root.openDB<number, string>(FINISHED_DB_OPTIONS);
  } catch (error) {
    throw failure(folder, error);
  }

  let closed: Promise<void> | null = null;
  const live = () => {
    // As a translator used after dispose(): the caller's mistake, kind usage (was a plain Error, no kind).
    if (closed) throw new Da2enError('usage', 'the translation memory has been closed; open it again to use it');
  };

  const lookupWithFlags = (keys: readonly string[]): Map<string, MemoryHit> => {
    live();
    const found = new Map<string, MemoryHit>();
    if (keys.length === 0) return found;
    try {
      // Read the latest committed state (including other processes' writes), not a snapshot
      // left over from earlier in this event turn.
      db.resetReadTxn();
      for (const key of keys) {
        if (found.has(key)) continue;
        const hit = memoryHit(db.get(key));
        if (hit) found.set(key, hit);
      }
    } catch (error) {
      throw failure(folder, error);
    }
    return found;
  };

  return {
    dir: folder,

    lookupWithFlags,

    lookup(keys) {
      return new Map([...lookupWithFlags(keys)].map(([key, hit]) => [key, hit.target]));
    },

    store(entries) {
      live();
      if (entries.length === 0) return;
      const createdAt = Date.now();
      try {
        // One synchronous write transaction per call: all of the batch or none of it.
        db.transactionSync(() => {
          for (const e of entries) {
            void db.put(e.key, memoryRecord(e, createdAt));
          }
        });
      } catch (error) {
        throw failure(folder, error);
      }
    },

    stats() {
      live();
      try {
        db.resetReadTxn();
        const entries = (db.getStats() as { entryCount: number }).entryCount;
        return { entries, bytes: statSync(path).size, path };
      } catch (error) {
        throw failure(folder, error);
      }
    },

    hasFinished(key) {
      live();
      try {
        finished.resetReadTxn();
        return typeof finished.get(key) === 'number';
      } catch (error) {
        throw failure(folder, error);
      }
    },

    markFinished(key) {
      live();
      try {
        finished.putSync(key, Date.now());
      } catch (error) {
        throw failure(folder, error);
      }
    },

    clear() {
      live();
      try {
        // Two transactions: a reader between them sees a finished input without its segments at
        // worst, and then starts the model on first use, as for any segment not in the memory.
        finished.clearSync();
        db.clearSync();
      } catch (error) {
        throw failure(folder, error);
      }
    },

    close() {
      // The root close closes the environment and the sub-database with it.
      closed ??= root.close();
      return closed;
    },
  };
}
