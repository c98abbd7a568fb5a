import type { Argv, Options } from 'yargs';
import { DEFAULT_LENGTH_POLICY, longestFinishedInput } from '../../engine/decoding/guards.js';
import { DEFAULT_ENCODING, INPUT_ENCODINGS } from '../../io/decode-text.js';
import { DEFAULT_BATCH_LIMITS } from '../../pipeline/defaults.js';
import { DEFAULT_MAX_CHUNK_TOKENS, MIN_CHUNK_TOKENS } from '../../segmentation/defaults.js';
import { parseFormats } from '../output-plan.js';
import { numberOption } from '../number-options.js';
import { pathOption } from '../path-options.js';
import { INPUT_FORMATS } from '../../input/input-format.js';
import { CACHE_DIR_OPTIONS, checkCacheDir, PROGRESS_OPTIONS, engineOptionsFrom, withEngineOptions, type ArgsOf } from '../shared-options.js';
import type { CliContext } from '../context.js';
import type { TranslateRunOptions } from './translate-run.js';

/**
 * Ranges shared with `queue add`, which takes the same segmentation and batching options. Chunks end
 * where an Opus-MT model (512 positions) still finishes their translation: a larger value would be
 * lowered to that anyway (segmentation/for-translator.ts).
 */
export const MAX_CHUNK_TOKENS_RANGE = { integer: true, min: MIN_CHUNK_TOKENS, max: longestFinishedInput(DEFAULT_LENGTH_POLICY.maxPositions) } as const;
export const BATCH_TOKENS_RANGE = { integer: true, min: 1, max: 1_048_576 } as const;
export const MAX_BATCH_SIZE_RANGE = { integer: true, min: 1, max: 1024 } as const;
const FETCH_TIMEOUT_RANGE = { integer: false, min: 0, minExclusive: true, max: 3600, unit: 'seconds' } as const;

/** The translate command's own options (the engine options and --cache-dir are shared). */
export const TRANSLATE_OPTIONS = {
  'input-format': {
    type: 'string',
    requiresArg: true,
    choices: ['auto', ...INPUT_FORMATS] as const,
    default: 'auto' as const,
    describe: 'How to read the inputs (a URL is always fetched: a web page, with text as all of its visible text; a text/plain or text/markdown answer as text or Markdown, or as asked with text or md; auto: .html/.htm are web pages, .md is Markdown, .txt text; any other file is a web page when it starts <!doctype html> or <html>, else text)',
  },
  format: {
    alias: 'f',
    type: 'string',
    requiresArg: true,
    coerce: parseFormats,
    describe: 'Comma-separated: html, md, txt, json, en (English only). Default: from -o, txt to a pipe, html next to the input',
  },
  output: pathOption('-o/--output', 'a file (or - for standard output)', { alias: 'o', describe: 'Write to this file (format from its extension; - for stdout)' }),
  'out-dir': pathOption('--out-dir', 'a folder', { describe: 'Write <name>.da-en.<format> files into this directory' }),
  'fetch-timeout': numberOption('fetch-timeout', FETCH_TIMEOUT_RANGE, { default: 30, describe: 'Seconds a URL may take to fetch, redirects and body included' }),
  encoding: { type: 'string', requiresArg: true, choices: INPUT_ENCODINGS, default: DEFAULT_ENCODING, describe: 'Input encoding (auto: UTF-8, UTF-16 with a BOM, or Windows-1252 detected with a notice; latin1 is read as Windows-1252)' },
  'max-chunk-tokens': numberOption('max-chunk-tokens', MAX_CHUNK_TOKENS_RANGE, { default: DEFAULT_MAX_CHUNK_TOKENS, describe: 'Largest piece of text sent to the model at once, in tokens' }),
  'pack-sentences': { type: 'boolean', default: false, describe: 'Send several sentences per model input (faster, but Opus-MT may drop sentences)' },
  'batch-tokens': numberOption('batch-tokens', BATCH_TOKENS_RANGE, { describe: `Padded tokens per model call (batch size × longest input; default: the engine's choice, else ${DEFAULT_BATCH_LIMITS.batchTokens})` }),
  'max-batch-size': numberOption('max-batch-size', MAX_BATCH_SIZE_RANGE, {
    describe: `Most inputs per model call (default: the engine's measured choice, 8 greedy / 4 with beams inside ONNX Runtime; ${DEFAULT_BATCH_LIMITS.maxBatchSize} for the step-by-step loop)`,
  }),
  concurrency: numberOption('concurrency', { integer: true, min: 1, max: 64 }, {
    describe: 'Batches in flight at once (default: 2, one per model process; with one process, the next batch waits ready while it generates)',
  }),
  cache: { type: 'boolean', default: true, describe: 'Reuse translations of unchanged segments (--no-cache: translate everything, store nothing)' },
  ...PROGRESS_OPTIONS,
} as const satisfies Record<string, Options>;

