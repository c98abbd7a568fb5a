import type { Argv } from 'yargs';
import type { EngineOptions } from '../engine/load-translator.js';
import type { Dtype } from '../engine/marian-model.js';
import { DEFAULT_MODEL_ID } from '../engine/model-store/index.js';

export interface CommonArgs {
  model: string;
  modelsDir?: string;
  offline: boolean;
  dtype: Dtype;
  beams: number;
  threads?: number;
  quiet: boolean;
  verbose: boolean;
}

/** Options every command that loads a model shares; the names are a contract other tools use. */
export function withEngineOptions<T>(y: Argv<T>) {
  return y
    .option('model', { alias: 'm', type: 'string', default: DEFAULT_MODEL_ID, describe: 'Hub model id (downloaded into the models directory) or a local model directory' })
    .option('models-dir', { type: 'string', describe: 'Where downloaded models live (default: the project\'s models/, or $DA2EN_MODELS_DIR)' })
    .option('offline', { type: 'boolean', default: false, describe: 'Never download; fail with a clear message if the model is missing' })
    .option('dtype', { type: 'string', choices: ['q8', 'fp32'] as const, default: 'q8' as const, describe: 'Model weights: q8 (int8, faster, smaller) or fp32' })
    .option('beams', { type: 'number', default: 1, describe: 'Beam width (1 = greedy, fastest; 4 = the quality setting)' })
    .option('threads', { type: 'number', describe: 'ONNX Runtime threads (default: all cores)' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'No progress bars or notices on stderr' })
    .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'Details on stderr, and stack traces on errors' });
}

export function engineOptionsFrom(args: CommonArgs): EngineOptions {
  return {
    model: args.model,
    ...(args.modelsDir !== undefined ? { modelsDir: args.modelsDir } : {}),
    offline: args.offline,
    dtype: args.dtype,
    beams: args.beams,
    ...(args.threads !== undefined ? { threads: args.threads } : {}),
  };
}
