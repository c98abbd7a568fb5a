/**
 * Where text goes, piece by piece, and the one way da2en writes a file atomically.
 *
 * A file is written to a temporary file beside the target and renamed over it only once it is
 * complete (after an fsync), so an interrupted or failed run leaves no partial output and never
 * damages an existing file; folders created for it are removed again when it is abandoned.
 * Everything da2en writes goes this way: the bilingual outputs, `eval --save-hyp`, the model
 * store's manifest, and downloaded model files (staged, then synced and renamed into place).
 * What is already at the target decides where the rename goes: a symbolic link keeps pointing where
 * it did (the file it leads to is the one replaced); a FIFO, a terminal or another device is written
 * directly, never replaced by a regular file (there, atomicity has no meaning). A FIFO never holds
 * one of libuv's threads (see createFifoSink), so that a stop is never kept waiting by its reader.
 * Standard output is written directly, honouring back-pressure.
 */
import { randomBytes } from 'node:crypto';
import { constants, open as openFd, rmdirSync, unlinkSync } from 'node:fs';
import { access, lstat, open, readlink, realpath, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { Socket } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Da2enError, SETTING_WORDS, type SettingName } from '../errors.js';
import { makeDirectories } from './make-directories.js';
import { nameBeside } from './name-beside.js';
import { physicalPath } from './same-file.js';
import { isNameTooLong } from './name-limits.js';
import { setAside } from './set-aside.js';
import { trackTemp } from './temp-registry.js';

/** Somewhere text goes, piece by piece. */
export interface TextSink {
  write(text: string): Promise<void>;
  /** Copies the whole content of a file (bytes as they are) to the sink. */
  appendFile(file: string): Promise<void>;
  /**
   * Everything was written: make it durable, not yet visible (for a file, flush, fsync and close),
   * so that `commit` is only the rename. Optional before `commit`, which does it when not done.
   */
  seal(): Promise<void>;
  /** Everything was written: make it visible (for a file, fsync and rename into place). */
  commit(): Promise<void>;
  /**
   * `commit`, with what was at the target kept until the returned placement's `keep` (or put back by
   * its `undo`): so that several outputs can be made visible all together or not at all. A FIFO,
   * a device or a stream was written as it went; for them it is `commit`, and nothing can be undone.
   */
  place(): Promise<Placement>;
  /** Give up: remove what was written; an existing target is left as it was. */
  abort(): Promise<void>;
}

/**
 * An output renamed into place that can still be taken back. Both calls are synchronous, so that
 * nothing else runs during one (a signal handler's exit at once included); until either is called,
 * an exit at once (temp-registry.ts) takes the output back.
 */
export interface Placement {
  /** Puts back what was at the target before: the old file, or nothing. */
  undo(): void;
  /** The new file stands; the old one kept meanwhile goes. */
  keep(): void;
}

/** The placement of an output written as it went (a FIFO, a device, a stream). */
const WRITTEN_AS_IT_WENT: Placement = { undo() {}, keep() {} };

/** Pieces are gathered up to this many characters before a write. */
const FLUSH_CHARS = 1 << 16;
const COPY_BYTES = 1 << 20;

async function writeAll(fh: FileHandle, data: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await fh.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}

/** The words for a failed write's error code, where there are better ones than the system's. */
function writeFailure(code: string | undefined, folder: string): string | undefined {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `permission denied (the folder ${folder} is not writable)`;
    case 'EROFS':
      return `the folder ${folder} is on a read-only file system`;
    case 'ENOENT':
    case 'ENOTDIR':
    case 'EEXIST':
      return `cannot create it in ${folder} (a part of that path is missing or is not a folder)`;
    case 'ENOSPC':
    case 'EDQUOT':
      return 'no space left on the device';
    case 'EISDIR':
      return 'it is a folder';
    case 'ENXIO':
      return 'it is a socket (or a device that is not there); nothing can be written into it as a file';
    case 'ENAMETOOLONG':
      return 'its name is too long for the file system (most allow 255 bytes a name, 4096 a path); choose a shorter name';
    default:
      return undefined;
  }
}

