import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';

/**
 * Writes a whole output file or nothing: the text goes to a temporary file beside the target and
 * is renamed over it, so an interrupted run never leaves a half-written (or emptied) output.
 */
export async function writeOutputAtomically(file: string, contents: string): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFileAtomic(file, contents, { encoding: 'utf8' });
}
