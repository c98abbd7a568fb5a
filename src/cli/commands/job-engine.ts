/** What a queued job records of its model, and what a worker compares it with (queue/worker.ts). */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Dtype } from '../../engine/dtype.js';
import { modelFilesFingerprint } from '../../engine/model-store/memory-id.js';
import type { JobEngine } from '../../queue/job.js';

/**
 * A local model folder is named by its absolute path, and known by its files' fingerprint: a worker
 * started elsewhere (another machine, another working folder) keeps its copy at another path.
 */
export function jobEngine(model: string, dtype: Dtype, beams: number): JobEngine {
  if (!(existsSync(model) && statSync(model).isDirectory())) return { model, dtype, beams };
  return { model: path.resolve(model), dtype, beams, modelFiles: modelFilesFingerprint(model, dtype) };
}
