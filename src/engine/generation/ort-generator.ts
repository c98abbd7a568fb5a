/**
 * Generation inside ONNX Runtime: one `session.run` per batch on the BeamSearch-wrapped model
 * (beam-search-graph.ts). What the op cannot do is done around it: the repetition guard cuts
 * looping tails after the run, exactly where the step-by-step loop would have stopped (greedy).
 */
import ort from 'onnxruntime-node';
import type { DecodedSequence } from '../decoding/greedy.js';
import { repeatedSpan, repeatedTailLength } from '../decoding/guards.js';
import type { MarianConfig } from '../model-config.js';
import { MAX_NEW_TOKENS_INPUT } from './beam-search-spec.js';
import type { GenerateRequest, SequenceGenerator } from './sequence-generator.js';

const int32 = (values: ArrayLike<number>, dims: number[]) => new ort.Tensor('int32', Int32Array.from(values), dims);

/**
 * The first prefix at which the step-by-step loop's guard would have fired, and the cut it makes:
 * applied after the run it gives the same ids as the guard applied while decoding greedily.
 */
export function cutRepetition(ids: readonly number[], sourceSpan = 0): { ids: number[]; cut: boolean } {
  for (let length = 1; length <= ids.length; length++) {
    const prefix = ids.slice(0, length);
    const drop = repeatedTailLength(prefix, undefined, sourceSpan);
    if (drop > 0) return { ids: prefix.slice(0, length - drop), cut: true };
  }
  return { ids: [...ids], cut: false };
}

export class OrtGenerator implements SequenceGenerator {
  readonly kind = 'ort' as const;

  private readonly vocabMask: Map<string, ort.Tensor> = new Map();

  constructor(
    private readonly session: ort.InferenceSession,
    private readonly config: MarianConfig,
  ) {}

  private maskFor(banned: readonly number[]): ort.Tensor {
    const key = banned.join(',');
    let mask = this.vocabMask.get(key);
    if (!mask) {
      const data = new Int32Array(this.config.vocabSize).fill(1);
      for (const id of banned) data[id] = 0;
      mask = new ort.Tensor('int32', data, [this.config.vocabSize]);
      this.vocabMask.set(key, mask);
    }
    return mask;
  }

  async generate(request: GenerateRequest, signal?: AbortSignal): Promise<DecodedSequence[]> {
    // One run per batch cannot be interrupted from here; the worker that runs it can be terminated.
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
    const { inputs } = request;
    if (inputs.length === 0) return [];
    const width = Math.max(...inputs.map((r) => r.length));
    const ids = new Int32Array(inputs.length * width).fill(this.config.padId);
    const mask = new Int32Array(inputs.length * width);
    inputs.forEach((row, r) => {
      ids.set(row, r * width);
      mask.fill(1, r * width, r * width + row.length);
    });
    const caps = request.maxNewTokens.map((n) => Math.max(1, n));
    // The op's max_length counts the start token; the forced EOS (never stored) ends every row before it.
    const maxLength = Math.max(...caps) + 1;
    const out = await this.session.run({
      input_ids: new ort.Tensor('int32', ids, [inputs.length, width]),
      attention_mask: new ort.Tensor('int32', mask, [inputs.length, width]),
      max_length: int32([maxLength], [1]),
      min_length: int32([0], [1]),
      num_beams: int32([request.beams], [1]),
      num_return_sequences: int32([1], [1]),
      length_penalty: new ort.Tensor('float32', Float32Array.from([request.lengthPenalty]), [1]),
      repetition_penalty: new ort.Tensor('float32', Float32Array.from([1]), [1]),
      vocab_mask: this.maskFor(request.bannedIds),
      [MAX_NEW_TOKENS_INPUT]: int32(caps, [caps.length]),
    });
    const sequences = out['sequences']!;
    const scores = out['sequences_scores']?.data as Float32Array | undefined;
    const length = (sequences.dims as number[])[2]!;
    const data = sequences.data as Int32Array;
    return inputs.map((_, r) => {
      const row = data.subarray(r * length, (r + 1) * length);
      const generated: number[] = [];
      // Position 0 is the decoder start token; the op pads after the last token and stores no EOS.
      for (let i = 1; i < length && row[i] !== this.config.padId && row[i] !== this.config.eosId; i++) generated.push(row[i]!);
      const flags: string[] = [];
      let result = generated;
      if (request.repetitionGuard) {
        const { ids: kept, cut } = cutRepetition(generated, repeatedSpan(inputs[r]!));
        if (cut) {
          result = kept;
          flags.push('repetition');
        }
      }
      if (request.flagLengthCap && flags.length === 0 && generated.length >= caps[r]! - 1) flags.push('length-cap');
      // The op's score is sum log p / (generated incl. the end token)^penalty; every row ends with one.
      const logProb = scores ? scores[r]! * (generated.length + 1) ** request.lengthPenalty : 0;
      return { ids: result, logProb, flags };
    });
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
