import { createWriteStream } from 'node:fs';
import { lstat, readdir, rm, rmdir, stat, truncate } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Da2enError, SETTING_WORDS } from '../../errors.js';
import { moveIntoPlace } from '../../io/sinks.js';
import { DEFAULT_MODEL_ID, KNOWN_SIZES } from './model-files.js';
import { readManifestIfIntact, sha256File, writeManifest, type Manifest } from './manifest.js';
import { makeDirectories } from '../../io/make-directories.js';
import { isFolderWriteFailure, modelsFolderError } from './models-folder-error.js';
import { contentProblem } from './file-content.js';
import { HttpStatusError } from './not-there.js';

export interface FileProgress {
  file: string;
  /** Bytes of this file on disk so far (a resumed download starts above 0). */
  loaded: number;
  total: number | undefined;
}

export interface DownloadRequest {
  id: string;
  dir: string;
  files: string[];
  remoteHost: string;
  revision?: string;
  /** Sizes already known (from a HEAD), for onStart; the download checks against what the server sends. */
  sizes?: Record<string, number>;
  /** The files to fetch, with the sizes known before the first is opened. */
  onStart?: (files: { file: string; total: number | undefined }[]) => void;
  /** While a file arrives, and once it is whole and verified (loaded = total = its size). */
  onProgress?: (progress: FileProgress) => void;
  signal?: AbortSignal;
}

const SHA256 = /^[0-9a-f]{64}$/;

