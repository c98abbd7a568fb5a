/**
 * The job model of the article queue (BullMQ on Redis): one job per article. The article's bytes
 * travel in the job, so a worker on another machine needs no access to the files that were added.
 */
import { createHash } from 'node:crypto';
import type { InputEncoding } from '../io/decode-text.js';
import type { PipelineStats } from '../pipeline/translate-document.js';
import type { OutputFormat } from '../rendering/formats.js';

export const DEFAULT_QUEUE_NAME = 'da2en';
/** The job name inside the queue (one kind of job today; the version says which data layout). */
export const ARTICLE_JOB = 'article-v1';

/** What shapes a translation: the model and every option that changes the output. */
export interface JobEngine {
  /** The model as given to `queue add` (a hub id, or a folder path made absolute). */
  model: string;
  dtype: string;
  beams: number;
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
  engine: JobEngine;
  pipeline: JobPipeline;
  outputs: JobOutput[];
  /** Absolute folder the worker writes into, or null: the outputs are kept in Redis (`queue results`). */
  outDir: string | null;
}

export interface ArticleJobResult {
  /** For `out-store redis`: the rendered files; otherwise absent (the files are on disk). */
  files?: { file: string; content: string }[];
  /** Absolute paths written by the worker (out-dir jobs). */
  written?: string[];
  stats: PipelineStats;
  paragraphs: number;
  /** host:pid of the worker that finished it. */
  worker: string;
  ms: number;
}

/**
 * The job id: the same article with the same model and output-shaping options is the same job, so
 * adding it twice (or re-running an interrupted `queue add`) does no work twice.
 */
export function articleJobId(bytes: Uint8Array, engine: JobEngine, pipeline: JobPipeline): string {
  const hash = createHash('sha256');
  hash.update(createHash('sha256').update(bytes).digest('hex'));
  // Batch limits too: with int8 weights activations are quantized per batch, so the grouping of
  // segments can change a translation in its last digits.
  hash.update(JSON.stringify([engine.model, engine.dtype, engine.beams, pipeline.encoding, pipeline.maxChunkTokens, pipeline.packSentences, pipeline.batchTokens, pipeline.maxBatchSize]));
  return `a${hash.digest('hex').slice(0, 40)}`;
}
