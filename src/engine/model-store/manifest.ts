import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Da2enError } from '../../errors.js';
import { makeDirectories } from '../../io/make-directories.js';
import { replaceFile } from '../../io/replace-file.js';
import { MANIFEST_NAME } from '../../model-folder-names.js';

export { MANIFEST_NAME };

/** Written next to a downloaded model: what each file must be, for `da2en model verify`. */
export interface Manifest {
  id: string;
  revision: string;
  remoteHost: string;
  files: Record<string, { size: number; sha256: string }>;
}


export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * A file name a manifest may hold: relative, in the model folder, without `..` or `.` parts — so
 * that a damaged (or planted) manifest cannot make verify read, or a repair write, outside it.
 */
function isModelFileName(name: string): boolean {
  if (name === '' || path.isAbsolute(name) || name.includes('\\') || name.includes('\0')) return false;
  return name.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

/** What is wrong with a parsed manifest, or null when it has the shape da2en writes. */
function manifestProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const m = value as Record<string, unknown>;
  for (const key of ['id', 'revision', 'remoteHost'] as const) if (typeof m[key] !== 'string') return `no "${key}"`;
  if (typeof m['files'] !== 'object' || m['files'] === null || Array.isArray(m['files'])) return 'no "files"';
  for (const [name, entry] of Object.entries(m['files'])) {
    if (!isModelFileName(name)) return `file name ${JSON.stringify(name).slice(0, 80)} is outside the model folder`;
    const e = entry as { size?: unknown; sha256?: unknown } | null;
    if (typeof e !== 'object' || e === null || !Number.isSafeInteger(e.size) || (e.size as number) < 0 || typeof e.sha256 !== 'string' || !SHA256.test(e.sha256)) {
      return `no size and sha256 for ${JSON.stringify(name).slice(0, 80)}`;
    }
  }
  return null;
}

export type ManifestRead = { state: 'absent' } | { state: 'ok'; manifest: Manifest } | { state: 'damaged'; error: Da2enError };

/** The manifest in `dir`: absent, as written, or damaged (unreadable JSON, a wrong shape, a name outside the folder). */
export async function loadManifest(dir: string): Promise<ManifestRead> {
  const file = path.join(dir, MANIFEST_NAME);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'absent' };
    return { state: 'damaged', error: new Da2enError('model-corrupt', `model manifest ${file} cannot be read (${(err as Error).message})`, { cause: err }) };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { state: 'damaged', error: new Da2enError('model-corrupt', `model manifest ${file} is damaged (${(err as Error).message})`, { cause: err }) };
  }
  const problem = manifestProblem(value);
  if (problem) return { state: 'damaged', error: new Da2enError('model-corrupt', `model manifest ${file} is damaged (${problem})`) };
  return { state: 'ok', manifest: value as Manifest };
}

/** The manifest in `dir`, null when there is none; a damaged one throws a model-corrupt error. */
export async function readManifest(dir: string): Promise<Manifest | null> {
  const read = await loadManifest(dir);
  if (read.state === 'damaged') throw read.error;
  return read.state === 'ok' ? read.manifest : null;
}

/** The manifest in `dir`, null when there is none or it is damaged (a download writes a new one). */
export async function readManifestIfIntact(dir: string): Promise<Manifest | null> {
  const read = await loadManifest(dir);
  return read.state === 'ok' ? read.manifest : null;
}

/** Replaces the manifest whole: a link at its name is replaced, never written through (a write outside the model folder). */
export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  const file = path.join(dir, MANIFEST_NAME);
  makeDirectories(dir);
  await replaceFile(file, JSON.stringify(manifest, null, 2) + '\n');
}
