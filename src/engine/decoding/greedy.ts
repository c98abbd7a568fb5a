import { MarianModel, type EncoderState, type KvCache } from '../marian-model.js';
import { maxNewTokens, repeatedSpan, repeatedTailLength, type LengthPolicy, DEFAULT_LENGTH_POLICY } from './guards.js';

export interface DecodeOptions {
  lengthPolicy?: LengthPolicy;
  /**
   * Per row: new tokens allowed including the end token, which is forced at the last one (Hugging
   * Face's max_new_tokens with ForcedEOSTokenLogitsProcessor). Overrides the length policy.
   */
  maxNewTokensPerRow?: readonly number[];
  /** Flag rows that reached their cap (default: only when the caps come from the length policy). */
  flagLengthCap?: boolean;
  /** Cut repeated n-gram loops (on by default). */
  repetitionGuard?: boolean;
  /** Also sum the log-probabilities of the chosen tokens (costs a softmax per step). */
  scoreSequences?: boolean;
  /** Ids never generated (Hugging Face's bad_words_ids of one token; default: pad). */
  bannedIds?: readonly number[];
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

/**
 * log-softmax of one entry over the whole vocabulary (exp over every id: not free). Banned ids are
 * not renormalised away, as in Hugging Face's generate(), which bans after its log-softmax.
 */
export function logSoftmaxAt(logits: Float32Array, offset: number, vocab: number, id: number): number {
  let max = -Infinity;
  for (let v = 0; v < vocab; v++) if (logits[offset + v]! > max) max = logits[offset + v]!;
  let sum = 0;
  for (let v = 0; v < vocab; v++) sum += Math.exp(logits[offset + v]! - max);
  return logits[offset + id]! - max - Math.log(sum);
}

/** Per row: the cap (new tokens incl. the forced end token) and whether reaching it is flagged. */
export function rowCaps(inputs: readonly (readonly number[])[], options: DecodeOptions, maxPositions: number): { caps: number[]; flag: boolean } {
  const policy = options.lengthPolicy ?? { ...DEFAULT_LENGTH_POLICY, maxPositions };
  const caps = inputs.map((ids, i) => Math.max(1, options.maxNewTokensPerRow?.[i] ?? maxNewTokens(ids.length, policy)));
  return { caps, flag: options.flagLengthCap ?? !options.maxNewTokensPerRow };
}

/**
 * Greedy decoding of a batch. Rows that finish leave the batch (their cache rows are dropped),
 * so a long sentence does not make every short one pay for its extra steps.
 */
export async function greedyDecode(model: MarianModel, inputs: readonly (readonly number[])[], options: DecodeOptions = {}): Promise<DecodedSequence[]> {
  const { config } = model;
  const guard = options.repetitionGuard ?? true;
  const banned = options.bannedIds ?? [config.padId];
  const { caps, flag } = rowCaps(inputs, options, config.maxPositions);
  const results: DecodedSequence[] = inputs.map(() => ({ ids: [], logProb: 0, flags: [] }));
  if (inputs.length === 0) return results;
  const sourceSpans = guard ? inputs.map((ids) => repeatedSpan(ids)) : [];

  let encoder: EncoderState = await model.encode(inputs);
  // Row r of the model batch decodes input rows[r]; finished rows stay (fed padding) until enough have
  // finished to pay for copying the cache without them.
  let rows = inputs.map((_, i) => i);
  // A cap of 1 leaves room for the forced end token only.
  const live = new Set(rows.filter((i) => caps[i]! > 1));
  for (const i of rows) if (!live.has(i) && flag) results[i]!.flags.push('length-cap');
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
      const id = argmax(out.logits, r * vocab, vocab, banned);
      if (options.scoreSequences) result.logProb += logSoftmaxAt(out.logits, r * vocab, vocab, id);
      last[r] = id;
      if (id === config.eosId) return void live.delete(row);
      result.ids.push(id);
      if (guard) {
        const cut = repeatedTailLength(result.ids, undefined, sourceSpans[row]);
        if (cut > 0) {
          result.ids.length -= cut;
          result.flags.push('repetition');
          return void live.delete(row);
        }
      }
      // The next token would be the cap's forced end token (log-probability 0 once forced).
      if (result.ids.length + 1 >= caps[row]!) {
        if (flag) result.flags.push('length-cap');
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
