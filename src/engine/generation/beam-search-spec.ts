/**
 * What the BeamSearch wrapping needs to know and may throw, apart from the surgery itself: the model
 * process imports the surgery (and its protobuf library, ~0.15 s) only when it has a model to wrap.
 */
export interface BeamSearchSpec {
  vocabSize: number;
  layers: number;
  heads: number;
  headDim: number;
  eosId: number;
  padId: number;
  decoderStartId: number;
  /** Hugging Face's early_stopping (false: keep searching while a running beam can still win). */
  earlyStopping: boolean;
}

/** Thrown when a graph does not have the shape the wrapping needs (the caller falls back to the JS loop). */
export class GraphSurgeryError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'GraphSurgeryError';
  }
}

/** Extra main-graph input: per input row, the number of new tokens incl. the forced EOS. */
export const MAX_NEW_TOKENS_INPUT = 'max_new_tokens';
