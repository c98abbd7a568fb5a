import { MarianModel, type EncoderState, type KvCache } from '../marian-model.js';
import type { DecodeOptions, DecodedSequence } from './greedy.js';
import { rowCaps, throwIfAborted } from './greedy.js';
import { repeatedSpan, repeatedTailLength } from './guards.js';

export interface BeamOptions extends DecodeOptions {
  /** Hugging Face's length_penalty: final score = sum log p / (generated tokens incl. the end token)^penalty. */
  lengthPenalty?: number;
  /**
   * Hugging Face's early_stopping (default false, as generate() has it): true stops an input once it
   * has `beams` finished hypotheses; false also waits while a running beam could still beat the worst.
   */
  earlyStopping?: boolean;
}

interface Beam {
  tokens: number[];
  logProb: number;
  row: number;
}

interface Hypothesis {
  tokens: number[];
  logProb: number;
  score: number;
  flags: string[];
}

interface InputState {
  beams: Beam[];
  /** The best `beams` finished hypotheses, best first (Hugging Face's BeamHypotheses). */
  finished: Hypothesis[];
  done: boolean;
  cap: number;
}

/**
 * log-softmax of one row into `out` (reused buffer), then banned ids set to -Infinity without
 * renormalising: Hugging Face's generate() applies its logits processors after the log-softmax.
 */
function logSoftmaxRow(logits: Float32Array, offset: number, vocab: number, banned: readonly number[], out: Float32Array): void {
  let max = -Infinity;
  for (let v = 0; v < vocab; v++) if (logits[offset + v]! > max) max = logits[offset + v]!;
  let sum = 0;
  for (let v = 0; v < vocab; v++) sum += Math.exp(logits[offset + v]! - max);
  const logZ = max + Math.log(sum);
  for (let v = 0; v < vocab; v++) out[v] = logits[offset + v]! - logZ;
  for (const b of banned) out[b] = -Infinity;
}

/** Keeps the `size` best (score, beam, token) candidates, best first. */
class TopK {
  readonly items: { score: number; beam: number; token: number }[] = [];
  constructor(private readonly size: number) {}
  get floor(): number {
    return this.items.length < this.size ? -Infinity : this.items[this.items.length - 1]!.score;
  }
  offer(score: number, beam: number, token: number): void {
    if (score <= this.floor) return;
    let i = this.items.length;
    while (i > 0 && this.items[i - 1]!.score < score) i--;
    this.items.splice(i, 0, { score, beam, token });
    if (this.items.length > this.size) this.items.pop();
  }
}

function normalised(logProb: number, length: number, penalty: number): number {
  return logProb / Math.max(1, length) ** penalty;
}

/** Hugging Face's BeamHypotheses.add: keep the best `size`. */
function addHypothesis(state: InputState, size: number, h: Hypothesis): void {
  if (state.finished.length >= size && h.score <= state.finished[state.finished.length - 1]!.score) return;
  let i = state.finished.length;
  while (i > 0 && state.finished[i - 1]!.score < h.score) i--;
  state.finished.splice(i, 0, h);
  if (state.finished.length > size) state.finished.pop();
}

/**
 * Beam search over a batch, as Hugging Face's generate() does it (log-softmax, then bad words banned,
 * the end token forced at the length cap; the best 2·beams candidates; an end token ends a hypothesis
 * only if it ranks within the first `beams`; score = sum log p / generated length incl. the end
 * token). The encoder runs once, every input keeps `beams` rows in one decoder batch, and the cache
 * rows follow their beams each step. With beams = 1 and early stopping it takes exactly the greedy path.
 */
