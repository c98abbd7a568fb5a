export interface BatchItem {
  id: number;
  tokens: number;
}

export interface BatchLimits {
  /** Upper bound on rows × longest row, i.e. the padded tokens one model call processes. */
  batchTokens: number;
  maxBatchSize: number;
}

/**
 * Groups items into model calls. Sorting by length first keeps padding (wasted compute) low:
 * neighbours have similar lengths. Callers restore the original order by id.
 */
export function planBatches(items: readonly BatchItem[], limits: BatchLimits): BatchItem[][] {
  const sorted = [...items].sort((a, b) => b.tokens - a.tokens || a.id - b.id);
  const batches: BatchItem[][] = [];
  let current: BatchItem[] = [];
  let width = 0;
  for (const item of sorted) {
    const nextWidth = Math.max(width, item.tokens);
    if (current.length > 0 && (current.length + 1 > limits.maxBatchSize || (current.length + 1) * nextWidth > limits.batchTokens)) {
      batches.push(current);
      current = [];
    }
    current.push(item);
    width = current.length === 1 ? item.tokens : Math.max(width, item.tokens);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
