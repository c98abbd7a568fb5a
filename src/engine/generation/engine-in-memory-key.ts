/**
 * Where generation runs, as the translation memory's keys name it. The two engines follow the same
 * rules, but they do not always give the same text:
 * - int8 (q8): ONNX Runtime quantizes activations per tensor, so the other rows of a run change the
 *   rounding, and the operator keeps finished rows in its batch where the loop drops them (and the two
 *   batch differently by default): one input at a time they agree, in batches they can differ.
 * - beams with the repetition guard: the loop prunes looping hypotheses while searching, the operator
 *   can only cut a looping tail afterwards.
 * fp32 otherwise gives the same ids in both (tests/integration/generation-op.test.ts), so there the
 * engine stays out of the key and the two share their entries.
 *
 * Only the loop is named: the operator is the default engine and wrote nearly every entry stored
 * before the engine was part of the key, so its keys are the ones they already had.
 */
import type { Dtype } from '../dtype.js';
import type { EngineKind } from './open-generator.js';
import type { GeneratorKind } from './sequence-generator.js';

export interface GenerationSettings {
  dtype: Dtype;
  beams: number;
  repetitionGuard: boolean;
}

/** Whether the two engines can give different text with these settings. */
export function enginesCanDiffer(settings: GenerationSettings): boolean {
  return settings.dtype !== 'fp32' || (settings.beams > 1 && settings.repetitionGuard);
}

/** The decoding settings' entry for the engine: `{ generation: 'loop' }` where it matters, else nothing. */
export function generationKeyPart(kind: GeneratorKind, settings: GenerationSettings): { generation?: 'loop' } {
  return kind === 'js' && enginesCanDiffer(settings) ? { generation: 'loop' } : {};
}

/**
 * The engine expected before the model starts (a start on first use): the one asked for, and for
 * auto the operator, which it is unless this model cannot run inside ONNX Runtime. Once the model has
 * started, its real engine counts (MarianTranslator.decoding).
 */
export function expectedGenerator(engine: EngineKind): GeneratorKind {
  return engine === 'js' ? 'js' : 'ort';
}