function unquoteEtag(value: string | null): string | undefined {
  if (!value) return undefined;
  const v = value.replace(/^W\//, '').replace(/"/g, '');
  return SHA256.test(v) ? v : undefined;
}

interface Remote {
  response: Response;
  sha256: string | undefined;
  size: number | undefined;
  /** The answer came content-encoded (a gzip-compressing mirror or proxy): fetch decodes it, so its byte counts are not the file's. */
  encoded: boolean;
}

/**
 * Sent on every request: a mirror or proxy that compresses would otherwise make content-length and
 * content-range describe compressed bytes, which neither add up to the file nor resume it.
 */
export const IDENTITY_ENCODING = { 'Accept-Encoding': 'identity' } as const;

/** Whether an answer's body is content-encoded anyway (some proxies ignore Accept-Encoding). */
export function isEncoded(headers: Headers): boolean {
  const coding = headers.get('content-encoding')?.trim().toLowerCase();
  return coding !== undefined && coding !== '' && coding !== 'identity';
}

/** The total N a content-range states (`bytes 0-9/N`; a 416's has a star for the range), when stated. */
function rangeTotal(headers: Headers): number | undefined {
  const total = headers.get('content-range')?.match(/\/(\d+)\s*$/);
  return total ? Number(total[1]) : undefined;
}

/**
 * Opens a file on the hub (or a mirror in its layout). The hub answers large files with a
 * redirect whose own headers carry the file's sha256 and size (x-linked-etag/-size), so the
 * redirect is followed by hand to keep them.
 */
async function openRemote(url: string, offset: number, signal?: AbortSignal): Promise<Remote> {
  const headers: Record<string, string> = { ...IDENTITY_ENCODING, ...(offset > 0 ? { Range: `bytes=${offset}-` } : {}) };
  let response = await fetch(url, { redirect: 'manual', headers, ...(signal ? { signal } : {}) });
  let sha256 = unquoteEtag(response.headers.get('x-linked-etag'));
  let size = Number(response.headers.get('x-linked-size')) || undefined;
  for (let hops = 0; response.status >= 300 && response.status < 400 && hops < 5; hops++) {
    const location = response.headers.get('location');
    if (!location) break;
    await response.body?.cancel();
    response = await fetch(new URL(location, url), { redirect: 'manual', headers, ...(signal ? { signal } : {}) });
    sha256 ??= unquoteEtag(response.headers.get('x-linked-etag'));
    size ??= Number(response.headers.get('x-linked-size')) || undefined;
  }
  sha256 ??= unquoteEtag(response.headers.get('etag'));
  const encoded = isEncoded(response.headers);
  // Encoded, content-length and content-range count the compressed bytes, not the file's.
  if (size === undefined && !encoded) {
    size = rangeTotal(response.headers);
    if (size === undefined && response.status === 200 && response.headers.get('content-length')) size = Number(response.headers.get('content-length'));
  }
  return { response, sha256, size, encoded };
}

/**
 * Whether the answer to a ranged request cannot continue the partial file of `offset` bytes: an
 * encoded 206 (its range is of compressed bytes), or a 416 ("nothing after that") whose stated
 * total, or the size known otherwise, is not the partial file's size (the part is longer than the
 * file, or not of it), or that is encoded and no size says the part is whole.
 */
function cannotResume(remote: Remote, offset: number, published: number | undefined): boolean {
  const { status, headers } = remote.response;
  if (status === 206) return remote.encoded;
  if (status !== 416) return false;
  // An encoded answer's own total counts compressed bytes: only the sizes known otherwise tell.
  const totals = [remote.encoded ? undefined : rangeTotal(headers), remote.size, published].filter((t) => t !== undefined);
  return (remote.encoded && totals.length === 0) || totals.some((total) => total !== offset);
}

/** Opens `url` to continue `part` (`offset` bytes on disk); an answer that cannot continue it truncates the part and asks again for the whole file. */
async function openResuming(url: string, part: string, offset: number, published: number | undefined, signal?: AbortSignal): Promise<{ remote: Remote; offset: number }> {
  const remote = await openRemote(url, offset, signal);
  if (offset === 0 || !cannotResume(remote, offset, published)) return { remote, offset };
  await remote.response.body?.cancel();
  await truncate(part, 0);
  return { remote: await openRemote(url, 0, signal), offset: 0 };
}

async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

/**
 * How much of a file an earlier download left in `part`. Only a plain file is resumed: anything
 * else there (a symbolic link, a FIFO) is removed, so that the download never appends to, or
 * truncates, a file outside the staging folder through it.
 */
async function partOffset(part: string): Promise<number> {
  const info = await lstat(part).catch(() => undefined);
  if (info?.isFile()) return info.size;
  if (info && !info.isDirectory()) await rm(part, { force: true });
  return 0;
}

function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

/**
 * Downloads the missing files of a model into `<dir>.partial/`, resuming earlier partial files,
 * verifies each against the size and sha256 the server states, and only then moves them into the
 * model directory — so the model directory never holds a half-written file.
 */
export async function downloadModel(req: DownloadRequest): Promise<Manifest> {
  const revision = req.revision ?? 'main';
  const staging = `${req.dir}.partial`;
  const known = KNOWN_SIZES[req.id] ?? {};
  const verified: Manifest['files'] = {};
  const opened: { file: string; remote: Remote; part: string; offset: number }[] = [];

  const base = req.remoteHost.replace(/\/+$/, '');
  let firstMade: string | undefined;
  try {
    for (const file of req.files) {
      const part = path.join(staging, `${file}.part`);
      const made = makeDirectories(path.dirname(part));
      firstMade ??= made;
      const url = `${base}/${req.id}/resolve/${encodeURIComponent(revision)}/${file}`;
      const opening = await openResuming(url, part, await partOffset(part), known[file], req.signal);
      const { remote } = opening;
      let { offset } = opening;
      const { status } = remote.response;
      if (status === 416) {
        // Nothing left to fetch: the partial file is already whole (verified below).
      } else if (status === 200 && offset > 0) {
        await truncate(part, 0); // the server ignored the range: start over
        offset = 0;
      } else if (status === 404) {
        throw new Da2enError('model-missing', `model ${req.id} has no file ${file} at ${url} (HTTP 404); check the model id given as ${SETTING_WORDS.model}`, { cause: new HttpStatusError(status, url), settings: ['model'] });
      } else if (status !== 200 && status !== 206) {
        throw new Da2enError('network', `downloading ${url} failed: HTTP ${status}; try again later`, { cause: new HttpStatusError(status, url) });
      }
      remote.size ??= known[file];
      opened.push({ file, remote, part, offset });
      // Later files are opened only when their turn comes; announce what is known up front.
      if (opened.length === 1) req.onStart?.(req.files.map((f) => ({ file: f, total: f === file ? remote.size : (known[f] ?? req.sizes?.[f]) })));
      await receive(file, remote, part, offset, req);
      const whole = await verifyPart(req, file, part, remote, known[file]);
      verified[file] = whole;
      req.onProgress?.({ file, loaded: whole.size, total: whole.size });
    }
  } catch (err) {
    // Partial files with bytes in them are kept for resuming; folders holding none are not.
    await removeEmptyDirs(staging, firstMade);
    if (err instanceof Da2enError) throw err;
    if ((err as Error).name === 'AbortError' || req.signal?.aborted) throw err;
    if (isFolderWriteFailure(err)) throw modelsFolderError(path.dirname(req.dir), err);
    const done = opened.at(-1);
    const kept = done ? await fileSize(done.part) : 0;
    const where = done ? ` while fetching ${done.file}${kept > 0 ? ` (${kept} bytes kept in ${staging})` : ''}` : '';
    throw new Da2enError(
      'network',
      `could not download model ${req.id} from ${req.remoteHost}${where}: ${describeNetworkError(err)}. ` +
        'Check the connection and run the same command again to resume; behind a mirror, set DA2EN_REMOTE_HOST (or HF_ENDPOINT) to its URL; ' +
        `or use ${SETTING_WORDS.localModel} (no download, no ${SETTING_WORDS.offline} needed) — to try the pipeline offline, build one with "npm run build-model -- --preset tiny --out models/tiny"`,
      { cause: err, settings: ['localModel', 'offline'] },
    );
  }

  try {
    return await install(req, revision, verified);
  } catch (err) {
    if (isFolderWriteFailure(err)) throw modelsFolderError(path.dirname(req.dir), err);
    throw err;
  }
}

/** Moves the verified files from `<dir>.partial/` into the model directory and records them in its manifest. */
async function install(req: DownloadRequest, revision: string, verified: Manifest['files']): Promise<Manifest> {
  const staging = `${req.dir}.partial`;
  makeDirectories(req.dir);
  for (const file of req.files) {
    makeDirectories(path.dirname(path.join(req.dir, file)));
    await moveIntoPlace(path.join(staging, `${file}.part`), path.join(req.dir, file));
  }
  const previous = await readManifestIfIntact(req.dir);
  const manifest: Manifest = {
    id: req.id,
    revision,
    remoteHost: req.remoteHost,
    files: { ...(previous?.files ?? {}), ...verified },
  };
  await writeManifest(req.dir, manifest);
  await rm(staging, { recursive: true, force: true });
  return manifest;
}

/**
 * Removes `dir` and the folders in it when no byte is left in them (empty part files go too), then the empty folders above it
 * up to `madeFrom` (the first folder this download created): a failed download leaves no empty
 * `*.partial/` behind, and never removes a folder it did not make.
 */
async function removeEmptyDirs(dir: string, madeFrom: string | undefined): Promise<void> {
  const prune = async (d: string): Promise<boolean> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return true;
    }
    let empty = true;
    for (const e of entries) {
      const full = path.join(d, e.name);
      if (e.isDirectory() ? await prune(full) : (await fileSize(full)) === 0 && (await rm(full).then(() => true, () => false))) continue;
      empty = false;
    }
    if (empty) await rmdir(d).catch(() => undefined);
    return empty;
  };
  if (!(await prune(dir)) || !madeFrom) return;
  for (let up = path.dirname(dir); up.length >= madeFrom.length && up.startsWith(madeFrom); up = path.dirname(up)) {
    if (!(await rmdir(up).then(() => true, () => false))) break;
  }
}

