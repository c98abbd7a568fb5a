import { MarianModel, type EncoderState, type KvCache } from '../marian-model.js';
import type { DecodeOptions, DecodedSequence } from './greedy.js';
import { throwIfAborted } from './greedy.js';
import { DEFAULT_LENGTH_POLICY, maxNewTokens, repeatedTailLength } from './guards.js';

export interface BeamOptions extends DecodeOptions {
  /** Hugging Face's length_penalty: final score = sum log p / length^penalty. */
  lengthPenalty?: number;
  /**
   * true: an input is done once it has `beams` finished hypotheses (Hugging Face early_stopping=true).
   * false: also wait while a running beam could still beat the worst finished one.
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
  finished: Hypothesis[];
  done: boolean;
  cap: number;
}

/**
 * log-softmax of one row into `out` (reused buffer), then banned ids set to -Infinity: Hugging
 * Face's beam search normalises over the whole vocabulary and applies its logits processors
 * (NoBadWords for <pad>, min length) to the log-probabilities afterwards, without renormalising.
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

/**
 * Beam search over a batch, in the style of Hugging Face's generate(): the encoder runs once, every
 * input keeps `beams` rows in one decoder batch, the key/value cache rows follow their beams each
 * step, and finished hypotheses are ranked by length-penalised log-probability. With beams = 1 and
 * early stopping it takes exactly the greedy path.
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
  const earlyStopping = options.earlyStopping ?? true;
  const guard = options.repetitionGuard ?? true;
  const minNew = inputs.map((_, i) => options.minNewTokensPerRow?.[i] ?? 0);
  const policy = options.lengthPolicy ?? { ...DEFAULT_LENGTH_POLICY, maxPositions: config.maxPositions };
  if (inputs.length === 0) return [];

  const states: InputState[] = inputs.map((ids, i) => ({
    beams: [{ tokens: [], logProb: 0, row: 0 }],
    finished: [],
    done: false,
    cap: options.maxNewTokensPerRow?.[i] ?? maxNewTokens(ids.length, policy),
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
      const banned = step < minNew[i]! ? [config.padId, config.eosId] : [config.padId];
      const top = new TopK(2 * beams);
      state.beams.forEach((beam, b) => {
        logSoftmaxRow(out.logits, rows[b]! * vocab, vocab, banned, scratch);
        for (let v = 0; v < vocab; v++) top.offer(beam.logProb + scratch[v]!, b, v);
      });
      const next: Beam[] = [];
      top.items.forEach((cand, rank) => {
        if (next.length >= beams) return;
        const parent = state.beams[cand.beam]!;
        if (cand.token === config.eosId) {
          // Only candidates that would have made the beam may finish (Hugging Face's rule); the
          // score is normalised by the generated length including the EOS, as generate() does.
          if (rank < beams) state.finished.push({ tokens: parent.tokens, logProb: cand.score, score: normalised(cand.score, parent.tokens.length + 1, penalty), flags: [] });
          return;
        }
        const tokens = [...parent.tokens, cand.token];
        if (guard && step >= minNew[i]!) {
          const cut = repeatedTailLength(tokens);
          if (cut > 0) {
            const kept = tokens.slice(0, tokens.length - cut);
            state.finished.push({ tokens: kept, logProb: cand.score, score: normalised(cand.score, tokens.length, penalty), flags: ['repetition'] });
            return;
          }
        }
        next.push({ tokens, logProb: cand.score, row: rows[cand.beam]! });
      });

      const length = step + 1;
      if (next.length > 0 && length >= state.cap) {
        // At the cap EOS is forced (ForcedEOSTokenLogitsProcessor: log-probability 0), so every beam
        // ends with it and counts it in its length.
        for (const beam of next) {
          state.finished.push({ tokens: beam.tokens, logProb: beam.logProb, score: normalised(beam.logProb, beam.tokens.length + 1, penalty), flags: options.maxNewTokensPerRow ? [] : ['length-cap'] });
        }
        state.done = true;
      } else if (next.length === 0) {
        state.done = true;
      } else if (state.finished.length >= beams) {
        // Hugging Face keeps the `beams` best finished hypotheses; the worst of those must beat the
        // best score any candidate of this step could still reach (its next_scores.max()).
        const worst = state.finished.map((h) => h.score).sort((x, y) => y - x)[beams - 1]!;
        const bestRunning = normalised(top.items[0]!.score, length, penalty);
        state.done = earlyStopping || worst >= bestRunning;
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
    const best = state.finished.reduce<Hypothesis | null>((a, h) => (a === null || h.score > a.score ? h : a), null);
    return best ? { ids: best.tokens, logProb: best.logProb, flags: best.flags } : { ids: [], logProb: -Infinity, flags: [] };
  });
}