/**
 * A failure to write `target` (or the temporary file beside it) as the user sees it: the output's
 * own path and the reason in words — never the hidden temporary file's name.
 */
export function outputError(target: string, err: unknown, fullDisk: { fix: string; settings: readonly SettingName[] } = FULL_DISK_FIX): Da2enError {
  if (err instanceof Da2enError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const folder = path.dirname(path.resolve(target));
  const reason = writeFailure(code, folder) ?? ((err as Error | undefined)?.message ?? String(err));
  // A full disk is no mistake of the user's to correct, but they can act on it: say how.
  if (isFullDisk(code)) return new Da2enError('output', `cannot write ${target}: ${reason}; ${fullDisk.fix}`, { cause: err, settings: fullDisk.settings });
  return new Da2enError('output', `cannot write ${target}: ${reason}`, { cause: err });
}

/** What to do about a full disk, said after "no space left on the device": the CLI names its output options (src/cli/setting-words.ts). */
const FULL_DISK_FIX = { fix: `free some space, or ${SETTING_WORDS.outputFolder}`, settings: ['outputFolder'] } as const;

function isFullDisk(code: string | undefined): boolean {
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** How an output path is written, from what is there now (see the top of this file). */
type OutputPlace =
  /** A regular file, or nothing yet: atomically, by a rename over `file` (links already followed). */
  | { kind: 'file'; file: string }
  /** A FIFO, a terminal or another device (or /dev/stdout, whatever it is): opened and written as it is. */
  | { kind: 'direct'; file: string; fifo: boolean };

/** Where a chain of symbolic links ending nowhere leads: the file to create (`file` itself if it is no link). */
async function danglingLinkTarget(file: string): Promise<string> {
  // `..` read as the system reads it (`link/../new.txt` is beside where the link leads).
  let current = path.resolve(await physicalPath(file));
  // 40 links, as the kernel allows (ELOOP beyond).
  for (let hops = 0; hops < 40; hops++) {
    const info = await lstat(current).catch(() => undefined);
    if (!info?.isSymbolicLink()) return current;
    const link = await readlink(current);
    // Joined as written, not by path.join, which would read a `..` in the link before physicalPath can.
    current = path.resolve(await physicalPath(path.isAbsolute(link) ? link : `${path.dirname(current)}${path.sep}${link}`));
  }
  throw Object.assign(new Error(`too many symbolic links: ${file}`), { code: 'ELOOP' });
}

/** A file written by a rename over `file`: the temporary file beside it, a longer path, must fit too. */
function fileOutput(target: string, file: string): OutputPlace {
  checkNameLength(target, tempName(file, 'part'));
  return { kind: 'file', file };
}

/** Names of this process's open files: /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N. */
const OWN_OPEN_FILE = /^\/(dev\/(stdout|stderr|fd\/\d+)|proc\/self\/fd\/\d+)$/;

/**
 * Refuses `file` (by default `target` from the current folder) as the system would (ENAMETOOLONG)
 * where a name on its path or the whole is too long, as the output error a write would give.
 */
export function checkNameLength(target: string, file = path.resolve(target)): void {
  if (isNameTooLong(file)) throw outputError(target, Object.assign(new Error(`name too long: ${file}`), { code: 'ENAMETOOLONG' }));
}

async function outputPlace(target: string): Promise<OutputPlace> {
  // Here, not left to the system: under a folder still to be made, it would see the name only once
  // the work was done (a missing folder is all stat reports).
  checkNameLength(target);
  let info;
  try {
    info = await stat(target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Nothing there yet (or a link to where nothing is): created, beside where the links lead.
    if (code === 'ENOENT') return fileOutput(target, await danglingLinkTarget(target));
    // A name the system refuses is refused before any work is done (checkWritable), not after.
    if (code === 'ELOOP' || code === 'ENAMETOOLONG') throw err;
    return { kind: 'file', file: target }; // a file in the way, no permission…: the write reports it
  }
  // An open file of this process (`-o /dev/stdout` with standard output sent to a file) is written
  // into, as the shell's `>` or `>>` set it up, not replaced behind the shell's back.
  if (info.isFile() && !OWN_OPEN_FILE.test(path.resolve(target))) return fileOutput(target, await realpath(target));
  if (info.isDirectory()) throw Object.assign(new Error(`${target} is a folder`), { code: 'EISDIR' });
  // A socket cannot be opened as a file.
  if (info.isSocket()) throw Object.assign(new Error(`${target} is a socket`), { code: 'ENXIO' });
  return { kind: 'direct', file: target, fifo: info.isFIFO() };
}

/** outputError for a FIFO or device: a refusal is its own, not its folder's. */
function directOutputError(target: string, err: unknown): Da2enError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM') return new Da2enError('output', `cannot write ${target}: permission denied`, { cause: err });
  return outputError(target, err);
}

/**
 * Whether `target` can be written, checked before any work is done: a FIFO or device must be
 * writable itself; otherwise the nearest existing folder of the file written (links followed) must
 * be a folder and writable. Throws the same `output` error a failed write would.
 */
export async function checkWritable(target: string): Promise<void> {
  const place = await outputPlace(target).catch((err: unknown) => {
    throw outputError(target, err);
  });
  if (place.kind === 'direct') {
    await access(place.file, constants.W_OK).catch((err: unknown) => {
      throw directOutputError(target, err);
    });
    return;
  }
  let dir = path.dirname(path.resolve(place.file));
  for (;;) {
    const info = await stat(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' && path.dirname(dir) !== dir) return undefined;
      throw outputError(target, err);
    });
    if (info === undefined) {
      dir = path.dirname(dir);
      continue;
    }
    if (!info.isDirectory()) throw outputError(target, Object.assign(new Error(`${dir} is not a folder`), { code: 'ENOTDIR' }));
    await access(dir, constants.W_OK).catch((err: unknown) => {
      throw outputError(target, err);
    });
    return;
  }
}

/**
 * A temporary file's name beside `target` (hidden, unique to this process and call):
 * `.<name>.<pid>.<8 hex>.<tag>.tmp`, the name shortened where the whole would not fit (name-beside.ts).
 */
export function tempName(target: string, tag: string): string {
  return nameBeside(target, `.${process.pid}.${randomBytes(4).toString('hex')}.${tag}.tmp`, '.');
}

/** Creates the folder of `file`; returns the topmost folder it created (undefined if it existed). */
async function ensureFolder(file: string): Promise<string | undefined> {
  return makeDirectories(path.dirname(path.resolve(file)));
}

/**
 * Removes the folders `ensureFolder` created for `file`, deepest first, while they are empty.
 * Synchronous, so that an immediate exit can do it too (temp-registry.ts); a few rmdir calls.
 */
function removeCreatedFolders(file: string, created: string | undefined): void {
  if (created === undefined) return;
  let dir = path.dirname(path.resolve(file));
  const top = path.resolve(created);
  for (;;) {
    try {
      rmdirSync(dir);
    } catch {
      return; // not empty (another output is there), or already gone
    }
    if (dir === top || path.dirname(dir) === dir) return;
    dir = path.dirname(dir);
  }
}

/** Reads `file` in large chunks, handing each to `write` (awaited) before reading on. */
async function copyFileChunks(file: string, write: (bytes: Uint8Array) => Promise<void>): Promise<void> {
  const input = await open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(COPY_BYTES);
    for (;;) {
      const { bytesRead } = await input.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      // A copy: the buffer is reused for the next read while a stream may still hold this chunk.
      await write(Buffer.from(buf.subarray(0, bytesRead)));
    }
  } finally {
    await input.close();
  }
}

