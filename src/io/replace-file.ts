/**
 * Writes a file da2en owns inside a folder of its own (a model folder: the manifest, the wrapped
 * model, its stamp). Unlike writeFileAtomically, which is for outputs a user names (a link there is
 * followed, a FIFO written into), whatever is at the name is replaced, never written through: a
 * symbolic link planted in a model folder must not make da2en write outside it.
 */
import { unlinkSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { tempName } from './sinks.js';
import { trackTemp } from './temp-registry.js';

export interface ReplaceFileOptions {
  /** fsync before the rename (default true); a cache whose stamp checks sizes can do without. */
  sync?: boolean;
  /**
   * The temporary file's name (default sinks.ts tempName's `.<name>.<pid>.<hex>.part.tmp`): the
   * converter recognises a killed write's leftover in a model folder by it.
   */
  temp?: string;
}

/**
 * Writes `chunks` to a new file beside `file` (exclusive create: a link or anything else already at
 * that name fails the call rather than being followed), fsyncs it and renames it over `file`, which
 * replaces a link there instead of the file it leads to. The temporary file goes on failure.
 */
export async function replaceFile(file: string, chunks: string | Uint8Array | Iterable<string | Uint8Array>, options: ReplaceFileOptions = {}): Promise<void> {
  const temp = options.temp ?? tempName(file, 'part');
  const pieces = typeof chunks === 'string' || chunks instanceof Uint8Array ? [chunks] : chunks;
  const handle = await open(temp, 'wx', 0o644);
  const untrack = trackTemp(() => unlinkSync(temp));
  try {
    try {
      // writeFile, unlike write, writes the whole piece (from where the last one ended).
      for (const piece of pieces) await handle.writeFile(piece);
      if (options.sync !== false) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  } finally {
    untrack();
  }
}
