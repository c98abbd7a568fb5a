import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { writeFileAtomically } from '../../io/sinks.js';

/** Written next to a downloaded model: what each file must be, for `da2en model verify`. */
export interface Manifest {
  id: string;
  revision: string;
  remoteHost: string;
  files: Record<string, { size: number; sha256: string }>;
}

export const MANIFEST_NAME = '.da2en-manifest.json';

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

export async function readManifest(dir: string): Promise<Manifest | null> {
  try {
    return JSON.parse(await readFile(path.join(dir, MANIFEST_NAME), 'utf8')) as Manifest;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  const file = path.join(dir, MANIFEST_NAME);
  await writeFileAtomically(file, JSON.stringify(manifest, null, 2) + '\n');
}
