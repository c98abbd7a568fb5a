/** Segmentation defaults, in a module that imports nothing (the CLI's options are defined from it; see pipeline/defaults.ts). */

/** Largest piece of text sent to the model at once, in tokens. */
export const DEFAULT_MAX_CHUNK_TOKENS = 256;
