import type { MarianDims } from './marian/dims.js';

export type PresetName = 'tiny' | 'echo' | 'opus-da-en' | 'tc-big-gmq-en' | 'echo-opus-da-en';

export interface Preset {
  name: PresetName;
  /** Everything but the vocabulary size, which the tokenizer decides for `tiny`. */
  dims: Omit<MarianDims, 'vocabSize' | 'padId'>;
  /** Exact vocabulary size, or null to use as many pieces as the word lists give. */
  vocabSize: number | null;
  /** Use the system word lists (Debian's wdanish/wbritish) when present. */
  systemWords: boolean;
  /**
   * Weight scale. Marian's init_std 0.02 gives a random model whose output ignores its input (the
   * cross-attention contribution vanishes), which would make batch-vs-single tests pass trivially;
   * the tiny preset uses larger weights so every input decodes differently.
   */
  initStd: number;
  /** random: Marian-style init; echo: constructed weights that copy the source (marian/echo-weights.ts). */
  weights: 'random' | 'echo';
}

const IDS = { eosId: 0, unkId: 1 };

export const PRESETS: Record<PresetName, Preset> = {
  // Small enough to build in well under a second and run a test suite on, same graph structure.
  tiny: {
    name: 'tiny',
    dims: { dModel: 32, encoderLayers: 2, decoderLayers: 2, heads: 4, ffnDim: 64, maxPositions: 512, ...IDS },
    vocabSize: null,
    systemWords: false,
    initStd: 1,
    weights: 'random',
  },
  // Copies its input: exact end-to-end text for tests. Wider than tiny because the copy mechanism
  // needs room (16 sinusoid pairs for positions, a head_dim-sized subspace for token identity).
  echo: {
    name: 'echo',
    dims: { dModel: 256, encoderLayers: 2, decoderLayers: 2, heads: 2, ffnDim: 64, maxPositions: 512, ...IDS },
    vocabSize: null,
    systemWords: false,
    initStd: 0,
    weights: 'echo',
  },
  // Helsinki-NLP/opus-mt-da-en's config.json: the real model's exact shapes and compute cost.
  'opus-da-en': {
    name: 'opus-da-en',
    dims: { dModel: 512, encoderLayers: 6, decoderLayers: 6, heads: 8, ffnDim: 2048, maxPositions: 512, ...IDS },
    vocabSize: 58_930,
    systemWords: true,
    initStd: 0.02,
    weights: 'random',
  },
  // Helsinki-NLP/opus-mt-tc-big-gmq-en's config.json (transformer-big): the speed and memory of the
  // "best" model. The real one has eos 41977 (alphabetical vocabulary); ids here are the builder's.
  'tc-big-gmq-en': {
    name: 'tc-big-gmq-en',
    dims: { dModel: 1024, encoderLayers: 6, decoderLayers: 6, heads: 16, ffnDim: 4096, maxPositions: 1024, activation: 'relu', ...IDS },
    vocabSize: 54_765,
    systemWords: true,
    initStd: 0.02,
    weights: 'random',
  },
  // opus-da-en's exact shapes (so every token costs what the real model's does) with the echo
  // construction: every output copies its source and ends by itself with the source's </s>. The
  // benchmark's workload: any engine does identical work with no length-forcing hook.
  'echo-opus-da-en': {
    name: 'echo-opus-da-en',
    dims: { dModel: 512, encoderLayers: 6, decoderLayers: 6, heads: 8, ffnDim: 2048, maxPositions: 512, ...IDS },
    vocabSize: 58_930,
    systemWords: true,
    initStd: 0,
    weights: 'echo',
  },
};

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(PRESETS, name);
}