/**
 * A temporary file written with buffering; `close` flushes and fsyncs. It is tracked
 * (temp-registry.ts) until it is discarded or moved into place.
 */
export class TempFile {
  private parts: string[] = [];
  private size = 0;

  private constructor(
    readonly file: string,
    private readonly fh: FileHandle,
    private readonly untrack: () => void,
  ) {}

  static async create(file: string): Promise<TempFile> {
    const fh = await open(file, 'wx', 0o644);
    return new TempFile(file, fh, trackTemp(() => unlinkSync(file)));
  }

  async write(text: string): Promise<void> {
    if (text === '') return;
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= FLUSH_CHARS) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const data = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.size = 0;
    await writeAll(this.fh, data);
  }

  /** Appends the whole content of another file. */
  async appendFile(file: string): Promise<void> {
    await this.flush();
    await copyFileChunks(file, (bytes) => writeAll(this.fh, bytes));
  }

  /** Flushes (and with `sync`, fsyncs) and closes. */
  async close(sync: boolean): Promise<void> {
    try {
      await this.flush();
      if (sync) await this.fh.sync();
    } finally {
      await this.fh.close();
    }
  }

  /** Renames the (closed) file over `target`: it is no longer temporary. */
  async moveTo(target: string): Promise<void> {
    await rename(this.file, target);
    this.untrack();
  }

  async discard(): Promise<void> {
    this.parts = [];
    await this.fh.close().catch(() => {});
    await unlink(this.file).catch(() => {});
    this.untrack();
  }
}

