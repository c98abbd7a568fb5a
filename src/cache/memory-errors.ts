/**
 * The translation memory's failures as one-line `Da2enError`s (kind 'storage'): what went wrong in
 * the user's words, and what to do. The original error stays the `cause`, for --verbose.
 */
import { writeSync } from 'node:fs';
import { Da2enError, SETTING_WORDS } from '../errors.js';

/**
 * lmdb's own words after a failed page write: it prints "Write error: <strerror> position …" to
 * standard error itself, with no newline, and puts this detail into the error it throws.
 */
const LMDB_WRITE_DETAIL = /:\s*Attempting to write page\b.*$/s;

/** "no space left on the device", "permission denied": the reason a file system or LMDB error gives, in one short phrase. */
export function memoryFailureReason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  let text: string;
  if (e?.code === 'EACCES' || e?.code === 'EPERM') text = 'permission denied';
  else if (e?.code === 'EEXIST' || e?.code === 'ENOTDIR') text = 'a file is in the way of the folder';
  else if (e?.code === 'EROFS') text = 'read-only file system';
  else if (e?.code === 'ENOSPC') text = 'no space left on the device';
  else {
    // LMDB's errors carry no code, only the C library's text.
    text = (error instanceof Error ? error.message : String(error)).replace(LMDB_WRITE_DETAIL, '');
    if (/permission denied/i.test(text)) text = 'permission denied';
    else if (/no space left on device/i.test(text)) text = 'no space left on the device';
  }
  return text.replace(/\s+/g, ' ').trim();
}

export function unusableMemory(dir: string, error: unknown): Da2enError {
  return new Da2enError(
    'storage',
    `cannot use the translation memory in ${dir}: ${memoryFailureReason(error)} (run ${SETTING_WORDS.noCache}, or set DA2EN_CACHE_DIR to a writable folder)`,
    { cause: error, settings: ['noCache'] },
  );
}

/** How to get past a damaged data file, the same in every message that reports one. */
export const START_AFRESH = `run da2en cache clear to start afresh (or translate ${SETTING_WORDS.noCache})`;

/** A memory file LMDB must not be given; its message is the whole reason. */
export class DamagedDataFile extends Error {
  /** True when the file's contents are bad; false when something else (a folder, a FIFO) stands in its place. */
  constructor(
    message: string,
    readonly contents = false,
  ) {
    super(message);
  }
}

/**
 * LMDB's errors for a data file damaged inside (the meta pages are checked before opening; the
 * B-tree only as it is read): a page of the wrong kind or past the end, or a write transaction
 * that failed on one (MDB_BAD_TXN, after LMDB printed its own lines about it).
 */
const LMDB_DAMAGE = /^MDB_(CORRUPTED|PAGE_NOTFOUND|BAD_TXN|INVALID|INCOMPATIBLE|VERSION_MISMATCH)\b/;

/**
 * Whether a memory's storage error (from memoryFailure) is about its data file's contents (not a
 * translation memory, cut short, damaged inside), rather than about the folder or a file in the way:
 * `cache stats` gives them different exit codes. Told by the cause memoryFailure kept.
 */
export function isDamagedMemory(error: unknown): boolean {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof DamagedDataFile) return cause.contents;
  return cause instanceof Error && LMDB_DAMAGE.test(cause.message);
}

function damaged(dir: string, error: unknown): Da2enError {
  return new Da2enError('storage', `the translation memory in ${dir} is damaged (${memoryFailureReason(error)}); ${START_AFRESH}`, { cause: error, settings: ['noCache'] });
}

/** The one-line error for a failed use of the memory: damaged, or unusable for another reason. */
export function memoryFailure(dir: string, error: unknown): Da2enError {
  if (error instanceof DamagedDataFile) return new Da2enError('storage', `cannot use the translation memory in ${dir}: ${error.message}`, { cause: error, settings: ['noCache'] });
  return LMDB_DAMAGE.test(error instanceof Error ? error.message : '') ? damaged(dir, error) : unusableMemory(dir, error);
}

/**
 * Ends the line LMDB left open on standard error after a failed page write, so that whatever is
 * printed next (da2en's own line) starts on a line of its own. The native print itself cannot be
 * stopped.
 */
export function endLmdbWriteErrorLine(error: unknown): void {
  if (!(error instanceof Error) || !LMDB_WRITE_DETAIL.test(error.message)) return;
  try {
    writeSync(2, '\n');
  } catch {
    // Standard error closed: nothing to end.
  }
}
