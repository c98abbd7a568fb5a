/**
 * A model's identity in the translation memory's keys and its record of finished inputs. A hub id
 * names one model wherever it is kept. A directory does not: `--model m` typed in two folders, or
 * one path whose model was replaced (a re-convert, another copy), are different models, and keying
 * on the path as typed served one model's translations for the other. So a directory is its
 * absolute path plus a fingerprint of the files its translations come from (the configuration, the
 * tokenizer and the encoder/decoder of the dtype): the size and modification time of each.
 *
 * Stat calls only, not a hash of the contents: a re-run served from the memory never loads the
 * model, and reading a hundred MB of weights would cost more than that saves. Times rounded to the
 * millisecond (as Node's own copies round them: cpSync with preserveTimestamps) and no inode, so that copies that keep the times (rsync -a, cp -p, tar, a container
 * image) at the same path are one model on every machine, and queue workers sharing a Redis memory
 * share its entries. Files da2en derives from these (the wrapped and prepared generation models,
 * made on first load) are left out, so making them does not change the identity.
 */
import { createHash } from 'node:crypto';
import { statSync, type BigIntStats } from 'node:fs';
import path from 'node:path';
import type { Dtype } from '../dtype.js';
import type { ModelLocation } from './locate.js';
import { requiredFiles } from './model-files.js';

export function modelMemoryId(location: ModelLocation, dtype: Dtype): string {
  if (location.downloadable) return location.id;
  return `${location.dir}#${modelFilesFingerprint(location.dir, dtype)}`;
}

/**
 * The part of a local model's identity that does not depend on where it lies: 16 hex digits from
 * the size and time of each file the dtype's translations come from. The queue knows a model folder
 * copied to another path (another machine, another working folder) by it.
 */
export function modelFilesFingerprint(dir: string, dtype: Dtype): string {
  const hash = createHash('sha256');
  for (const file of requiredFiles(dtype)) {
    const s = statOrNull(path.join(dir, file));
    hash.update(JSON.stringify([file, s ? [String(s.size), String((s.mtimeNs + 500_000n) / 1_000_000n)] : null]));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * A file that cannot be stat'ed (missing, a file where a folder should be, a link loop) counts as
 * absent: the model's own checks, which run before it is used, say what is wrong with it.
 */
function statOrNull(file: string): BigIntStats | null {
  try {
    return statSync(file, { bigint: true });
  } catch {
    return null;
  }
}