/** A sink for a file path; `scratchBeside` is where temporary files for it go (null: the system's temporary folder). */
export interface FileSink extends TextSink {
  /** The file a temporary file for this output may sit beside (same folder, same file system), or null for a FIFO or device. */
  readonly scratchBeside: string | null;
}

export interface FileSinkOptions {
  /**
   * A stop: a FIFO's wait for its reader, and a write waiting for the reader to read on, end with its
   * reason. (A file's writes never wait on anyone; the caller checks the signal between them.)
   */
  signal?: AbortSignal;
}

/**
 * A file written all at once or not at all: pieces go to a temporary file beside `target`, which
 * `commit` renames over it. The target's folder is created if needed (and removed by `abort`).
 * Through a symbolic link, the file it leads to is replaced and the link kept; a FIFO or a device
 * is written directly (see the top of this file); a folder or a socket is an error.
 */
export async function createAtomicFileSink(target: string, options: FileSinkOptions = {}): Promise<FileSink> {
  const place = await outputPlace(target).catch((err: unknown) => {
    throw outputError(target, err);
  });
  if (place.kind === 'direct') return place.fifo ? createFifoSink(target, place.file, options.signal) : createDirectFileSink(target, place.file);
  const file = place.file;
  const created = await ensureFolder(file).catch((err: unknown) => {
    throw outputError(target, err);
  });
  // Tracked before the temporary file, so that an immediate exit removes that file first.
  const untrackFolders = created === undefined ? () => {} : trackTemp(() => removeCreatedFolders(file, created));
  let temp: TempFile;
  try {
    temp = await TempFile.create(tempName(file, 'part'));
  } catch (err) {
    removeCreatedFolders(file, created);
    untrackFolders();
    throw outputError(target, err);
  }
  let sealed = false;
  let finished = false;
  const asOutputError = (err: unknown) => {
    throw outputError(target, err);
  };
  const seal = async () => {
    if (sealed) return;
    await temp.close(true).catch(asOutputError);
    sealed = true;
  };
  const putInPlace = async (): Promise<Placement> => {
    await seal();
    const aside = await setAside(file, tempName(file, 'prev')).catch(asOutputError);
    try {
      await temp.moveTo(file);
    } catch (err) {
      try {
        aside.restore();
      } catch {
        // The rename's failure is the one to report.
      }
      throw outputError(target, err);
    }
    aside.placed();
    finished = true;
    return {
      undo() {
        aside.restore();
        removeCreatedFolders(file, created);
        untrackFolders();
      },
      keep() {
        aside.keep();
        untrackFolders();
      },
    };
  };
  return {
    scratchBeside: file,
    write: (text) => temp.write(text).catch(asOutputError),
    appendFile: (file) => temp.appendFile(file).catch(asOutputError),
    seal,
    place: putInPlace,
    // Alone, nothing needs taking back: the rename is all.
    async commit() {
      await seal();
      await temp.moveTo(file).catch(asOutputError);
      finished = true;
      untrackFolders();
    },
    async abort() {
      if (finished) return;
      finished = true;
      await temp.discard();
      removeCreatedFolders(file, created);
      untrackFolders();
    },
  };
}

/** How often a FIFO with no reader yet is tried again. */
const FIFO_READER_POLL_MS = 50;

