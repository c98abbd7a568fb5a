/**
 * The model work a translate command line will ask for, read from its words before yargs and the
 * command's modules have loaded: bin.ts hands it to the model process started ahead, which opens the
 * model while the CLI is still starting (worker-generator.ts, openAhead). The seed article's model
 * was otherwise asked for only once the CLI had parsed its options and read its input, about 0.6 s
 * into the run, and took about 0.9 s to open from there.
 *
 * Read conservatively, with the command's own option definitions: anything unsure (an unknown
 * option, one given twice, a cluster of short options, a URL, input whose length does not settle
 * the number of model processes, a model not yet on disk) gives no guess, and the model opens as
 * before. A guess is never trusted: the model process serves only the exact work it was given
 * ahead, so a wrong one costs a process ended unused.
 */
import { statSync } from 'node:fs';
import type { Options } from 'yargs';
import type { Dtype } from '../engine/dtype.js';
import { DEFAULT_DTYPE } from '../engine/defaults.js';
import type { EngineKind } from '../engine/generation/open-generator.js';
import { TWO_PROCESSES_FROM_CHARACTERS, processesForWork } from '../engine/generation/thread-plan.js';
import type { WorkerInit } from '../engine/generation/worker-protocol.js';
import { defaultModelsDir, locateModel } from '../engine/model-store/locate.js';
import { DEFAULT_MODEL_ID, QUALITY_MODELS, missingFiles, type Quality } from '../engine/model-store/model-files.js';
import { TRANSLATE_OPTIONS } from './commands/translate.js';
import { kebab } from './option-words.js';
import { expandHome } from './path-options.js';
import { CACHE_DIR_OPTIONS, ENGINE_OPTIONS, VERBOSITY_OPTIONS } from './shared-options.js';

/** The options of the translate command (translateBuilder's), with yargs' own two. */
const TRANSLATE_TABLE: Record<string, Options> = {
  ...ENGINE_OPTIONS,
  ...VERBOSITY_OPTIONS,
  ...TRANSLATE_OPTIONS,
  ...CACHE_DIR_OPTIONS,
  help: { type: 'boolean' },
  version: { type: 'boolean' },
};

const OTHER_COMMANDS = new Set(['model', 'eval', 'cache', 'serve', 'queue', 'worker', 'help', 'completion']);

interface Words {
  /** Each option given, by its declared name: its value as typed, or true/false for an on/off option. */
  options: Map<string, string | boolean>;
  positionals: string[];
}

/** The words read as yargs reads them (`parse-numbers` off), or undefined where this reader is unsure. */
export function readWords(args: readonly string[], table: Record<string, Options> = TRANSLATE_TABLE): Words | undefined {
  const canonical = new Map<string, string>();
  for (const [name, option] of Object.entries(table)) {
    const aliases = option.alias === undefined ? [] : Array.isArray(option.alias) ? option.alias : [option.alias];
    for (const spelling of [name, ...aliases]) canonical.set(kebab(spelling), name);
  }
  const options = new Map<string, string | boolean>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    // Every word after `--` is an input (main.ts adds them to the inputs: takeWordsAfterDashDash).
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    // A cluster (-qv), a value run into its letter (-ofile) or a negative number: yargs' to read.
    if (!arg.startsWith('--') && arg.length !== 2) return undefined;
    const [spelled, inline] = arg.startsWith('--') ? splitInline(arg.slice(2)) : [arg.slice(1), undefined];
    let name = canonical.get(kebab(spelled));
    let negated = false;
    if (name === undefined && kebab(spelled).startsWith('no-')) {
      name = canonical.get(kebab(spelled).slice(3));
      negated = true;
    }
    if (name === undefined || options.has(name)) return undefined;
    const option = table[name]!;
    if (option.array) return undefined;
    if (option.type === 'boolean') {
      if (negated) {
        if (inline !== undefined) return undefined;
        options.set(name, false);
      } else if (inline !== undefined) {
        if (inline !== 'true' && inline !== 'false') return undefined;
        options.set(name, inline === 'true');
      } else if (args[i + 1] === 'true' || args[i + 1] === 'false') {
        options.set(name, args[++i] === 'true');
      } else {
        options.set(name, true);
      }
      continue;
    }
    if (negated) return undefined;
    const value = inline ?? args[++i];
    if (value === undefined || (inline === undefined && value.startsWith('-') && value !== '-')) return undefined;
    options.set(name, value);
  }
  return { options, positionals };
}

