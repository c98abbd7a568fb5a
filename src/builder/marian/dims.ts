/** The shape of a Marian model; the names follow the Hugging Face MarianConfig fields. */
export interface MarianDims {
  vocabSize: number;
  dModel: number;
  encoderLayers: number;
  decoderLayers: number;
  heads: number;
  ffnDim: number;
  maxPositions: number;
  /** Token ids the graphs and configs need. */
  padId: number;
  eosId: number;
  unkId: number;
  /** The FFN activation (config.json activation_function); swish when absent. */
  activation?: Activation;
  /** Embeddings multiplied by √d_model (config.json scale_embedding); true when absent, as in Opus-MT. */
  scaleEmbedding?: boolean;
}

/** The activations Hugging Face's ACT2FN names that Marian checkpoints use (swish = silu). */
export const ACTIVATIONS = ['swish', 'silu', 'relu', 'gelu', 'gelu_new'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export function isActivation(name: unknown): name is Activation {
  return typeof name === 'string' && (ACTIVATIONS as readonly string[]).includes(name);
}

export function headDim(d: MarianDims): number {
  if (d.dModel % d.heads !== 0) throw new Error(`d_model ${d.dModel} is not divisible by ${d.heads} heads`);
  return d.dModel / d.heads;
}
