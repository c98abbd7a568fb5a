import ort from 'onnxruntime-node';
import type { ENGINES } from '../defaults.js';
import type { Dtype } from '../dtype.js';
import { MarianModel, sessionOptions, type SessionSettings } from '../marian-model.js';
import { readModelConfig, type ModelConfig } from '../model-config.js';
import type { BeamSearchSpec } from './beam-search-spec.js';
import { verifyAgreement } from './agreement-probes.js';
import { currentGenerationModel, discardGenerationModel, generationModel, storeGenerationModel } from './generation-model.js';
import { JsLoopGenerator } from './js-loop-generator.js';
import { OrtGenerator } from './ort-generator.js';
import { preparedModelState, removeAbandonedTemps, startPreparedCopy, type PreparedCopyInProgress } from './prepared-model.js';
import type { SequenceGenerator } from './sequence-generator.js';
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
  /** The (first) model process was given this very work ahead (worker-generator.ts, openAhead) and was opening it already. */
  readonly openedAhead?: boolean;
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
 * Whether opening the model now makes nothing on disk: the loop asked for, or the wrapped model
 * and its prepared copy (prepared-model.ts) already there, or the copy not to be made here. (Two
 * model processes opening a model for the first time would both make them.)
 */
export async function opensWithoutMaking(dir: string, dtype: Dtype, engine: EngineKind = 'auto'): Promise<boolean> {
  if (engine === 'js') return true;
  try {
    if ((await currentGenerationModel(dir, dtype, beamSearchSpec(await readModelConfig(dir)))) === undefined) return false;
    return (await preparedModelState(dir, dtype)).state !== 'missing';
  } catch {
    return false;
  }
}

const firstLine = (err: unknown) => ((err as Error)?.message ?? String(err)).split('\n')[0]!.slice(0, 200);

/**
 * A session of the wrapped model; with a copy being made, ONNX Runtime saves it while creating the
 * session (one optimisation for both). A failed save leaves the session without it, and says why.
 */
async function openWrapped(source: string | Uint8Array, options: ort.InferenceSession.SessionOptions, copy: PreparedCopyInProgress | undefined): Promise<{ session: ort.InferenceSession; saved: boolean }> {
  if (!copy) return { session: await ort.InferenceSession.create(source as string, options), saved: false };
  try {
    return { session: await ort.InferenceSession.create(source as string, copy.saveOptions(options)), saved: true };
  } catch (err) {
    const session = await ort.InferenceSession.create(source as string, options).catch(async (plain: unknown) => {
      // The wrapped model itself does not open: nothing to record about the copy.
      await copy.abandon();
      throw plain;
    });
    await copy.abandon(`saving the optimised model failed: ${firstLine(err)}`);
    return { session, saved: false };
  }
}

/**
 * Opens the saved copy, checks it gives the wrapped model's ids, and moves it into place; returns
 * the generator to keep (the copy's, mapped from its file, or the wrapped model's should anything fail).
 */
async function switchToPrepared(op: OrtGenerator, copy: PreparedCopyInProgress, model: ModelConfig, options: ort.InferenceSession.SessionOptions): Promise<OrtGenerator> {
  let prepared: OrtGenerator | undefined;
  try {
    prepared = new OrtGenerator(await ort.InferenceSession.create(await copy.repair(), options), model.config);
    await verifyAgreement(prepared, op, model, 'the prepared copy disagrees with the wrapped model');
    await copy.commit();
  } catch (err) {
    await prepared?.dispose();
    await copy.abandon(firstLine(err));
    return op;
  }
  await op.dispose();
  return prepared;
}

/**
 * Opens the model for generation: the prepared copy of the BeamSearch-wrapped model when it is
 * current (the fast path), else the wrapped model (made and cached on first use), making the prepared
 * copy meanwhile; or the loop.
 */
export async function openGenerator(dir: string, dtype: Dtype, options: OpenGeneratorOptions = {}): Promise<OpenedGenerator> {
  const engine = options.engine ?? 'auto';
  await removeAbandonedTemps(dir).catch(() => undefined);
  const settings: SessionSettings = { ...(options.intraOpThreads ? { intraOpThreads: options.intraOpThreads } : {}), ...(options.spinning !== undefined ? { spinning: options.spinning } : {}) };
  if (engine === 'js') return new JsLoopGenerator(await MarianModel.load(dir, dtype, settings));
  const model = await readModelConfig(dir);
  try {
    return await openInsideOrt(dir, dtype, model, settings);
  } catch (err) {
    if (engine === 'ort') throw err;
    return new JsLoopGenerator(await MarianModel.load(dir, dtype, settings), `generation inside ONNX Runtime is not available for this model (${firstLine(err)}); using the step-by-step loop, which is slower`);
  }
}

/** The BeamSearch-wrapped model (see openGenerator); `remake`: made again whatever is cached. */
async function openInsideOrt(dir: string, dtype: Dtype, model: ModelConfig, settings: SessionSettings, remake = false): Promise<OrtGenerator> {
  let copy: PreparedCopyInProgress | undefined;
  try {
    const spec = beamSearchSpec(model);
    const cached = await generationModel(dir, dtype, spec, remake);
    const sessionSettings = sessionOptions(settings);
    const prepared = cached.fresh ? undefined : await preparedModelState(dir, dtype);
    if (prepared?.state === 'current') {
      const session = await ort.InferenceSession.create(prepared.path, sessionSettings).catch(() => undefined);
      if (session) return new OrtGenerator(session, model.config);
      // It does not open (damaged): made again below.
    }
    // Made here unless this machine failed to make it for this wrapped model, or the folder is read-only.
    // A wrapped model made just now is saved as the prepared copy too, by the same session: its
    // optimisation is paid once, and the next start takes the fast path.
    if (prepared === undefined || prepared.state === 'current' || prepared.state === 'missing') copy = await startPreparedCopy(dir, dtype);
    let opened: Awaited<ReturnType<typeof openWrapped>>;
    try {
      opened = await openWrapped(cached.source, sessionSettings, copy);
    } catch (err) {
      // openWrapped has removed what the copy had written.
      copy = undefined;
      if (cached.fresh) throw err;
      // Cached, of the sizes recorded, yet it does not open (changed in place): made again, once,
      // rather than falling back to the loop on every start.
      await discardGenerationModel(dir, dtype);
      return await openInsideOrt(dir, dtype, model, settings, true);
    }
    if (!opened.saved) copy = undefined;
    const op = new OrtGenerator(opened.session, model.config);
    if (cached.fresh) {
      const reference = new JsLoopGenerator(await MarianModel.load(dir, dtype, settings));
      try {
        await verifyAgreement(op, reference, model, 'the wrapped model disagrees with the step-by-step loop');
      } catch (err) {
        await op.dispose();
        throw err;
      } finally {
        await reference.dispose();
      }
      if (!(await storeGenerationModel(dir, dtype, spec, cached.source as Uint8Array))) {
        await copy?.abandon();
        copy = undefined;
      }
    }
    const chosen = copy ? await switchToPrepared(op, copy, model, sessionSettings) : op;
    copy = undefined;
    return chosen;
  } catch (err) {
    await copy?.abandon();
    throw err;
  }
}
