import { beamDecode } from '../decoding/beam.js';
import { greedyDecode, type DecodedSequence } from '../decoding/greedy.js';
import type { MarianModel } from '../marian-model.js';
import type { GenerateRequest, SequenceGenerator } from './sequence-generator.js';

/**
 * The step-by-step loop in JavaScript (one session.run per decoder step): the reference
 * implementation the op is tested against, and the fallback where the op cannot be used.
 */
export class JsLoopGenerator implements SequenceGenerator {
  readonly kind = 'js' as const;

  constructor(
    readonly model: MarianModel,
    readonly notice?: string,
  ) {}

  generate(request: GenerateRequest, signal?: AbortSignal): Promise<DecodedSequence[]> {
    const options = {
      maxNewTokensPerRow: request.maxNewTokens,
      flagLengthCap: request.flagLengthCap,
      repetitionGuard: request.repetitionGuard,
      bannedIds: request.bannedIds,
      lengthPenalty: request.lengthPenalty,
      earlyStopping: request.earlyStopping,
      ...(signal ? { signal } : {}),
    };
    return request.beams > 1 ? beamDecode(this.model, request.inputs, request.beams, options) : greedyDecode(this.model, request.inputs, options);
  }

  dispose(): Promise<void> {
    return this.model.dispose();
  }
}
