/**
 * The pipeline's defaults, in a module that imports nothing: the CLI defines its options from these
 * without loading the pipeline (p-queue, segmentation), which is imported only once the model process
 * has been started.
 */
import type { BatchLimits } from './batching.js';

/** Batches in flight at once, for an engine that does not say. */
export const DEFAULT_CONCURRENCY = 1;

export const DEFAULT_BATCH_LIMITS: BatchLimits = { batchTokens: 4096, maxBatchSize: 32 };
