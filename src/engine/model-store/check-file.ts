/** One file of a model folder (or of a kept checkpoint) against what it must be. */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { sha256File } from './manifest.js';

export interface FileCheck {
  file: string;
  problem: string | null;
  missing: boolean;
}

/**
 * One file against what it must be: the manifest's size and sha256 when the model was downloaded,
 * else the published size (default model), else only that it exists and is not empty.
 */
export async function checkFile(dir: string, file: string, want: { size: number; sha256?: string } | undefined): Promise<FileCheck> {
  let size: number;
  try {
    size = (await stat(path.join(dir, file))).size;
  } catch {
    return { file, problem: `${file}: missing`, missing: true };
  }
  if (size === 0) return { file, problem: `${file}: empty`, missing: false };
  if (!want) return { file, problem: null, missing: false };
  if (size !== want.size) return { file, problem: `${file}: ${size} bytes, expected ${want.size}`, missing: false };
  if (!want.sha256) return { file, problem: null, missing: false };
  const sha = await sha256File(path.join(dir, file));
  return { file, problem: sha === want.sha256 ? null : `${file}: sha256 ${sha.slice(0, 12)}…, expected ${want.sha256.slice(0, 12)}…`, missing: false };
}