const openFileDescriptor = promisify(openFd);

/**
 * Opens a FIFO for writing once it has a reader, as a shell's `>` does, but without blocking one of
 * libuv's threads meanwhile: a blocking open cannot be cancelled, and process.exit would wait for it.
 * Without a reader, a non-blocking open fails with ENXIO; it is tried again until one comes or
 * `signal` is aborted (its reason is thrown then).
 */
async function openFifoWhenRead(file: string, signal: AbortSignal | undefined): Promise<number> {
  for (;;) {
    signal?.throwIfAborted();
    try {
      return await openFileDescriptor(file, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENXIO') throw err;
    }
    // An abort ends the sleep early; the loop's check then throws its reason.
    await sleep(FIFO_READER_POLL_MS, undefined, signal ? { signal } : {}).catch(() => {});
  }
}

/**
 * A FIFO, written as its reader reads. Its writes go through a socket on the FIFO's descriptor,
 * which libuv writes when the pipe has room instead of blocking a thread on a full pipe: a reader
 * that reads no more holds up the writes, never a stop (`signal` ends the wait, with its reason). A
 * reader that went away (`-o /dev/stdout | head`, a FIFO's reader ending) is EPIPE, passed on as it
 * is: da2en stops quietly then, as it does when its standard output's reader goes. What was written
 * cannot be taken back: `abort` only closes it.
 */
async function createFifoSink(target: string, file: string, signal: AbortSignal | undefined): Promise<FileSink> {
  const fd = await openFifoWhenRead(file, signal).catch((err: unknown) => {
    if (signal?.aborted) throw err;
    throw directOutputError(target, err);
  });
  const pipe = new Socket({ fd, readable: false, writable: true });
  let failure: Error | undefined;
  pipe.on('error', (err) => (failure ??= err));
  const stop = () => pipe.destroy();
  signal?.addEventListener('abort', stop, { once: true });
  const failed = (): Error | undefined => (signal?.aborted ? (signal.reason as Error) : failure);
  const fail = (err: Error | undefined): never => {
    if ((err as NodeJS.ErrnoException | undefined)?.code === 'EPIPE' || signal?.aborted) throw err;
    throw directOutputError(target, err ?? new Error('the FIFO was closed'));
  };
  /** Resolves on `event`; rejects should the pipe fail or be destroyed first. */
  const until = (event: 'drain' | 'finish') =>
    new Promise<void>((resolve, reject) => {
      const settle = () => {
        pipe.off(event, settle);
        pipe.off('close', settle);
        if (failed() || pipe.destroyed) reject(failed());
        else resolve();
      };
      pipe.on(event, settle);
      pipe.on('close', settle);
    }).catch(fail);
  const put = async (bytes: Uint8Array) => {
    if (failed() || pipe.destroyed) fail(failed());
    if (!pipe.write(bytes)) await until('drain');
  };
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    try {
      if (failed() || pipe.destroyed) fail(failed());
      // 'finish': every byte is in the pipe.
      const finished = until('finish');
      pipe.end();
      await finished;
    } finally {
      signal?.removeEventListener('abort', stop);
      pipe.destroy();
    }
  };
  return {
    scratchBeside: null,
    write: (text) => (text === '' ? Promise.resolve() : put(Buffer.from(text, 'utf8'))),
    appendFile: (from) => copyFileChunks(from, put),
    seal: async () => {},
    commit: close,
    place: () => close().then(() => WRITTEN_AS_IT_WENT),
    async abort() {
      closed = true;
      signal?.removeEventListener('abort', stop);
      pipe.destroy();
    },
  };
}

/**
 * A device (or /dev/stdout behind a file), opened as it is and written piece by piece. What was
 * written cannot be taken back: `abort` only closes it.
 */
