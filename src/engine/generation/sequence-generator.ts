/**
 * The seam between the translator (text, tokenizer, batching) and whatever turns token ids into
 * token ids: ONNX Runtime's BeamSearch op (ort-generator.ts), the step-by-step JavaScript loop
 * (the reference implementation and the fallback), or either of them in a worker thread.
 */
import type { DecodedSequence } from '../decoding/greedy.js';

export interface GenerateRequest {
  inputs: readonly (readonly number[])[];
  /** 1 = greedy. */
  beams: number;
  /** Per input: new tokens allowed incl. the EOS forced at the last one (Hugging Face's max_new_tokens). */
  maxNewTokens: readonly number[];
  /** Flag outputs that reached their cap ('length-cap'); off when the caps are fixed by the caller. */
  flagLengthCap: boolean;
  repetitionGuard: boolean;
  lengthPenalty: number;
  earlyStopping: boolean;
  /** Token ids never generated (single-token bad_words_ids; pad at least). */
  bannedIds: readonly number[];
}

export type GeneratorKind = 'ort' | 'js';

export interface SequenceGenerator {
  readonly kind: GeneratorKind;
  generate(request: GenerateRequest, signal?: AbortSignal): Promise<DecodedSequence[]>;
  dispose(): Promise<void>;
}
