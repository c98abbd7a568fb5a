import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Dtype } from '../dtype.js';

export const DEFAULT_MODEL_ID = 'Xenova/opus-mt-da-en';

/** `--quality`: fast = the default export; best = Helsinki-NLP's transformer-big (converted on first use). */
export const QUALITY_MODELS = { fast: DEFAULT_MODEL_ID, best: 'Helsinki-NLP/opus-mt-tc-big-gmq-en' } as const;
export type Quality = keyof typeof QUALITY_MODELS;

const SUFFIX: Record<Dtype, string> = { q8: '_quantized', fp32: '' };

/** The files Transformers.js reads for a Marian export in the given dtype. */
export function requiredFiles(dtype: Dtype): string[] {
  return [
    'config.json',
    'generation_config.json',
    'tokenizer.json',
    'tokenizer_config.json',
    modelFile('encoder', dtype),
    modelFile('decoder', dtype),
  ];
}

/** The files of `requiredFiles(dtype)` not in `dir`. */
export function missingFiles(dir: string, dtype: Dtype): string[] {
  return requiredFiles(dtype).filter((f) => !existsSync(path.join(dir, f)));
}

/** Where the Optimum / Transformers.js layout keeps a graph: onnx/encoder_model(_quantized).onnx etc. */
export function modelFile(graph: 'encoder' | 'decoder', dtype: Dtype): string {
  return `onnx/${graph === 'encoder' ? 'encoder_model' : 'decoder_model_merged'}${SUFFIX[dtype]}.onnx`;
}

/**
 * Published sizes of the default model's q8 files (from the model's hub listing), so a download
 * is checked against them even when the server sends no checksum.
 */
export const KNOWN_SIZES: Record<string, Record<string, number>> = {
  [DEFAULT_MODEL_ID]: {
    'config.json': 1376,
    'generation_config.json': 293,
    'tokenizer.json': 5_685_484,
    'tokenizer_config.json': 280,
    'onnx/encoder_model_quantized.onnx': 49_791_389,
    'onnx/decoder_model_merged_quantized.onnx': 57_080_167,
  },
};