async function createDirectFileSink(target: string, file: string): Promise<FileSink> {
  const asOutputError = (err: unknown) => {
    throw directOutputError(target, err);
  };
  // Appending: a device or FIFO has no end to append to, and a file behind /dev/stdout keeps what the shell's `>>` left there.
  const fh = await open(file, 'a').catch(asOutputError);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await fh.close();
  };
  // A reader that went away is passed on as it is, as createFifoSink does.
  const put = (bytes: Uint8Array) =>
    writeAll(fh, bytes).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'EPIPE') throw err;
      asOutputError(err);
    });
  return {
    scratchBeside: null,
    write: (text) => (text === '' ? Promise.resolve() : put(Buffer.from(text, 'utf8'))),
    appendFile: (from) => copyFileChunks(from, put),
    seal: async () => {},
    commit: () => close().catch(asOutputError),
    place: () => close().then(() => WRITTEN_AS_IT_WENT, asOutputError),
    abort: () => close().catch(() => {}),
  };
}

/**
 * A failure to write a stream (`name`: "standard output") as the user sees it. A reader that went
 * away (EPIPE) is not one: callers pass it on as it is, to stop quietly.
 */
export function streamOutputError(name: string, err: unknown): Da2enError {
  if (err instanceof Da2enError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  // Standard output goes where the shell was told to send it: there is no option to name.
  const reason = isFullDisk(code) ? 'no space left on the device; free some space, or send it to a file on another disk' : ((err as Error | undefined)?.message ?? String(err));
  return new Da2enError('output', `cannot write ${name}: ${reason}`, { cause: err });
}

/**
 * Writes to a stream (standard output), waiting whenever it asks to. Every write's own callback is
 * heard, so that a failure is the sink's (kind `output`, or EPIPE as it is), whichever write it was;
 * `seal`, `commit` and `place` wait for the last one. Abort does nothing: what was written stays.
 */
export function createStreamSink(stream: NodeJS.WritableStream, name = 'standard output'): TextSink {
  let failure: Error | undefined;
  let lastWrite: Promise<void> = Promise.resolve();
  const check = () => {
    if (failure === undefined) return;
    if ((failure as NodeJS.ErrnoException).code === 'EPIPE') throw failure;
    throw streamOutputError(name, failure);
  };
  const put = async (data: string | Uint8Array) => {
    check();
    if (data.length === 0) return;
    let room = true;
    lastWrite = new Promise<void>((resolve) => {
      room = stream.write(data, (err) => {
        if (err) failure ??= err;
        resolve();
      });
    });
    // Full: its callback comes once this chunk, the last one in the queue, is written (a 'drain'
    // could never come, should the stream fail).
    if (!room) await lastWrite;
    check();
  };
  const written = async () => {
    await lastWrite;
    check();
  };
  return {
    write: put,
    appendFile: (file) => copyFileChunks(file, put),
    seal: written,
    commit: written,
    place: () => written().then(() => WRITTEN_AS_IT_WENT),
    abort: async () => {},
  };
}

/** Writes every piece to `target` atomically (see createAtomicFileSink, and its `signal` for a FIFO). */
export async function writeStreamAtomically(target: string, pieces: AsyncIterable<string> | Iterable<string>, options: FileSinkOptions = {}): Promise<void> {
  await drainInto(await createAtomicFileSink(target, options), pieces);
}

/** Writes every piece to `stream` as it comes (for standard output). */
export async function writeStreamTo(stream: NodeJS.WritableStream, pieces: AsyncIterable<string> | Iterable<string>): Promise<void> {
  await drainInto(createStreamSink(stream), pieces);
}

async function drainInto(sink: TextSink, pieces: AsyncIterable<string> | Iterable<string>): Promise<void> {
  try {
    for await (const piece of pieces) await sink.write(piece);
    await sink.commit();
  } catch (err) {
    await sink.abort();
    throw err;
  }
}

/** Writes `contents` to `file` atomically (see createAtomicFileSink, and its `signal` for a FIFO). */
export async function writeFileAtomically(file: string, contents: string, options: FileSinkOptions = {}): Promise<void> {
  await writeStreamAtomically(file, [contents], options);
}

/**
 * Puts a file written elsewhere (a download staged beside its target) into place: fsync, then
 * rename over `target`, so a crash leaves either the old file or the whole new one.
 */
export async function moveIntoPlace(staged: string, target: string): Promise<void> {
  const fh = await open(staged, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(staged, target);
}
