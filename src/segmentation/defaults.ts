/** Segmentation defaults, in a module that imports nothing (the CLI's options are defined from it; see pipeline/defaults.ts). */

/** Largest piece of text sent to the model at once, in tokens. */
export const DEFAULT_MAX_CHUNK_TOKENS = 256;

/**
 * The smallest chunk limit (--max-chunk-tokens' least): below it a single word or character can
 * measure more than a chunk holds. A model's max_length must leave inputs at least this much.
 */
export const MIN_CHUNK_TOKENS = 8;
