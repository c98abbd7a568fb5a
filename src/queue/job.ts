/**
 * The job model of the article queue (BullMQ on Redis): one job per article. The article's bytes
 * travel in the job, so a worker on another machine needs no access to the files that were added.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { InputFormat } from '../input/input-format.js';
import type { InputEncoding } from '../io/decode-text.js';
import type { PipelineStats } from '../pipeline/translate-document.js';
import type { OutputFormat } from '../rendering/formats.js';

export const DEFAULT_QUEUE_NAME = 'da2en';
/**
 * The job name inside the queue (one kind of job today; the version says which data layout). v2
 * added `inputFormat`: a v1 worker would read a Markdown article as text, so it refuses v2 jobs.
 */
export const ARTICLE_JOB = 'article-v2';
/** Jobs added by an older da2en: read as text, as they were then. */
export const ARTICLE_JOB_V1 = 'article-v1';

/** How a queued article is read: as the translate command reads a file (URLs are not queued). */
export type JobInputFormat = Exclude<InputFormat, 'url'>;

/** What shapes a translation: the model and every option that changes the output. */
export interface JobEngine {
  /** The model as given to `queue add` (a hub id, or a folder path made absolute). */
  model: string;
  dtype: string;
  beams: number;
  /**
   * For a model folder: its files' fingerprint (model-store/memory-id.ts), so that a worker whose
   * copy of the folder lies at another path knows it for the same model. Absent for a hub id, and
   * in jobs of an older da2en (they are matched by path alone).
   */
  modelFiles?: string;
}

export interface JobPipeline {
  encoding: InputEncoding;
  maxChunkTokens: number;
  packSentences: boolean;
  batchTokens: number;
  maxBatchSize: number;
}

export interface JobOutput {
  format: OutputFormat;
  /** File name relative to the output folder (may hold subfolders, never `..`). */
  file: string;
}

export interface ArticleJobData {
  /** The input as it was named when added (kept in the output's metadata, used in messages). */
  name: string;
  /** The article's bytes, base64 (decoded by the worker exactly as the CLI decodes a file). */
  bytes: string;
  /** Which reader the worker gives the bytes to (absent in v1 jobs: text). */
  inputFormat?: JobInputFormat;
  engine: JobEngine;
  pipeline: JobPipeline;
  outputs: JobOutput[];
  /** Absolute folder the worker writes into, or null: the outputs are kept in Redis (`queue results`). */
  outDir: string | null;
  /**
   * The output folder's real path (links resolved) where it was added: the key of its files' records
   * (claims, latest versions), so that a linked alias of the folder is the same folder. Absent in jobs
   * of an older da2en (their records are keyed by outDir).
   */
  outKey?: string;
  /**
   * Which article this is across adds (a file's absolute path; `-:` and a name or hash for standard
   * input): a later add of it supersedes this job's outputs. Absent in jobs of an older da2en.
   */
  source?: string;
}

export interface ArticleJobResult {
  /** For `out-store redis`: the rendered files; otherwise absent (the files are on disk). */
  files?: { file: string; content: string }[];
  /** Absolute paths written by the worker (out-dir jobs). */
  written?: string[];
  /** Absolute paths not written: a later add of the same article writes them (out-dir jobs). */
  superseded?: string[];
  stats: PipelineStats;
  paragraphs: number;
  /** host:pid of the worker that finished it. */
  worker: string;
  ms: number;
}

/** What of a job decides its id besides the article's bytes. */
export interface JobIdentity {
  engine: JobEngine;
  pipeline: JobPipeline;
  inputFormat: JobInputFormat;
  /** The files it writes (formats and names)… */
  outputs: readonly JobOutput[];
  /** …and where: the output folder, or null for Redis. */
  outDir: string | null;
}

/**
 * The job id: the same article with the same model, reading, outputs and destination is the same
 * job, so adding it twice (or re-running an interrupted `queue add`) does no work twice. Anything
 * that changes what is written, or where, is another job: it would otherwise never be written.
 */
export function articleJobId(bytes: Uint8Array, job: JobIdentity): string {
  const { engine, pipeline } = job;
  const hash = createHash('sha256');
  hash.update(createHash('sha256').update(bytes).digest('hex'));
  // Batch limits too: with int8 weights activations are quantized per batch, so the grouping of
  // segments can change a translation in its last digits.
  hash.update(JSON.stringify([engine.model, engine.dtype, engine.beams, pipeline.encoding, pipeline.maxChunkTokens, pipeline.packSentences, pipeline.batchTokens, pipeline.maxBatchSize]));
  hash.update(JSON.stringify([job.inputFormat, job.outputs.map((o) => [o.format, o.file]), job.outDir]));
  return `a${hash.digest('hex').slice(0, 40)}`;
}

/**
 * The field under which a queue records the latest job for one output (see latestJobsKey): an
 * `--out-dir` file by its real path where it was added (outKey; its claim ties it to one article); a file kept in Redis by
 * its article and name (articles added apart may share a name there). Null: nothing to record (a
 * job without a source, from an older da2en).
 */
export function latestField(job: { outDir: string | null; outKey?: string | undefined; source?: string | undefined }, file: string): string | null {
  if (job.outDir !== null) return path.resolve(job.outKey ?? job.outDir, file);
  return job.source === undefined ? null : `redis\n${job.source}\n${file}`;
}

/** The hash of latestField → the id of the job added last for that output. */
export const latestJobsKey = (queue: { toKey(type: string): string }) => queue.toKey('da2en-latest');
