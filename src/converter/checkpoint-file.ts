/**
 * Opening a checkpoint's files: each must be a regular file (a link to one is fine), and the small
 * ones read whole are bounded. A link to /dev/zero, a FIFO or a folder under a checkpoint's name
 * would otherwise be read until memory runs out, or wait for ever for a writer.
 */
import { closeSync, constants, fstatSync, openSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { CheckpointError } from './errors.js';

const MiB = 1024 * 1024;

/**
 * The most a checkpoint's small file may hold, far above any real one and far below what would
 * strain memory: tc-big's vocab.json and source.spm are about 1 MB each (a 64k vocabulary), its
 * config files 1–2 KB. A vocabulary the converter could still turn into a model (config.json's
 * vocab_size is bounded, marian-config.ts) fits well within its limit.
 */
export const SMALL_FILE_LIMITS = {
  /** vocab.json, source.spm, target.spm. */
  vocabulary: 64 * MiB,
  /** config.json, generation_config.json, tokenizer_config.json, special_tokens_map.json. */
  json: 1 * MiB,
} as const;

/** O_NONBLOCK: opening a FIFO does not wait for a writer (it is then refused as not a regular file); no effect on a regular file. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function notRegular(file: string, stats: Stats): CheckpointError {
  return new CheckpointError(`${path.basename(file)} in ${path.dirname(file)} is ${kindOf(stats)}, not a regular file; a checkpoint's files must be plain files (links to them are fine)`);
}

function tooLarge(file: string, bytes: number, limit: number): CheckpointError {
  return new CheckpointError(`${path.basename(file)} in ${path.dirname(file)} is larger than ${limit / MiB} MiB (${bytes} bytes or more), far more than any checkpoint's; is it the right file?`);
}

/**
 * Opens a weights file for reading: a file descriptor on a regular file. Throws the open's own
 * error (ENOENT, EACCES) as it is, and a CheckpointError for anything that is not a regular file.
 */
export function openRegularFileSync(file: string): number {
  const fd = openSync(file, OPEN_FLAGS);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw notRegular(file, stats);
    return fd;
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/**
 * Reads a small checkpoint file whole, refusing one over `limit` bytes without reading past it
 * (counted as read, so a file that grows meanwhile is caught too). Throws the open's own error as
 * it is (ENOENT for a missing optional file), a CheckpointError for a non-regular or larger file.
 */
export async function readSmallFile(file: string, limit: number): Promise<Buffer> {
  const handle = await open(file, OPEN_FLAGS);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw notRegular(file, stats);
    if (stats.size > limit) throw tooLarge(file, stats.size, limit);
    const parts: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(MiB, limit + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > limit) throw tooLarge(file, total, limit);
      parts.push(chunk.subarray(0, bytesRead));
    }
    return Buffer.concat(parts, total);
  } finally {
    await handle.close();
  }
}
