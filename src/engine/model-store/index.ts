import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Da2enError, isDa2enError, SETTING_WORDS } from '../../errors.js';
import { checkDtype } from '../check-dtype.js';
import type { Dtype } from '../dtype.js';
import { checkpointDir, installCheckpoint, isCheckpointRepo } from './checkpoint.js';
import { downloadModel, type DownloadRequest } from './download.js';
import { withModelLock, type LockHolder } from './download-lock.js';
import { locateModel, lookalikeFolder, type ModelLocation } from './locate.js';
import { checkFile } from './check-file.js';
import { MANIFEST_NAME, loadManifest, readManifest } from './manifest.js';
import { modelCommandLine } from './model-command.js';
import { meansNotThere } from './not-there.js';
import { DEFAULT_MODEL_ID, KNOWN_SIZES, missingFiles, modelFile, requiredFiles } from './model-files.js';

export { DEFAULT_MODEL_ID, QUALITY_MODELS, missingFiles, requiredFiles, type Quality } from './model-files.js';
export { modelCommandLine, type ModelTarget } from './model-command.js';
export { LARGE_DOWNLOAD_BYTES, checkpointDir } from './checkpoint.js';
export { defaultModelsDir, defaultRemoteHost, locateModel, lookalikeFolder, type ModelLocation } from './locate.js';
export { modelMemoryId } from './memory-id.js';

export interface EnsureModelOptions {
  model: string;
  modelsDir: string;
  dtype: Dtype;
  offline: boolean;
  remoteHost: string;
  onStart?: DownloadRequest['onStart'];
  onProgress?: DownloadRequest['onProgress'];
  /** Hub checkpoints (no onnx/): keep the raw checkpoint after converting it. */
  keepSource?: boolean;
  /** One-line notices (download size of a large checkpoint, conversion). */
  onNotice?: (message: string) => void;
  signal?: AbortSignal;
  /** Check every present file's contents too and fetch again the ones that fail (`model download`). */
  repair?: boolean;
  /**
   * Other dtypes the caller wants next (`model download --dtype q8,fp32`): a hub checkpoint converts
   * those still missing in the same run, so that it is downloaded once, not once per dtype.
   */
  moreDtypes?: Dtype[];
  /**
   * The user named `model` (the CLI's --model), rather than it being a default or --quality's: only
   * then can a model that cannot be had be a mistyped local folder, and be said as one (typoOfFolder).
   */
  modelTyped?: boolean;
}

/** The files of `dtype` that are missing or fail their check: what a repairing download fetches. */
export async function filesToRepair(dir: string, id: string, dtype: Dtype): Promise<string[]> {
  const read = await loadManifest(dir);
  // A damaged manifest vouches for nothing: every file is fetched again, and a new manifest written.
  if (read.state === 'damaged') return requiredFiles(dtype);
  const manifest = read.state === 'ok' ? read.manifest : null;
  const known = KNOWN_SIZES[id] ?? {};
  const bad: string[] = [];
  for (const file of requiredFiles(dtype)) {
    // A manifest that has no entry for a file does not vouch for it: it is fetched again.
    if (manifest && !manifest.files[file]) bad.push(file);
    else if ((await checkFile(dir, file, manifest?.files[file], known[file])).problem) bad.push(file);
  }
  return bad;
}

const DTYPES: Dtype[] = ['q8', 'fp32'];

/**
 * A damaged manifest is replaced by one written for `dtype`'s files only: the weights of another
 * dtype on disk would then be vouched for by nothing, so they go, and the next use of that dtype
 * downloads them again (cheaper to explain and to do than fetching, unasked, weights of another dtype now).
 */
async function dropOtherWeights(dir: string, dtype: Dtype): Promise<void> {
  for (const other of DTYPES.filter((d) => d !== dtype)) {
    for (const graph of ['encoder', 'decoder'] as const) await rm(path.join(dir, modelFile(graph, other)), { force: true });
  }
}

export interface EnsuredModel extends ModelLocation {
  /** The files this call downloaded (or converted); empty when they were there, or another process fetched them meanwhile. */
  fetched: string[];
  /** True when `fetched` were made from a hub checkpoint (downloaded now, or kept with --keep-source), not downloaded as they are. */
  converted?: boolean;
}

/**
 * Makes sure the model's files for `dtype` are on disk, downloading what is missing when allowed.
 * One process at a time downloads a model (download-lock.ts); another one waits, then uses its files.
 */
