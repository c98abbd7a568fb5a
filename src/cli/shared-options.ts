/**
 * Options more than one command takes, each defined once. Their names are a contract other tools
 * use; their defaults come from the library (one definition each), and the argument types of every
 * command are inferred from these definitions by yargs (no hand-kept interfaces, no casts).
 * Every option that takes a value says `requiresArg`: without it, yargs hands an option written with
 * no value (`--dtype` last on the line, or before another option) its default, in silence.
 */
import type { Argv, ArgumentsCamelCase, InferredOptionTypes, Options } from 'yargs';
import { DEFAULT_BEAMS, DEFAULT_DTYPE, DTYPES, ENGINES, MAX_BEAMS } from '../engine/defaults.js';
import { MAX_REPLICAS } from '../engine/generation/thread-plan.js';
import type { EngineOptions } from '../engine/load-translator.js';
import { DEFAULT_MODEL_ID, QUALITY_MODELS } from '../engine/model-store/model-files.js';
import { numberOption } from './number-options.js';
import { pathOption } from './path-options.js';

/** The model and how to run it: every command that loads a model. */
export const ENGINE_OPTIONS = {
  // No yargs default: --quality refuses a --model that was given, the default's id included, and a default would hide whether it was.
  model: pathOption('--model', 'a hub model id or a model folder', { alias: 'm', defaultDescription: JSON.stringify(DEFAULT_MODEL_ID), describe: 'Hub model id (downloaded into the models directory; Helsinki-NLP checkpoints are converted on first use) or a local model directory' }),
  quality: { type: 'string', requiresArg: true, choices: ['fast', 'best'] as const, describe: `fast = ${QUALITY_MODELS.fast}; best = ${QUALITY_MODELS.best} (transformer-big, converted on first use); instead of --model` },
  'keep-source': { type: 'boolean', default: false, describe: 'When a hub checkpoint is converted, keep its raw files (<model>.checkpoint) instead of removing them' },
  'models-dir': pathOption('--models-dir', 'a folder', { describe: "Where downloaded models live (default: the project's models/, or $DA2EN_MODELS_DIR)" }),
  offline: { type: 'boolean', default: false, describe: 'Never download; fail with a clear message if the model is missing' },
  dtype: { type: 'string', requiresArg: true, choices: DTYPES, default: DEFAULT_DTYPE, describe: 'Model weights: q8 (int8, faster, smaller) or fp32' },
  beams: numberOption('beams', { integer: true, min: 1, max: MAX_BEAMS }, { default: DEFAULT_BEAMS, describe: 'Beam width (1 = greedy, fastest; 4 = the quality setting)' }),
  engine: { type: 'string', requiresArg: true, choices: ENGINES, default: 'auto', describe: 'Where generation runs: auto (inside ONNX Runtime, else the step-by-step loop with a notice), ort, or js (the loop)' },
  threads: numberOption('threads', { integer: true, min: 1, max: 256 }, { describe: 'CPU threads for the model in all (2 or more: two model processes sharing them; default: the free cores)' }),
  'model-processes': numberOption('model-processes', { integer: true, min: 1, max: MAX_REPLICAS }, {
    describe: 'Model processes at most, each translating its own batch (default: 2 where two cores or more are free and there are 10,000 characters or more to translate; 1 halves the memory; serve always runs 1)',
  }),
} as const satisfies Record<string, Options>;

/** How much goes to stderr. main.ts also reads these before parsing, for errors in parsing itself. */
export const VERBOSITY_OPTIONS = {
  quiet: { alias: 'q', type: 'boolean', default: false, describe: 'No progress bars or notices on stderr' },
  verbose: { alias: 'v', type: 'boolean', default: false, describe: 'Details on stderr, and stack traces on errors' },
} as const satisfies Record<string, Options>;

/** Progress bars: every command that translates or downloads. */
export const PROGRESS_OPTIONS = {
  progress: { type: 'boolean', describe: 'Progress on stderr (default: when stderr is a terminal and not --quiet; to a log file, a line every 2 s)' },
} as const satisfies Record<string, Options>;

/** The translation memory's folder: `translate` and `cache`. */
export const CACHE_DIR_OPTIONS = {
  'cache-dir': pathOption('--cache-dir', 'a folder', { describe: 'Translation memory folder (default: $DA2EN_CACHE_DIR, else $XDG_CACHE_HOME/da2en, else ~/.cache/da2en)' }),
} as const satisfies Record<string, Options>;

/** `--no-cache --cache-dir X` names a memory and refuses it: asked which one is meant, as other contradictions are. */
export function checkCacheDir(argv: { cache?: unknown; cacheDir?: unknown }): string | true {
  return argv.cache === false && argv.cacheDir !== undefined ? '--no-cache and --cache-dir say opposite things (--no-cache uses no translation memory); give one of them' : true;
}

/** The engine options and verbosity, added to a command's parser. */
export function withEngineOptions<T>(y: Argv<T>) {
  return y
    .options(ENGINE_OPTIONS)
    .options(VERBOSITY_OPTIONS)
    .check((argv) => (argv.quality !== undefined && argv.model !== undefined ? '--quality and --model both name a model: give one of them' : true));
}

/** The model the arguments name: --quality's, else --model, else the default. */
export function modelFrom(args: Pick<EngineArgs, 'model' | 'quality'>): string {
  return args.quality ? QUALITY_MODELS[args.quality] : (args.model ?? DEFAULT_MODEL_ID);
}

/** The parsed arguments a command's builder declares (camel-cased, as the handler gets them). */
export type ArgsOf<B extends (y: Argv) => Argv<unknown>> = ReturnType<B> extends Argv<infer T> ? ArgumentsCamelCase<T> : never;

export type EngineArgs = ArgumentsCamelCase<InferredOptionTypes<typeof ENGINE_OPTIONS>>;

/** The library's engine options from the parsed arguments. */
export function engineOptionsFrom(args: EngineArgs): EngineOptions {
  return {
    model: modelFrom(args),
    // --model has no yargs default, so a value here was typed (the default and --quality's are not).
    modelTyped: args.model !== undefined,
    keepSource: args.keepSource,
    ...(args.modelsDir !== undefined ? { modelsDir: args.modelsDir } : {}),
    offline: args.offline,
    dtype: args.dtype,
    beams: args.beams,
    engine: args.engine,
    ...(args.threads !== undefined ? { threads: args.threads } : {}),
    ...(args.modelProcesses !== undefined ? { modelProcesses: args.modelProcesses } : {}),
  };
}
