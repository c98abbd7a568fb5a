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
}

export function headDim(d: MarianDims): number {
  if (d.dModel % d.heads !== 0) throw new Error(`d_model ${d.dModel} is not divisible by ${d.heads} heads`);
  return d.dModel / d.heads;
}