export async function ensureModel(options: EnsureModelOptions): Promise<EnsuredModel> {
  checkDtype(options.dtype);
  const location = locateModel(options.model, options.modelsDir);
  try {
    return await ensureLocated(location, options);
  } catch (err) {
    throw typoOfFolder(location, options, err) ?? err;
  }
}

/** Why a download failed, in a word or two: a system code (ENOTFOUND, ECONNREFUSED) in `err`'s causes, the HTTP status, else fetch's own words. */
function shortReason(err: Da2enError): string {
  let innermost: Error = err;
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code ?? (e.cause as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string') return code;
    innermost = e;
  }
  const status = /HTTP \d{3}/.exec(err.message)?.[0];
  if (status !== undefined) return status;
  return innermost !== err && innermost.message.length <= 60 ? innermost.message : err.kind;
}

/**
 * A typed hub model id that cannot be had (not there, and not downloadable: --offline, HTTP 404, a
 * host not found or refusing) whose id names a folder beside a folder here (`--model models/tinyy`
 * beside `models/tiny`): said as the missing folder it more likely is, with the hub's answer after it.
 * Undefined for any other failure: a host that answered but failed (HTTP 500, 401, 403), a corrupt
 * file or a full disk is no sign of a typo, and a model the user did not name cannot be mistyped.
 */
function typoOfFolder(location: ModelLocation, options: EnsureModelOptions, err: unknown): Da2enError | undefined {
  if (!options.modelTyped || !location.downloadable) return undefined;
  if (!(isDa2enError(err, 'model-missing') || isDa2enError(err, 'network'))) return undefined;
  if (!(options.offline || meansNotThere(err))) return undefined;
  const folder = lookalikeFolder(options.model, options.modelsDir);
  if (folder === undefined) return undefined;
  const reason = options.offline ? `${SETTING_WORDS.offline} forbids downloading` : `${options.remoteHost}: ${shortReason(err)}`;
  return new Da2enError(
    'model-missing',
    `no model directory at ${folder}, and the hub model ${location.id} could not be fetched (${reason}); check the path (a local folder given as ./${location.id} is never taken for a hub model id)`,
    { cause: err, settings: options.offline ? ['offline'] : [] },
  );
}

async function ensureLocated(location: ModelLocation, options: EnsureModelOptions): Promise<EnsuredModel> {
  if (!location.downloadable && !existsSync(location.dir)) {
    throw new Da2enError(
      'model-missing',
      `no model directory at ${location.dir}; check the path (a hub model id has the form owner/name, like ${DEFAULT_MODEL_ID})`,
    );
  }
  const toFetch = () => filesToFetch(location, options.dtype, options.repair);
  const missing = await toFetch();
  if (missing.length === 0) return { ...location, fetched: [] };
  if (!location.downloadable) {
    throw new Da2enError(
      'model-missing',
      `model directory ${location.dir} lacks ${missing.join(', ')}; point ${SETTING_WORDS.model} at a complete Marian export (see models/README.md)`,
      { settings: ['model'] },
    );
  }
  const fix = modelCommandLine('download', { id: location.id, modelsDir: options.modelsDir, dtype: options.dtype });
  // Offline, only a checkpoint kept from an earlier download can fill the gap (it converts without the network).
  if (options.offline && !existsSync(checkpointDir(location.dir))) {
    throw new Da2enError('model-missing', `model ${location.id} (${options.dtype}) is not in ${location.dir} and ${SETTING_WORDS.offline} forbids downloading; run "${fix}" while online`, { settings: ['offline'] });
  }
  const onWait = ({ pid, host }: LockHolder, lock: string) =>
    options.onNotice?.(`waiting for another da2en (pid ${pid} on ${host}) downloading ${location.id} into ${location.dir}; if none is running, delete ${lock}`);
  return withModelLock(location.dir, { onWait, ...(options.signal ? { signal: options.signal } : {}) }, async () => {
    const damaged = (await loadManifest(location.dir)).state === 'damaged';
    if (damaged) await dropOtherWeights(location.dir, options.dtype);
    // What the process that held the lock fetched is not fetched again; a damaged manifest vouches for nothing.
    const still = damaged ? requiredFiles(options.dtype) : await toFetch();
    const { also, converted } = still.length > 0 ? await fetchModel(location, still, options) : { also: [], converted: false };
    return { ...location, fetched: [...new Set([...still, ...also])], converted };
  });
}