function splitInline(word: string): [string, string | undefined] {
  const at = word.indexOf('=');
  return at < 0 ? [word, undefined] : [word.slice(0, at), word.slice(at + 1)];
}

/** Characters the inputs can hold at most (their sizes in bytes), or undefined if unknown. */
function inputBytes(inputs: readonly string[], inputFormat: string | undefined): number | undefined {
  let bytes = 0;
  for (const input of inputs) {
    if (input === '-') {
      // Standard input read as text counts as one article (translate-run.ts); a page or Markdown
      // piped in counts as its text, which is known only once it has been read.
      if (inputFormat !== undefined && inputFormat !== 'auto' && inputFormat !== 'text') return undefined;
      continue;
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(input)) return undefined;
    try {
      const stats = statSync(input);
      if (!stats.isFile()) return undefined;
      bytes += stats.size;
    } catch {
      return undefined;
    }
  }
  return bytes;
}

function positiveInteger(text: string | boolean | undefined): number | undefined | null {
  if (text === undefined) return undefined;
  return typeof text === 'string' && /^\d+$/.test(text.trim()) && Number(text) > 0 ? Number(text) : null;
}

/**
 * The work MarianTranslator.load will give the first model process for this command line (see
 * loadTranslator and translate-run.ts), or undefined where that is not certain from the words.
 */
export function workAhead(args: readonly string[], env: NodeJS.ProcessEnv = process.env): WorkerInit | undefined {
  const words = readWords(args);
  if (!words) return undefined;
  const { options, positionals } = words;
  const command = positionals[0];
  if (command !== undefined && OTHER_COMMANDS.has(command)) return undefined;
  const inputs = command === 'translate' ? positionals.slice(1) : positionals;
  // No input is a usage error (output-plan.ts): no model opens.
  if (inputs.length === 0) return undefined;
  const text = (name: string) => {
    const value = options.get(name);
    return typeof value === 'string' ? value : undefined;
  };
  // As the parse will read them (path-options.ts): `--model=~/x` is a folder in the home folder.
  const pathText = (name: string) => {
    const value = text(name);
    return value === undefined ? undefined : expandHome(value);
  };
  if (options.get('help') === true || options.get('version') === true) return undefined;

  const threads = positiveInteger(options.get('threads'));
  const given = positiveInteger(options.get('model-processes'));
  if (threads === null || given === null) return undefined;
  // With no count given, the input's length decides: certain only below the two-process threshold.
  let replicas = given;
  if (replicas === undefined) {
    const bytes = inputBytes(inputs, text('input-format'));
    if (bytes === undefined || bytes >= TWO_PROCESSES_FROM_CHARACTERS) return undefined;
    replicas = processesForWork(bytes);
  }

  const quality = text('quality');
  if (quality !== undefined && !(quality in QUALITY_MODELS)) return undefined;
  const model = quality !== undefined ? QUALITY_MODELS[quality as Quality] : (pathText('model') ?? DEFAULT_MODEL_ID);
  const dtype = (text('dtype') ?? DEFAULT_DTYPE) as Dtype;
  const engine = (text('engine') ?? 'auto') as EngineKind;
  if (!(ENGINE_OPTIONS.dtype.choices as readonly string[]).includes(dtype) || !(ENGINE_OPTIONS.engine.choices as readonly string[]).includes(engine)) return undefined;
  const location = locateModel(model, pathText('models-dir') ?? defaultModelsDir(env));
  // A model still to download or convert is opened once it is there.
  if (missingFiles(location.dir, dtype).length > 0) return undefined;
  return { dir: location.dir, dtype, engine, ...(threads ? { intraOpThreads: threads } : {}), ...(replicas ? { replicas } : {}) };
}
