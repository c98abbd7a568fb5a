/**
 * The range of each Marian setting da2en accepts from a config.json it did not write (a checkpoint
 * to convert, a model folder given with --model). A value outside is a damaged or hostile file, not
 * a model: unchecked, decoder_layers 1e9 had graph surgery loop for minutes eating gigabytes, and
 * max_position_embeddings 1e9 asked for a sinusoid table no typed array can hold. The bounds are far
 * beyond any published Marian model (Opus-MT: d_model 512–1024, 6 layers, 8–16 heads, FFN 2048–4096,
 * vocabularies of 32k–64k, 512 or 1,024 positions).
 */
import { MIN_CHUNK_TOKENS } from '../../segmentation/defaults.js';

export const MARIAN_LIMITS = {
  /** Multilingual vocabularies reach ~256k. */
  vocab_size: [1, 1_000_000],
  d_model: [1, 16_384],
  attention_heads: [1, 1_024],
  layers: [1, 256],
  ffn_dim: [1, 65_536],
  /**
   * At least 16: da2en lets a sentence of n pieces run to 2n + 10 target tokens, so fewer positions
   * could not hold a sentence of three words (0 or 3 converted, then every translation failed in
   * ONNX Runtime). At most 65,536: a sinusoid table is positions × d_model floats, 256 MB at d_model
   * 1,024 and already 128× what Opus-MT models use.
   */
  max_position_embeddings: [16, 65_536],
} as const satisfies Record<string, readonly [number, number]>;

export type MarianLimit = keyof typeof MARIAN_LIMITS;

/** Why `value` of `key` is refused ("decoder_layers 1000000000 is outside 1–256"), or undefined when it is within `limit`. */
export function outsideLimit(key: string, value: number, limit: MarianLimit): string | undefined {
  const [min, max] = MARIAN_LIMITS[limit];
  return value < min || value > max ? `${key} ${value} is outside ${min}–${max}` : undefined;
}

/**
 * The least max_length da2en runs with: inputs get max_length − 2 tokens (the engine's
 * longestFinishedInput: the output's start and end take two), and chunks need room for at least
 * MIN_CHUNK_TOKENS, the least --max-chunk-tokens, or a single word may not fit. Below it (0–2 left
 * inputs no tokens at all, and segmentation failed as a usage error) is no Marian model's setting.
 */
export const MIN_MAX_LENGTH = MIN_CHUNK_TOKENS + 2;

type Json = Record<string, unknown>;

/**
 * max_length as generate() reads it (generation_config.json `g`, then config.json `c`), at most the
 * positions; absent from both, the positions. One that is no whole number or below MIN_MAX_LENGTH is
 * refused, naming the file it is in: by the engine for a model folder, and by `model convert` for a
 * checkpoint, which is never converted into a model the engine would refuse.
 */
export function checkedMaxLength(g: Json, c: Json, maxPositions: number): number {
  const absent = (v: unknown) => v === undefined || v === null;
  const file = absent(g['max_length']) ? 'config.json' : 'generation_config.json';
  const value = absent(g['max_length']) ? c['max_length'] : g['max_length'];
  if (absent(value)) return maxPositions;
  const notMarian = `this is not a Marian model's setting (a damaged or foreign ${file})`;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error(`${file}: max_length ${JSON.stringify(value)} is not a whole number; ${notMarian}`);
  if (value < MIN_MAX_LENGTH) {
    throw new Error(`${file}: max_length ${value} leaves no room to translate (at least ${MIN_MAX_LENGTH}: ${MIN_CHUNK_TOKENS} input tokens, and the output's start and end); ${notMarian}`);
  }
  // Past the position table a decoder has no positions to run at: Hugging Face fails there.
  return Math.min(value, maxPositions);
}
