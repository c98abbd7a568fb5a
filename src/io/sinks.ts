/**
 * Where text goes, piece by piece, and the one way da2en writes a file atomically.
 *
 * A file is written to a temporary file beside the target and renamed over it only once it is
 * complete (after an fsync), so an interrupted or failed run leaves no partial output and never
 * damages an existing file; folders created for it are removed again when it is abandoned.
 * Everything da2en writes goes this way: the bilingual outputs, `eval --save-hyp`, the model
 * store's manifest, and downloaded model files (staged, then synced and renamed into place).
 * Standard output is written directly, honouring back-pressure.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, open, rename, rmdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Da2enError } from '../errors.js';
import { makeDirectories } from './make-directories.js';

/** Somewhere text goes, piece by piece. */
export interface TextSink {
  write(text: string): Promise<void>;
  /** Copies the whole content of a file (bytes as they are) to the sink. */
  appendFile(file: string): Promise<void>;
  /** Everything was written: make it visible (for a file, fsync and rename into place). */
  commit(): Promise<void>;
  /** Give up: remove what was written; an existing target is left as it was. */
  abort(): Promise<void>;
}

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

/**
 * A failure to write `target` (or the temporary file beside it) as the user sees it: the output's
 * own path and the reason in words — never the hidden temporary file's name.
 */
export function outputError(target: string, err: unknown): Da2enError {
  if (err instanceof Da2enError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const folder = path.dirname(path.resolve(target));
  const reason =
    code === 'EACCES' || code === 'EPERM'
      ? `permission denied (the folder ${folder} is not writable)`
      : code === 'EROFS'
        ? `the folder ${folder} is on a read-only file system`
        : code === 'ENOENT' || code === 'ENOTDIR' || code === 'EEXIST'
          ? `cannot create it in ${folder} (a part of that path is missing or is not a folder)`
          : code === 'ENOSPC' || code === 'EDQUOT'
            ? 'no space left on the device'
            : code === 'EISDIR'
              ? 'it is a folder'
              : ((err as Error | undefined)?.message ?? String(err));
  return new Da2enError('output', `cannot write ${target}: ${reason}`, { cause: err });
}

/**
 * Whether `target` can be written, checked before any work is done: the nearest folder of it that
 * exists must be a folder and writable. Throws the same `output` error a failed write would.
 */
export async function checkWritable(target: string): Promise<void> {
  let dir = path.dirname(path.resolve(target));
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

/** A temporary file's name beside `target` (hidden, unique to this process and call). */
export function tempName(target: string, tag: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.${tag}.tmp`);
}

/** Creates the folder of `file`; returns the topmost folder it created (undefined if it existed). */
async function ensureFolder(file: string): Promise<string | undefined> {
  return makeDirectories(path.dirname(path.resolve(file)));
}

/** Removes the folders `ensureFolder` created for `file`, deepest first, while they are empty. */
async function removeCreatedFolders(file: string, created: string | undefined): Promise<void> {
  if (created === undefined) return;
  let dir = path.dirname(path.resolve(file));
  const top = path.resolve(created);
  for (;;) {
    try {
      await rmdir(dir);
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

/** A temporary file written with buffering; `close` flushes and fsyncs. */
export class TempFile {
  private parts: string[] = [];
  private size = 0;

  private constructor(
    readonly file: string,
    private readonly fh: FileHandle,
  ) {}

  static async create(file: string): Promise<TempFile> {
    return new TempFile(file, await open(file, 'wx', 0o644));
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

  async discard(): Promise<void> {
    this.parts = [];
    await this.fh.close().catch(() => {});
    await unlink(this.file).catch(() => {});
  }
}

/**
 * A file written all at once or not at all: pieces go to a temporary file beside `target`, which
 * `commit` renames over it. The target's folder is created if needed (and removed by `abort`).
 */
export async function createAtomicFileSink(target: string): Promise<TextSink> {
  const created = await ensureFolder(target).catch((err: unknown) => {
    throw outputError(target, err);
  });
  let temp: TempFile;
  try {
    temp = await TempFile.create(tempName(target, 'part'));
  } catch (err) {
    await removeCreatedFolders(target, created);
    throw outputError(target, err);
  }
  let finished = false;
  const asOutputError = (err: unknown) => {
    throw outputError(target, err);
  };
  return {
    write: (text) => temp.write(text).catch(asOutputError),
    appendFile: (file) => temp.appendFile(file).catch(asOutputError),
    async commit() {
      await temp.close(true).catch(asOutputError);
      await rename(temp.file, target).catch(asOutputError);
      finished = true;
    },
    async abort() {
      if (finished) return;
      finished = true;
      await temp.discard();
      await removeCreatedFolders(target, created);
    },
  };
}

/** Writes to a stream (standard output), waiting whenever it asks to. Commit and abort do nothing. */
export function createStreamSink(stream: NodeJS.WritableStream): TextSink {
  const put = async (data: string | Uint8Array) => {
    if (data.length === 0 || stream.write(data)) return;
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error) => {
        stream.off('drain', done);
        stream.off('error', done);
        if (err) reject(err);
        else resolve();
      };
      stream.on('drain', done);
      stream.on('error', done);
    });
  };
  return {
    write: put,
    appendFile: (file) => copyFileChunks(file, put),
    commit: async () => {},
    abort: async () => {},
  };
}

/** Writes every piece to `target` atomically (see createAtomicFileSink). */
export async function writeStreamAtomically(target: string, pieces: AsyncIterable<string> | Iterable<string>): Promise<void> {
  await drainInto(await createAtomicFileSink(target), pieces);
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

/** Writes `contents` to `file` atomically (see createAtomicFileSink). */
export async function writeFileAtomically(file: string, contents: string): Promise<void> {
  await writeStreamAtomically(file, [contents]);
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
