/** One file of a model folder (or of a kept checkpoint) against what it must be. */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { sha256File } from './manifest.js';
import { contentProblem } from './file-content.js';

export interface FileCheck {
  file: string;
  problem: string | null;
  missing: boolean;
}

/**
 * One file against what it must be: the manifest's size and sha256 when the model was downloaded,
 * else only that it exists and is not empty; that its bytes can be what its name says (never a web
 * page or a server's error answer: file-content.ts); and the size the hub publishes for
 * it (`published`, the default model's), which outranks the manifest: a manifest written before
 * downloads were checked against it may vouch for a page a mirror sent in the file's place.
 */
export async function checkFile(dir: string, file: string, want: { size: number; sha256?: string } | undefined, published?: number): Promise<FileCheck> {
  const full = path.join(dir, file);
  let size: number;
  try {
    size = (await stat(full)).size;
  } catch {
    return { file, problem: `${file}: missing`, missing: true };
  }
  if (size === 0) return { file, problem: `${file}: empty`, missing: false };
  const content = await contentProblem(full, file);
  const wrong = content && { file, problem: `${file}: ${content.problem}${content.sent === 'not-the-file' ? '' : ', not the model file (sent by a captive portal or a mirror in its place)'}`, missing: false };
  // What a server sent in the file's place is said as such; a file cut short, by its size.
  if (wrong && content.sent !== 'not-the-file') return wrong;
  if (published !== undefined && size !== published) return { file, problem: `${file}: ${size} bytes, published as ${published}`, missing: false };
  if (want && size !== want.size) return { file, problem: `${file}: ${size} bytes, expected ${want.size}`, missing: false };
  if (wrong) return wrong;
  if (!want?.sha256) return { file, problem: null, missing: false };
  const sha = await sha256File(full);
  return { file, problem: sha === want.sha256 ? null : `${file}: sha256 ${sha.slice(0, 12)}…, expected ${want.sha256.slice(0, 12)}…`, missing: false };
}