async function receive(file: string, remote: Remote, part: string, offset: number, req: DownloadRequest): Promise<void> {
  const body = remote.response.body;
  if (remote.response.status === 416 || !body) return;
  let loaded = offset;
  req.onProgress?.({ file, loaded, total: remote.size });
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      loaded += chunk.length;
      req.onProgress?.({ file, loaded, total: remote.size });
      done(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(body as import('node:stream/web').ReadableStream), counter, createWriteStream(part, { flags: offset > 0 ? 'a' : 'w' }));
}

/**
 * Called after the server finished sending (a dropped connection never gets here: its part file is
 * kept for resuming). A complete response that is still short, long or fails its checksum is
 * corrupt at the source, so the part is discarded rather than resumed forever. So is what cannot be
 * the file its name says (a web page from a captive portal, a mirror's JSON error: file-content.ts)
 * and a file whose size is not the one the hub publishes (`published`): the size and checksum the
 * server states are then those of what it sent.
 */
async function verifyPart(req: DownloadRequest, file: string, part: string, remote: Remote, published: number | undefined): Promise<{ size: number; sha256: string }> {
  const content = await contentProblem(part, file);
  if (content && content.sent !== 'not-the-file') {
    await rm(part, { force: true });
    throw new Da2enError(
      'network',
      `could not download model ${req.id} from ${req.remoteHost}: it answered ${file} with ${content.problem}, not the file (a captive portal or login page, or a mirror without this model); nothing was installed. ` +
        'Log in to the network or check the connection, or set DA2EN_REMOTE_HOST (or HF_ENDPOINT) to a mirror that has the model, and run the same command again',
    );
  }
  const size = await fileSize(part);
  const sha256 = await sha256File(part);
  const badSize = remote.size !== undefined && size !== remote.size;
  const unpublished = published !== undefined && size !== published;
  const badHash = remote.sha256 !== undefined && sha256 !== remote.sha256;
  if (badSize || unpublished || badHash) {
    await rm(part, { force: true });
    const what = badSize
      ? `${size} bytes instead of ${remote.size}`
      : unpublished
        ? `${size} bytes instead of the ${published} it is published with`
        : `sha256 ${sha256.slice(0, 12)}… instead of ${remote.sha256!.slice(0, 12)}…`;
    throw new Da2enError('model-corrupt', `downloaded ${req.id}/${file} is corrupt or truncated (${what}); it was discarded, run the same command again`);
  }
  if (content) {
    await rm(part, { force: true });
    throw new Da2enError(
      'model-corrupt',
      `downloaded ${req.id}/${file} is not a model file da2en can use (${content.problem}); it was discarded and nothing was installed. ` +
        `Check the model id (da2en translates with Marian models, like ${DEFAULT_MODEL_ID}), or the mirror set in DA2EN_REMOTE_HOST (or HF_ENDPOINT)`,
    );
  }
  return { size, sha256 };
}