export async function beamDecode(
  model: MarianModel,
  inputs: readonly (readonly number[])[],
  beams: number,
  options: BeamOptions = {},
): Promise<DecodedSequence[]> {
  const { config } = model;
  const vocab = config.vocabSize;
  const penalty = options.lengthPenalty ?? 1;
  const earlyStopping = options.earlyStopping ?? false;
  const guard = options.repetitionGuard ?? true;
  const banned = options.bannedIds ?? [config.padId];
  const { caps, flag } = rowCaps(inputs, options, config.maxPositions);
  if (inputs.length === 0) return [];
  const sourceSpans = guard ? inputs.map((ids) => repeatedSpan(ids)) : [];

  const states: InputState[] = inputs.map((_, i) => ({
    beams: [{ tokens: [], logProb: 0, row: 0 }],
    finished: [],
    done: false,
    cap: caps[i]!,
  }));
  const encoded = await model.encode(inputs);
  // One row per (input, beam); the first step has a single live beam per input.
  let rowsOfInput = inputs.map((_, i) => [i]);
  let encoder: EncoderState = encoded;
  let cache: KvCache | null = null;
  let last = inputs.map(() => config.decoderStartId);
  // The input each row of the current batch belongs to.
  let inputOfRow = inputs.map((_, i) => i);
  const scratch = new Float32Array(vocab);

  for (let step = 0; states.some((s) => !s.done); step++) {
    throwIfAborted(options.signal);
    const out = await model.step(encoder, last, cache);
    const nextRows: number[] = [];
    const nextLast: number[] = [];
    const nextRowsOfInput: number[][] = [];
    const nextEncoderRows: number[] = [];

    states.forEach((state, i) => {
      if (state.done) return;
      const rows = rowsOfInput[i]!;
      // Token number step + 1 is the last the cap allows: the end token is forced (log p 0 after forcing).
      const forced = step + 1 >= state.cap;
      const top = new TopK(2 * beams);
      state.beams.forEach((beam, b) => {
        if (forced) return void top.offer(beam.logProb, b, config.eosId);
        logSoftmaxRow(out.logits, rows[b]! * vocab, vocab, banned, scratch);
        for (let v = 0; v < vocab; v++) top.offer(beam.logProb + scratch[v]!, b, v);
      });
      const next: Beam[] = [];
      top.items.forEach((cand, rank) => {
        if (next.length >= beams) return;
        const parent = state.beams[cand.beam]!;
        if (cand.token === config.eosId) {
          // Only candidates that would have made the beam may finish (Hugging Face's rule).
          if (rank < beams) {
            addHypothesis(state, beams, { tokens: parent.tokens, logProb: cand.score, score: normalised(cand.score, parent.tokens.length + 1, penalty), flags: forced && flag ? ['length-cap'] : [] });
          }
          return;
        }
        const tokens = [...parent.tokens, cand.token];
        if (guard) {
          const cut = repeatedTailLength(tokens, undefined, sourceSpans[i]);
          if (cut > 0) {
            const kept = tokens.slice(0, tokens.length - cut);
            addHypothesis(state, beams, { tokens: kept, logProb: cand.score, score: normalised(cand.score, tokens.length, penalty), flags: ['repetition'] });
            return;
          }
        }
        next.push({ tokens, logProb: cand.score, row: rows[cand.beam]! });
      });

      if (forced || next.length === 0) {
        state.done = true;
      } else if (state.finished.length >= beams) {
        const worst = state.finished[state.finished.length - 1]!.score;
        // Hugging Face's is_done: the best candidate score over the length so far incl. the start token.
        const bestPossible = normalised(top.items[0]!.score, step + 1, penalty);
        state.done = earlyStopping || worst >= bestPossible;
      }
      if (state.done) return;
      state.beams = next;
      nextRowsOfInput[i] = next.map((beam) => {
        nextRows.push(beam.row);
        nextEncoderRows.push(rows[0]!);
        nextLast.push(beam.tokens[beam.tokens.length - 1]!);
        return nextRows.length - 1;
      });
    });

    if (nextRows.length === 0) break;
    // Beams of one input share identical encoder rows: only when inputs leave or their number of
    // beams changes does the encoder side (state and cross-attention cache) have to move.
    const nextInputOfRow = nextEncoderRows.map((r) => inputOfRow[r]!);
    const sameBlocks = nextInputOfRow.length === inputOfRow.length && nextInputOfRow.every((input, j) => inputOfRow[j] === input);
    if (!sameBlocks) encoder = MarianModel.selectEncoderRows(encoder, nextEncoderRows);
    cache = MarianModel.selectCacheRows(out.cache, nextRows, sameBlocks);
    inputOfRow = nextInputOfRow;
    rowsOfInput = nextRowsOfInput;
    last = nextLast;
  }

  return states.map((state) => {
    const best = state.finished[0];
    return best ? { ids: best.tokens, logProb: best.logProb, flags: best.flags } : { ids: [], logProb: -Infinity, flags: [] };
  });
}