export function translateBuilder(y: Argv) {
  return withEngineOptions(y)
    .positional('inputs', { describe: 'Danish articles: text, saved web pages (.html), Markdown (.md), http(s) URLs, or - for standard input', type: 'string', array: true, default: [] as string[] })
    .options(TRANSLATE_OPTIONS)
    .options(CACHE_DIR_OPTIONS)
    .check(checkCacheDir)
    .example('$0 article.da.txt', 'write article.da-en.html next to the input (or text to stdout when piped)')
    .example('$0 article.da.txt -o article.html', 'format from the extension')
    .example('$0 article.da.txt --format html,md,json --out-dir out/', 'several formats at once')
    .example('cat article.da.txt | $0 - --format md > article.md', 'read stdin, write stdout')
    .example('$0 a.txt b.txt c.txt --out-dir out/', 'several articles, one model load')
    .example('$0 article.da.txt --format en', 'the English text alone')
    .example('$0 https://www.dr.dk/nyheder/... --out-dir out/', 'fetch a web page and translate its article')
    .example('$0 saved-page.html --format md -o page.da-en.md', 'a saved web page; structure kept')
    .example('$0 notes.md -o notes.da-en.md', 'Markdown in, bilingual Markdown out');
}

export type TranslateArgs = ArgsOf<typeof translateBuilder>;

/** What the run needs, in the library's terms: nothing of yargs goes further than this. */
export function translateRunOptions(args: TranslateArgs): TranslateRunOptions {
  return {
    inputs: args.inputs,
    ...(args.format !== undefined ? { formats: args.format } : {}),
    ...(args.output !== undefined ? { output: args.output } : {}),
    ...(args.outDir !== undefined ? { outDir: args.outDir } : {}),
    encoding: args.encoding,
    inputFormat: args.inputFormat,
    fetchTimeout: args.fetchTimeout,
    engine: engineOptionsFrom(args),
    translation: {
      maxChunkTokens: args.maxChunkTokens,
      packSentences: args.packSentences,
      ...(args.batchTokens !== undefined ? { batchTokens: args.batchTokens } : {}),
      ...(args.maxBatchSize !== undefined ? { maxBatchSize: args.maxBatchSize } : {}),
      ...(args.concurrency !== undefined ? { concurrency: args.concurrency } : {}),
    },
    cache: args.cache ? { dir: args.cacheDir } : false,
    ...(args.progress !== undefined ? { progress: args.progress } : {}),
    quiet: args.quiet,
  };
}

export function translateCommand(yargs: Argv, ctx: CliContext) {
  return yargs.command(['$0 [inputs..]', 'translate [inputs..]'], 'Translate Danish articles into side-by-side bilingual files', translateBuilder, (argv) =>
    ctx.run(argv, async () => {
      const { runTranslate } = await import('./translate-run.js');
      return runTranslate(translateRunOptions(argv), ctx);
    }),
  );
}
