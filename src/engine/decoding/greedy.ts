import { MarianModel, type EncoderState, type KvCache } from '../marian-model.js';
import { maxNewTokens, repeatedTailLength, type LengthPolicy, DEFAULT_LENGTH_POLICY } from './guards.js';

export interface DecodeOptions {
  lengthPolicy?: LengthPolicy;
  /** Forces at least this many tokens per row (benchmarks give random-weight models a fixed length). */
  minNewTokensPerRow?: readonly number[];
  /** Overrides the length policy with a fixed cap per row (benchmarks). */
  maxNewTokensPerRow?: readonly number[];
  /** Cut repeated n-gram loops (on by default). */
  repetitionGuard?: boolean;
  /** Also sum the log-probabilities of the chosen tokens (costs a softmax per step). */
  scoreSequences?: boolean;
  signal?: AbortSignal;
}

export interface DecodedSequence {
  ids: number[];
  /** Sum of log-probabilities of the chosen tokens incl. the end token (only with scoreSequences). */
  logProb: number;
  flags: string[];
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

/** Index of the largest logit, skipping banned ids. */
export function argmax(logits: Float32Array, offset: number, vocab: number, banned: readonly number[]): number {
  // The plain scan is the hot loop (rows × 58,930 per step); a banned id rarely wins, and then
  // the careful scan runs once.
  let best = 0;
  let bestValue = -Infinity;
  for (let v = 0; v < vocab; v++) {
    const x = logits[offset + v]!;
    if (x > bestValue) {
      bestValue = x;
      best = v;
    }
  }
  if (!banned.includes(best)) return best;
  best = -1;
  bestValue = -Infinity;
  for (let v = 0; v < vocab; v++) {
    const x = logits[offset + v]!;
    if (x > bestValue && !banned.includes(v)) {
      bestValue = x;
      best = v;
    }
  }
  return best;
}

/** log-softmax of one entry over the non-banned ids (exp over the whole vocabulary: not free). */
export function logSoftmaxAt(logits: Float32Array, offset: number, vocab: number, banned: readonly number[], id: number): number {
  let max = -Infinity;
  for (let v = 0; v < vocab; v++) if (logits[offset + v]! > max && !banned.includes(v)) max = logits[offset + v]!;
  let sum = 0;
  for (let v = 0; v < vocab; v++) sum += Math.exp(logits[offset + v]! - max);
  for (const b of banned) sum -= Math.exp(logits[offset + b]! - max);
  return logits[offset + id]! - max - Math.log(sum);
}

/**
 * Greedy decoding of a batch. Rows that finish leave the batch (their cache rows are dropped),
 * so a long sentence does not make every short one pay for its extra steps.
 */
export async function greedyDecode(model: MarianModel, inputs: readonly (readonly number[])[], options: DecodeOptions = {}): Promise<DecodedSequence[]> {
  const { config } = model;
  const policy = options.lengthPolicy ?? { ...DEFAULT_LENGTH_POLICY, maxPositions: config.maxPositions };
  const guard = options.repetitionGuard ?? true;
  const minNew = inputs.map((_, i) => options.minNewTokensPerRow?.[i] ?? 0);
  const caps = inputs.map((ids, i) => options.maxNewTokensPerRow?.[i] ?? maxNewTokens(ids.length, policy));
  const results: DecodedSequence[] = inputs.map(() => ({ ids: [], logProb: 0, flags: [] }));
  if (inputs.length === 0) return results;

  let encoder: EncoderState = await model.encode(inputs);
  // Row r of the model batch decodes input rows[r]; finished rows stay (fed padding) until enough have
  // finished to pay for copying the cache without them.
  let rows = inputs.map((_, i) => i);
  const live = new Set(rows);
  let last = rows.map(() => config.decoderStartId);
  let cache: KvCache | null = null;
  const vocab = config.vocabSize;

  for (let step = 0; live.size > 0; step++) {
    throwIfAborted(options.signal);
    const out = await model.step(encoder, last, cache);
    cache = out.cache;
    rows.forEach((row, r) => {
      if (!live.has(row)) return;
      const result = results[row]!;
      const banned = step < minNew[row]! ? [config.padId, config.eosId] : [config.padId];
      const id = argmax(out.logits, r * vocab, vocab, banned);
      if (options.scoreSequences) result.logProb += logSoftmaxAt(out.logits, r * vocab, vocab, banned, id);
      last[r] = id;
      if (id === config.eosId) return void live.delete(row);
      result.ids.push(id);
      if (guard && step >= minNew[row]!) {
        const cut = repeatedTailLength(result.ids);
        if (cut > 0) {
          result.ids.length -= cut;
          result.flags.push('repetition');
          return void live.delete(row);
        }
      }
      if (result.ids.length >= caps[row]!) {
        if (!options.maxNewTokensPerRow) result.flags.push('length-cap');
        live.delete(row);
      }
    });
    const dead = rows.length - live.size;
    if (live.size > 0 && dead > 0 && dead >= Math.max(2, rows.length / 4)) {
      const keep = rows.flatMap((row, r) => (live.has(row) ? [r] : []));
      encoder = MarianModel.selectEncoderRows(encoder, keep);
      cache = MarianModel.selectCacheRows(cache, keep);
      last = keep.map((r) => last[r]!);
      rows = keep.map((r) => rows[r]!);
    }
  }
  return results;
}
