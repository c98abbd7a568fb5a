import { existsSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
// The converter itself (ONNX builder, protobuf, zip reader) is imported only when a checkpoint is converted.
import { CHECKPOINT_FILES } from '../../converter/checkpoint-files.js';
import { Da2enError, interruptedError, isDa2enError, SETTING_WORDS } from '../../errors.js';
import type { Dtype } from '../marian-model.js';
import { IDENTITY_ENCODING, downloadModel, isEncoded, type DownloadRequest } from './download.js';
import { HttpStatusError } from './not-there.js';
import { checkFile } from './check-file.js';
import { isFolderWriteFailure, modelsFolderError } from './models-folder-error.js';
import { loadManifest, readManifestIfIntact, sha256File, writeManifest } from './manifest.js';
import { modelCommandLine } from './model-command.js';
import { requiredFiles } from './model-files.js';

/** Above this, the CLI says how much a model download will fetch before it starts. */
export const LARGE_DOWNLOAD_BYTES = 200 * 1024 * 1024;

/** Where a hub checkpoint's raw files wait for (or stay after, with keepSource) conversion. */
export function checkpointDir(modelDir: string): string {
  return `${modelDir}.checkpoint`;
}

/**
 * Size of a file on the hub, null when it does not exist. A HEAD without following redirects:
 * the hub states an LFS file's size (x-linked-size) on the redirect itself.
 */
export async function remoteFileSize(url: string, signal?: AbortSignal): Promise<number | undefined | null> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'HEAD', redirect: 'manual', headers: IDENTITY_ENCODING, ...(signal ? { signal } : {}) });
  } catch (err) {
    throw new Da2enError('network', `cannot reach ${new URL(url).host} (${(err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message}); check the connection or use ${SETTING_WORDS.offline} with ${SETTING_WORDS.localModel}`, { cause: err, settings: ['offline', 'localModel'] });
  }
  if (response.status === 404) return null;
  if (response.status >= 400) throw new Da2enError('network', `${url} answered HTTP ${response.status}; try again later`, { cause: new HttpStatusError(response.status, url) });
  const linked = Number(response.headers.get('x-linked-size'));
  if (linked > 0) return linked;
  // An encoded answer's content-length counts compressed bytes, not the file's.
  if (isEncoded(response.headers)) return undefined;
  const length = Number(response.headers.get('content-length'));
  return response.status === 200 && length > 0 ? length : undefined;
}

function hubUrl(remoteHost: string, id: string, file: string): string {
  return `${remoteHost.replace(/\/+$/, '')}/${id}/resolve/main/${file}`;
}

/**
 * Whether a hub repo is a raw Hugging Face checkpoint (all Helsinki-NLP ones) rather than a
 * Transformers.js export: no onnx/ graphs for `dtype`, but a config.json.
 */
export async function isCheckpointRepo(remoteHost: string, id: string, dtype: Dtype, signal?: AbortSignal): Promise<boolean> {
  const onnx = requiredFiles(dtype).find((f) => f.startsWith('onnx/'))!;
  if ((await remoteFileSize(hubUrl(remoteHost, id, onnx), signal)) !== null) return false;
  return (await remoteFileSize(hubUrl(remoteHost, id, 'config.json'), signal)) !== null;
}

export interface CheckpointInstallRequest {
  id: string;
  /** The model directory the converted files go to. */
  dir: string;
  /** The models folder `dir` is in (for the commands error lines suggest). */
  modelsDir: string;
  dtype: Dtype;
  /** Other dtypes to convert in the same run, from the same download. */
  moreDtypes?: Dtype[];
  remoteHost: string;
  /** Keep the downloaded checkpoint beside the model (`<dir>.checkpoint`) instead of removing it. */
  keepSource?: boolean;
  offline?: boolean;
  onStart?: DownloadRequest['onStart'];
  onProgress?: DownloadRequest['onProgress'];
  /** One-line notices for the user: the download size before a large download, the conversion. */
  onNotice?: (message: string) => void;
  /** Downloads above this many bytes are announced with their size first (default 200 MB). */
  largeDownloadBytes?: number;
  signal?: AbortSignal;
}

function megabytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${Math.round(bytes / 1e6)} MB`;
}

/** A file of a kept checkpoint and what is wrong with it. */
interface CheckpointProblem {
  file: string;
  problem: string;
}

/**
 * The files of a kept checkpoint its manifest does not vouch for: a size or sha256 that differs, a
 * file it has no entry for, every file when the manifest is damaged. A checkpoint without a
 * manifest (a download killed between moving its files in and writing it) is taken as it is.
 */
async function checkpointProblems(source: string): Promise<CheckpointProblem[]> {
  const read = await loadManifest(source);
  if (read.state === 'absent') return [];
  const problems: CheckpointProblem[] = [];
  for (const file of [...CHECKPOINT_FILES.required, ...CHECKPOINT_FILES.optional, ...CHECKPOINT_FILES.weights]) {
    if (!existsSync(path.join(source, file))) continue;
    const want = read.state === 'ok' ? read.manifest.files[file] : undefined;
    const problem = read.state === 'damaged' ? `${file}: its manifest is damaged` : !want ? `${file}: not in its manifest` : (await checkFile(source, file, want)).problem;
    if (problem) problems.push({ file, problem });
  }
  return problems;
}

/**
 * Installs a hub checkpoint as a Transformers.js model: downloads its files (same resume, verify
 * and progress as any model download) into `<dir>.checkpoint`, converts them into `<dir>` and
 * writes a manifest of the converted files (for `da2en model verify`). A checkpoint already on
 * disk (kept from before, or from an interrupted run) is checked against its manifest and converted
 * without downloading what is intact; what is not is downloaded again.
 */
export async function installCheckpoint(req: CheckpointInstallRequest): Promise<void> {
  const source = checkpointDir(req.dir);
  const damaged = await checkpointProblems(source);
  if (damaged.length > 0 && req.offline) {
    const more = damaged.length > 1 ? ` and ${damaged.length - 1} more` : '';
    throw new Da2enError('model-corrupt', `the checkpoint of ${req.id} kept in ${source} is damaged (${damaged[0]!.problem}${more}) and ${SETTING_WORDS.offline} forbids downloading it again; run "${modelCommandLine('download', req)}" while online`, { settings: ['offline'] });
  }
  for (const { file } of damaged) await rm(path.join(source, file), { force: true });
  const have = (f: string) => existsSync(path.join(source, f));
  const haveWeights = CHECKPOINT_FILES.weights.some(have);
  const needed = CHECKPOINT_FILES.required.filter((f) => !have(f));
  // A damaged optional file (generation_config.json…) is fetched again too, not converted without.
  if (needed.length > 0 || !haveWeights || damaged.length > 0) {
    if (req.offline) {
      throw new Da2enError('model-missing', `model ${req.id} (${req.dtype}) is not converted in ${req.dir} and ${SETTING_WORDS.offline} forbids downloading its checkpoint; run "${modelCommandLine('download', req)}" while online`, { settings: ['offline'] });
    }
    const files: string[] = [];
    const sizes: number[] = [];
    // What the hub stated, for the progress bar's total before each file is opened.
    const stated: Record<string, number> = {};
    for (const f of [...CHECKPOINT_FILES.required, ...CHECKPOINT_FILES.optional]) {
      if (have(f)) continue;
      const size = await remoteFileSize(hubUrl(req.remoteHost, req.id, f), req.signal);
      if (size === null) {
        if ((CHECKPOINT_FILES.required as readonly string[]).includes(f)) throw new Da2enError('model-missing', `${req.id} has no ${f}: it is not a Marian (Opus-MT) checkpoint da2en can convert`);
        continue;
      }
      files.push(f);
      sizes.push(size ?? 0);
      if (size !== undefined) stated[f] = size;
    }
    if (!haveWeights) {
      let found = false;
      for (const f of CHECKPOINT_FILES.weights) {
        const size = await remoteFileSize(hubUrl(req.remoteHost, req.id, f), req.signal);
        if (size === null) continue;
        files.push(f);
        sizes.push(size ?? 0);
        if (size !== undefined) stated[f] = size;
        found = true;
        break;
      }
      if (!found) throw new Da2enError('model-missing', `${req.id} has neither model.safetensors nor pytorch_model.bin; nothing to convert`);
    }
    const total = sizes.reduce((a, b) => a + b, 0);
    const weights = files.find((f) => (CHECKPOINT_FILES.weights as readonly string[]).includes(f));
    if (total > (req.largeDownloadBytes ?? LARGE_DOWNLOAD_BYTES)) {
      req.onNotice?.(`${req.id} has no ONNX export: downloading its checkpoint, ${megabytes(total)}${weights ? ` (${weights} ${megabytes(sizes[files.indexOf(weights)]!)})` : ''}, then converting it`);
    }
    await downloadModel({ id: req.id, dir: source, files, sizes: stated, remoteHost: req.remoteHost, ...(req.onStart ? { onStart: req.onStart } : {}), ...(req.onProgress ? { onProgress: req.onProgress } : {}), ...(req.signal ? { signal: req.signal } : {}) });
  }
  const dtypes = [...new Set([req.dtype, ...(req.moreDtypes ?? [])])];
  req.onNotice?.(`converting ${req.id} (${dtypes.join(', ')}) into ${req.dir}`);
  let report;
  try {
    const { convertCheckpoint } = await import('../../converter/convert.js');
    report = await convertCheckpoint({ checkpointDir: source, outDir: req.dir, dtypes, merge: true, ...(req.signal ? { signal: req.signal } : {}) });
  } catch (err) {
    // A stop is no fault of the checkpoint: it stays what it is (the CLI's exit 130 or 143).
    if (isDa2enError(err, 'interrupted')) throw err;
    if (isFolderWriteFailure(err)) throw modelsFolderError(path.dirname(req.dir), err);
    // A checkpoint damaged where its manifest cannot tell (a mirror that sent a short file without
    // stating its size or checksum) fails here on every run: say how to fetch it again.
    const refetch = isDa2enError(err, 'model-corrupt')
      ? `; if its checkpoint is damaged (a download cut short), delete ${source} and run "${modelCommandLine('download', req)}" to fetch it again`
      : '';
    throw new Da2enError('model-corrupt', `could not convert ${req.id}: ${(err as Error).message}${refetch}`, { cause: err });
  }
  const files: Record<string, { size: number; sha256: string }> = { ...((await readManifestIfIntact(req.dir))?.files ?? {}) };
  for (const f of new Set(dtypes.flatMap(requiredFiles))) {
    const full = path.join(req.dir, f);
    files[f] = { size: (await stat(full)).size, sha256: await sha256File(full) };
  }
  await writeManifest(req.dir, { id: req.id, revision: 'main', remoteHost: req.remoteHost, files });
  if (!req.keepSource) await rm(source, { recursive: true, force: true });
  req.onNotice?.(`converted ${req.id} in ${report.seconds.toFixed(1)} s${req.keepSource ? `; checkpoint kept in ${source}` : ''}`);
  // A stop while the manifest was written: the model is complete, and the run still ends as stopped.
  if (req.signal?.aborted) throw interruptedError(req.signal.reason, 'the model download');
}
