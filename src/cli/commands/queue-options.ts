/** The queue commands' options (apart from their work, so the work module can take their types without a cycle). */
import type { Argv } from 'yargs';
import { INPUT_ENCODINGS } from '../../io/decode-text.js';
import { withEngineOptions, VERBOSITY_OPTIONS, type ArgsOf } from '../shared-options.js';
import { numberOption } from '../number-options.js';
import { pathOption, textOption } from '../path-options.js';
import { parseFormats } from '../output-plan.js';
import { BATCH_TOKENS_RANGE, MAX_BATCH_SIZE_RANGE, MAX_CHUNK_TOKENS_RANGE } from './translate.js';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** --redis and --queue: where the queue lives (shared by `queue …` and `worker`). */
export function withQueueOptions<T>(y: Argv<T>) {
  return y
    // An empty --redis would be ioredis' localhost, an empty --queue a BullMQ error and a hang: both refused.
    .option('redis', textOption('--redis', 'a Redis URL', { default: process.env['DA2EN_REDIS_URL'] || DEFAULT_REDIS_URL, describe: 'Redis URL of the queue (default: $DA2EN_REDIS_URL, else redis://127.0.0.1:6379)' }))
    .option('queue', textOption('--queue', 'a queue name', { default: 'da2en', describe: 'Queue name (one queue per model and settings)' }));
}

/** --quiet and --verbose for the queue commands that load no model (withEngineOptions has them otherwise). */
function withVerbosity<T>(y: Argv<T>) {
  return y.options(VERBOSITY_OPTIONS);
}

export function addBuilder(a: Argv) {
  return withQueueOptions(withEngineOptions(a))
    // Optional to yargs, which counts inputs before the words after `--` are added to them
    // (takeWordsAfterDashDash); checked here, after they are.
    .positional('inputs', { type: 'string', array: true, default: [] as string[], describe: 'Danish text files, folders, or - for standard input' })
    .check((argv) => (argv.inputs.length > 0 ? true : 'queue add needs an input: a file, a folder, or - for standard input'))
    .option('out-dir', pathOption('--out-dir', 'a folder', { describe: 'Folder the workers write <name>.da-en.<format> into (must be the same path on every worker machine)' }))
    .option('out-store', { type: 'string', requiresArg: true, choices: ['redis'] as const, describe: 'Keep the outputs in Redis; write them later with "da2en queue results --out-dir DIR"' })
    .option('format', { alias: 'f', type: 'string', requiresArg: true, coerce: parseFormats, describe: 'Comma-separated: html, md, txt, json, en (default html)' })
    .option('name', textOption('--name', 'a name', { describe: 'Name of the article read from standard input (default: stdin)' }))
    .option('input-format', {
      type: 'string',
      requiresArg: true,
      // The translate command's, less url: a queued article is bytes.
      choices: ['auto', 'text', 'html', 'md'] as const,
      default: 'auto' as const,
      describe: 'How the workers read the articles, as the translate command does (auto: .html/.htm and pages starting <!doctype html> or <html> are web pages; .md is Markdown; else text)',
    })
    .option('encoding', { type: 'string', requiresArg: true, choices: INPUT_ENCODINGS, default: 'auto' as const, describe: 'Input encoding (auto: UTF-8, UTF-16 with a BOM, or Windows-1252 detected with a notice; latin1 is read as Windows-1252)' })
    .option('max-chunk-tokens', numberOption('max-chunk-tokens', MAX_CHUNK_TOKENS_RANGE, { default: 256, describe: 'Largest piece of text sent to the model at once, in tokens' }))
    .option('pack-sentences', { type: 'boolean', default: false, describe: 'Send several sentences per model input' })
    .option('batch-tokens', numberOption('batch-tokens', BATCH_TOKENS_RANGE, { default: 4096, describe: 'Padded tokens per model call' }))
    .option('max-batch-size', numberOption('max-batch-size', MAX_BATCH_SIZE_RANGE, { default: 32, describe: 'Most inputs per model call' }))
    .option('attempts', numberOption('attempts', { integer: true, min: 1, max: 100 }, { default: 3, describe: 'Tries per article before it fails for good (bad input fails at once)' }))
    .example('$0 queue add archive/ --out-dir /mnt/shared/out --redis redis://queue-host:6379', 'queue a folder of articles')
    .example('$0 queue add *.txt --out-store redis', 'keep the outputs in Redis');
}

export function statusBuilder(s: Argv) {
  return withVerbosity(withQueueOptions(s))
    .option('watch', { alias: 'w', type: 'boolean', default: false, describe: 'Keep showing progress (a bar over completed/total with an ETA) until the queue is drained' })
    .option('interval', numberOption('interval', { integer: false, min: 0, minExclusive: true, max: 3600, unit: 'seconds' }, { default: 1, describe: 'Seconds between updates with --watch' }))
    .option('json', { type: 'boolean', default: false, describe: 'Counts as JSON (one object)' });
}

export function resultsBuilder(r: Argv) {
  return withVerbosity(withQueueOptions(r)).option('out-dir', pathOption('--out-dir', 'a folder', { demandOption: true, describe: 'Folder to write the files into' }));
}

export type QueueAddArgs = ArgsOf<typeof addBuilder>;
export type QueueStatusArgs = ArgsOf<typeof statusBuilder>;
export type QueueResultsArgs = ArgsOf<typeof resultsBuilder>;

