/**
 * The engine's defaults, in a module that imports nothing heavy: the CLI defines its options
 * from these without loading ONNX Runtime (which --help and --version need not wait for).
 */
import type { Dtype } from './dtype.js';

/** Weight precisions a model can be loaded in. */
export const DTYPES = ['q8', 'fp32'] as const satisfies readonly Dtype[];

/** int8 weights: smaller and faster (see the README on batching and int8). */
export const DEFAULT_DTYPE: Dtype = 'q8';

/** Beam width: 1 is greedy decoding. */
export const DEFAULT_BEAMS = 1;
/** The widest beam accepted (the CLI's --beams range and the library's check). */
export const MAX_BEAMS = 16;

/** Where generation runs: auto (inside ONNX Runtime, else the step-by-step loop), ort, js. */
export const ENGINES = ['auto', 'ort', 'js'] as const;
