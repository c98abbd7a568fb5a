import type { Argv, Options } from 'yargs';
import { DEFAULT_ENCODING, INPUT_ENCODINGS } from '../../io/decode-text.js';
import { DEFAULT_BATCH_LIMITS, DEFAULT_CONCURRENCY } from '../../pipeline/translate-document.js';
import { DEFAULT_MAX_CHUNK_TOKENS } from '../../segmentation/for-translator.js';
import { parseFormats } from '../output-plan.js';
import { CACHE_DIR_OPTIONS, engineOptionsFrom, withEngineOptions, type ArgsOf } from '../shared-options.js';
import type { CliContext } from '../context.js';
import type { TranslateRunOptions } from './translate-run.js';

/** The translate command's own options (the engine options and --cache-dir are shared). */
export const TRANSLATE_OPTIONS = {
  format: { alias: 'f', type: 'string', describe: 'Comma-separated: html, md, txt, json, en (English only). Default: from -o, txt to a pipe, html next to the input' },
  output: { alias: 'o', type: 'string', describe: 'Write to this file (format from its extension; - for stdout)' },
  'out-dir': { type: 'string', describe: 'Write <name>.da-en.<format> files into this directory' },
  encoding: { type: 'string', choices: INPUT_ENCODINGS, default: DEFAULT_ENCODING, describe: 'Input encoding (auto: UTF-8, or UTF-16 with a BOM)' },
  'max-chunk-tokens': { type: 'number', default: DEFAULT_MAX_CHUNK_TOKENS, describe: 'Largest piece of text sent to the model at once, in tokens' },
  'pack-sentences': { type: 'boolean', default: false, describe: 'Send several sentences per model input (faster, but Opus-MT may drop sentences)' },
  'batch-tokens': { type: 'number', default: DEFAULT_BATCH_LIMITS.batchTokens, describe: 'Padded tokens per model call (batch size × longest input)' },
  'max-batch-size': { type: 'number', default: DEFAULT_BATCH_LIMITS.maxBatchSize, describe: 'Most inputs per model call' },
  concurrency: {
    type: 'number',
    default: DEFAULT_CONCURRENCY,
    describe: 'Batches in flight at once (model calls still run one at a time: ONNX Runtime blocks the JavaScript thread)',
  },
  cache: { type: 'boolean', default: true, describe: 'Reuse translations of unchanged segments (--no-cache: translate everything, store nothing)' },
  progress: { type: 'boolean', describe: 'Progress on stderr (default: when stderr is a terminal and not --quiet; to a log file, a line every 2 s)' },
} as const satisfies Record<string, Options>;

export function translateBuilder(y: Argv) {
  return withEngineOptions(y)
    .positional('inputs', { describe: 'Danish text files, or - for standard input', type: 'string', array: true, default: [] as string[] })
    .options(TRANSLATE_OPTIONS)
    .options(CACHE_DIR_OPTIONS)
    .example('$0 article.da.txt', 'write article.da-en.html next to the input (or text to stdout when piped)')
    .example('$0 article.da.txt -o article.html', 'format from the extension')
    .example('$0 article.da.txt --format html,md,json --out-dir out/', 'several formats at once')
    .example('cat article.da.txt | $0 - --format md > article.md', 'read stdin, write stdout')
    .example('$0 a.txt b.txt c.txt --out-dir out/', 'several articles, one model load')
    .example('$0 article.da.txt --format en', 'the English text alone');
}

export type TranslateArgs = ArgsOf<typeof translateBuilder>;

/** What the run needs, in the library's terms: nothing of yargs goes further than this. */
export function translateRunOptions(args: TranslateArgs): TranslateRunOptions {
  return {
    inputs: args.inputs,
    ...(args.format !== undefined ? { formats: parseFormats(args.format) } : {}),
    ...(args.output !== undefined ? { output: args.output } : {}),
    ...(args.outDir !== undefined ? { outDir: args.outDir } : {}),
    encoding: args.encoding,
    engine: engineOptionsFrom(args),
    translation: {
      maxChunkTokens: args.maxChunkTokens,
      packSentences: args.packSentences,
      batchTokens: args.batchTokens,
      maxBatchSize: args.maxBatchSize,
      concurrency: args.concurrency,
    },
    cache: args.cache ? { dir: args.cacheDir } : false,
    ...(args.progress !== undefined ? { progress: args.progress } : {}),
    quiet: args.quiet,
  };
}

export function translateCommand(yargs: Argv, ctx: CliContext) {
  return yargs.command(['$0 [inputs..]', 'translate [inputs..]'], 'Translate Danish articles into side-by-side bilingual files', translateBuilder, async (argv) => {
    const { runTranslate } = await import('./translate-run.js');
    ctx.exitCode = await runTranslate(translateRunOptions(argv), ctx);
  });
}
