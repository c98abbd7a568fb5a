/**
 * The range of each Marian setting da2en accepts from a config.json it did not write (a checkpoint
 * to convert, a model folder given with --model). A value outside is a damaged or hostile file, not
 * a model: unchecked, decoder_layers 1e9 had graph surgery loop for minutes eating gigabytes, and
 * max_position_embeddings 1e9 asked for a sinusoid table no typed array can hold. The bounds are far
 * beyond any published Marian model (Opus-MT: d_model 512–1024, 6 layers, 8–16 heads, FFN 2048–4096,
 * vocabularies of 32k–64k, 512 or 1,024 positions).
 */
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
