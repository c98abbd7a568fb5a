import ort from 'onnxruntime-node';
import type { ENGINES } from '../defaults.js';
import type { Dtype } from '../dtype.js';
import { MarianModel, sessionOptions, type SessionSettings } from '../marian-model.js';
import { readModelConfig, type ModelConfig } from '../model-config.js';
import { GraphSurgeryError, type BeamSearchSpec } from './beam-search-spec.js';
import { currentGenerationModel, generationModel, storeGenerationModel } from './generation-model.js';
import { JsLoopGenerator } from './js-loop-generator.js';
import { OrtGenerator } from './ort-generator.js';
import type { GenerateRequest, SequenceGenerator } from './sequence-generator.js';
import type { ThreadPlan } from './thread-plan.js';

/** auto: inside ONNX Runtime, else (with a notice) the JavaScript loop; ort / js: that one only. */
export type EngineKind = (typeof ENGINES)[number];

export interface OpenGeneratorOptions extends SessionSettings {
  engine?: EngineKind;
}

export type OpenedGenerator = SequenceGenerator & {
  readonly notice?: string;
  readonly threads?: ThreadPlan;
  /** Model processes running now (a pool of them). */
  readonly size?: number;
  /** Resolves once every model process there will be has started (a pool of them). */
  whenJoined?(): Promise<void>;
};

export function beamSearchSpec(model: ModelConfig): BeamSearchSpec {
  const { config, generation } = model;
  return {
    vocabSize: config.vocabSize,
    layers: config.layers,
    heads: config.heads,
    headDim: config.headDim,
    eosId: config.eosId,
    padId: config.padId,
    decoderStartId: config.decoderStartId,
    earlyStopping: generation.earlyStopping,
  };
}

/**
 * Short inputs of in-vocabulary ids through the op and the loop; the wrapped model is used only if
 * every id agrees (greedy and 2 beams, one input at a time so int8 models compare exactly too).
 */
async function verify(op: OrtGenerator, reference: JsLoopGenerator, model: ModelConfig): Promise<void> {
  const { config, generation } = model;
  const special = new Set([config.eosId, config.padId, config.decoderStartId, config.unkId]);
  const ids: number[] = [];
  for (let id = 2; ids.length < 12 && id < config.vocabSize; id++) if (!special.has(id)) ids.push(id);
  const probes = [ids.slice(0, 7), ids.slice(5, 12).reverse()].map((row) => [...row, config.eosId]);
  for (const beams of [1, 2]) {
    for (const input of probes) {
      const request: GenerateRequest = { inputs: [input], beams, maxNewTokens: [10], flagLengthCap: true, repetitionGuard: false, lengthPenalty: 1, earlyStopping: generation.earlyStopping, bannedIds: generation.badWordIds };
      const [a] = await op.generate(request);
      const [b] = await reference.generate(request);
      if (a!.ids.join(' ') !== b!.ids.join(' ')) throw new GraphSurgeryError(`the wrapped model disagrees with the step-by-step loop (${beams} beam${beams > 1 ? 's' : ''}: ${a!.ids.slice(0, 8).join(' ')} vs ${b!.ids.slice(0, 8).join(' ')})`);
    }
  }
}

/**
 * Whether opening the model now makes nothing on disk: the loop asked for, or the wrapped model
 * already cached. (Two model processes opening a model for the first time would both make it.)
 */
export async function opensWithoutMaking(dir: string, dtype: Dtype, engine: EngineKind = 'auto'): Promise<boolean> {
  if (engine === 'js') return true;
  try {
    return (await currentGenerationModel(dir, dtype, beamSearchSpec(await readModelConfig(dir)))) !== undefined;
  } catch {
    return false;
  }
}

/** Opens the model for generation: the BeamSearch-wrapped model (made and cached on first use) or the loop. */
export async function openGenerator(dir: string, dtype: Dtype, options: OpenGeneratorOptions = {}): Promise<OpenedGenerator> {
  const engine = options.engine ?? 'auto';
  const settings: SessionSettings = { ...(options.intraOpThreads ? { intraOpThreads: options.intraOpThreads } : {}), ...(options.spinning !== undefined ? { spinning: options.spinning } : {}) };
  if (engine === 'js') return new JsLoopGenerator(await MarianModel.load(dir, dtype, settings));
  const model = await readModelConfig(dir);
  try {
    const spec = beamSearchSpec(model);
    const cached = await generationModel(dir, dtype, spec);
    const session = await ort.InferenceSession.create(cached.source as string, sessionOptions(settings));
    const op = new OrtGenerator(session, model.config);
    if (cached.fresh) {
      const reference = new JsLoopGenerator(await MarianModel.load(dir, dtype, settings));
      try {
        await verify(op, reference, model);
      } catch (err) {
        await op.dispose();
        throw err;
      } finally {
        await reference.dispose();
      }
      if (typeof cached.source !== 'string') await storeGenerationModel(dir, dtype, spec, cached.source);
    }
    return op;
  } catch (err) {
    if (engine === 'ort') throw err;
    const why = (err as Error).message.split('\n')[0]!.slice(0, 200);
    return new JsLoopGenerator(await MarianModel.load(dir, dtype, settings), `generation inside ONNX Runtime is not available for this model (${why}); using the step-by-step loop, which is slower`);
  }
}
