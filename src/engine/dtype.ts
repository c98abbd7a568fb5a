/** Weight formats of a Transformers.js export: fp32, or the `_quantized` int8 twins. */
export type Dtype = 'q8' | 'fp32';
