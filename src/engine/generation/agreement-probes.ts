/**
 * Short inputs of in-vocabulary ids through two generators that must agree exactly before the first
 * replaces the second (the wrapped model against the loop, the prepared copy against the wrapped
 * model): greedy and 2 beams, one input at a time so that int8 models compare exactly too.
 */
import type { ModelConfig } from '../model-config.js';
import { GraphSurgeryError } from './beam-search-spec.js';
import type { GenerateRequest, SequenceGenerator } from './sequence-generator.js';

/** Throws a GraphSurgeryError naming `what` (e.g. "the wrapped model disagrees with the loop") on the first difference. */
export async function verifyAgreement(candidate: SequenceGenerator, reference: SequenceGenerator, model: ModelConfig, what: string): Promise<void> {
  const { config, generation } = model;
  const special = new Set([config.eosId, config.padId, config.decoderStartId, config.unkId]);
  const ids: number[] = [];
  for (let id = 2; ids.length < 12 && id < config.vocabSize; id++) if (!special.has(id)) ids.push(id);
  const probes = [ids.slice(0, 7), ids.slice(5, 12).reverse()].map((row) => [...row, config.eosId]);
  for (const beams of [1, 2]) {
    for (const input of probes) {
      const request: GenerateRequest = { inputs: [input], beams, maxNewTokens: [10], flagLengthCap: true, repetitionGuard: false, lengthPenalty: 1, earlyStopping: generation.earlyStopping, bannedIds: generation.badWordIds };
      const [a] = await candidate.generate(request);
      const [b] = await reference.generate(request);
      if (a!.ids.join(' ') !== b!.ids.join(' ')) throw new GraphSurgeryError(`${what} (${beams} beam${beams > 1 ? 's' : ''}: ${a!.ids.slice(0, 8).join(' ')} vs ${b!.ids.slice(0, 8).join(' ')})`);
    }
  }
}