/**
 * The files of `dtype` to fetch. A repair (`da2en model download`) checks every file's contents; a
 * translation only looks for missing files, so that it does not hash 100 MB before every run.
 */
async function filesToFetch(location: ModelLocation, dtype: Dtype, repair: boolean | undefined): Promise<string[]> {
  return repair && location.downloadable ? await filesToRepair(location.dir, location.id, dtype) : missingFiles(location.dir, dtype);
}

/**
 * Downloads (or converts from a hub checkpoint) the `missing` files; the caller holds the model's
 * download lock. Returns the files of `moreDtypes` converted along with them, and whether the files
 * were converted.
 */
async function fetchModel(location: ModelLocation, missing: string[], options: EnsureModelOptions): Promise<{ also: string[]; converted: boolean }> {
  const install = async () => {
    // The other dtypes still wanted are converted in the same run: one download of the checkpoint, not one per dtype.
    const more: Dtype[] = [];
    const also: string[] = [];
    for (const dtype of options.moreDtypes ?? []) {
      if (dtype === options.dtype) continue;
      const files = await filesToFetch(location, dtype, options.repair);
      if (files.length === 0) continue;
      more.push(dtype);
      also.push(...files);
    }
    await installCheckpoint({
      id: location.id,
      dir: location.dir,
      modelsDir: options.modelsDir,
      dtype: options.dtype,
      moreDtypes: more,
      remoteHost: options.remoteHost,
      offline: options.offline,
      ...(options.keepSource !== undefined ? { keepSource: options.keepSource } : {}),
      ...(options.onStart ? { onStart: options.onStart } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.onNotice ? { onNotice: options.onNotice } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { also, converted: true };
  };
  // A checkpoint kept from an earlier download converts without the network.
  if (existsSync(checkpointDir(location.dir))) return install();
  // Hub repos without onnx/ (all Helsinki-NLP ones) are raw checkpoints: download, then convert.
  // A failed probe falls through to the ordinary download, which reports the network error.
  if (await isCheckpointRepo(options.remoteHost, location.id, options.dtype, options.signal).catch(() => false)) return install();
  try {
    await downloadModel({
      id: location.id,
      dir: location.dir,
      files: missing,
      remoteHost: options.remoteHost,
      ...(options.onStart ? { onStart: options.onStart } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (err) {
    if (isDa2enError(err, 'network')) {
      throw new Da2enError('network', `model ${location.id} is not in ${location.dir} and ${err.message}`, { cause: err, settings: err.settings });
    }
    throw err;
  }
  return { also: [], converted: false };
}

export interface VerifyReport {
  dir: string;
  checked: string[];
  problems: string[];
  /** True when every problem is a missing file (never downloaded, or not for this dtype): exit 4, not 5. */
  onlyMissing: boolean;
}

/**
 * Checks a model directory: with a manifest (downloaded models) every file's size and sha256;
 * without one (a directory you built or copied) that the files a dtype needs are present and non-empty.
 * A damaged manifest throws a model-corrupt error (a download repairs it).
 */
export async function verifyModel(dir: string, dtype: Dtype): Promise<VerifyReport> {
  checkDtype(dtype);
  const manifest = await readManifest(dir);
  const report: VerifyReport = { dir, checked: [], problems: [], onlyMissing: true };
  const expected: [string, { size: number; sha256: string } | undefined][] = manifest
    ? Object.entries(manifest.files)
    : requiredFiles(dtype).map((f) => [f, undefined]);
  const published = manifest ? (KNOWN_SIZES[manifest.id] ?? {}) : {};
  for (const [file, want] of expected) {
    report.checked.push(file);
    const check = await checkFile(dir, file, want, published[file]);
    if (!check.problem) continue;
    report.problems.push(check.problem);
    if (!check.missing) report.onlyMissing = false;
  }
  if (manifest) {
    // Present but in no manifest entry (left from before the manifest was replaced): nothing vouches for its bytes.
    const missing = missingFiles(dir, dtype);
    for (const file of requiredFiles(dtype).filter((f) => !report.checked.includes(f))) {
      if (missing.includes(file)) {
        report.problems.push(`${file}: missing (not downloaded for ${dtype})`);
      } else {
        report.checked.push(file);
        report.problems.push(`${file}: not in the manifest, cannot be verified`);
        report.onlyMissing = false;
      }
    }
  }
  return report;
}

export { MANIFEST_NAME };
