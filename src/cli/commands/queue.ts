import type { Argv } from 'yargs';
import type { InputEncoding } from '../../io/decode-text.js';
import { withEngineOptions, type CommonArgs } from '../shared-options.js';
import type { CliContext } from '../context.js';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export interface QueueConnectionArgs {
  redis: string;
  queue: string;
  quiet: boolean;
  verbose: boolean;
}

export interface QueueAddArgs extends QueueConnectionArgs, CommonArgs {
  inputs: string[];
  outDir?: string;
  outStore?: 'redis';
  format?: string;
  name?: string;
  encoding: InputEncoding;
  maxChunkTokens: number;
  packSentences: boolean;
  batchTokens: number;
  maxBatchSize: number;
  attempts: number;
}

export interface QueueStatusArgs extends QueueConnectionArgs {
  watch: boolean;
  json: boolean;
  interval: number;
}

export interface QueueResultsArgs extends QueueConnectionArgs {
  outDir: string;
}

/** --redis and --queue: where the queue lives (shared by `queue …` and `worker`). */
export function withQueueOptions<T>(y: Argv<T>) {
  return y
    .option('redis', { type: 'string', default: process.env['DA2EN_REDIS_URL'] || DEFAULT_REDIS_URL, describe: 'Redis URL of the queue (default: $DA2EN_REDIS_URL, else redis://127.0.0.1:6379)' })
    .option('queue', { type: 'string', default: 'da2en', describe: 'Queue name (one queue per model and settings)' });
}

/** --quiet and --verbose for the queue commands that load no model (withEngineOptions has them otherwise). */
function withVerbosity<T>(y: Argv<T>) {
  return y
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'No progress or notices on stderr' })
    .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'Details on stderr, and stack traces on errors' });
}

export function queueCommand(yargs: Argv, ctx: CliContext) {
  return yargs.command('queue <command>', 'Translate a collection through a job queue (BullMQ on Redis) with workers on several machines', (y) =>
    y
      .command(
        'add <inputs..>',
        'Queue one job per article (files, folders searched for .txt/.md files, or - for standard input)',
        (a) =>
          withQueueOptions(withEngineOptions(a))
            .positional('inputs', { type: 'string', array: true, describe: 'Danish text files, folders, or - for standard input' })
            .option('out-dir', { type: 'string', describe: 'Folder the workers write <name>.da-en.<format> into (must be the same path on every worker machine)' })
            .option('out-store', { type: 'string', choices: ['redis'] as const, describe: 'Keep the outputs in Redis; write them later with "da2en queue results --out-dir DIR"' })
            .option('format', { alias: 'f', type: 'string', describe: 'Comma-separated: html, md, txt, json, en (default html)' })
            .option('name', { type: 'string', describe: 'Name of the article read from standard input (default: stdin)' })
            .option('encoding', { type: 'string', choices: ['auto', 'utf8', 'latin1', 'utf16le', 'utf16be'] as const, default: 'auto' as const, describe: 'Input encoding (auto: UTF-8, or UTF-16 with a BOM)' })
            .option('max-chunk-tokens', { type: 'number', default: 256, describe: 'Largest piece of text sent to the model at once, in tokens' })
            .option('pack-sentences', { type: 'boolean', default: false, describe: 'Send several sentences per model input' })
            .option('batch-tokens', { type: 'number', default: 4096, describe: 'Padded tokens per model call' })
            .option('max-batch-size', { type: 'number', default: 32, describe: 'Most inputs per model call' })
            .option('attempts', { type: 'number', default: 3, describe: 'Tries per article before it fails for good (bad input fails at once)' })
            .example('$0 queue add archive/ --out-dir /mnt/shared/out --redis redis://queue-host:6379', 'queue a folder of articles')
            .example('$0 queue add *.txt --out-store redis', 'keep the outputs in Redis'),
        async (argv) => {
          const { runQueueAdd } = await import('./queue-run.js');
          ctx.exitCode = await runQueueAdd(argv as unknown as QueueAddArgs, ctx);
        },
      )
      .command(
        'status',
        'Waiting, active, completed and failed articles, throughput and ETA',
        (s) =>
          withVerbosity(withQueueOptions(s))
            .option('watch', { alias: 'w', type: 'boolean', default: false, describe: 'Keep showing progress (a bar over completed/total with an ETA) until the queue is drained' })
            .option('interval', { type: 'number', default: 1, describe: 'Seconds between updates with --watch' })
            .option('json', { type: 'boolean', default: false, describe: 'Counts as JSON (one object)' }),
        async (argv) => {
          const { runQueueStatus } = await import('./queue-run.js');
          ctx.exitCode = await runQueueStatus(argv as unknown as QueueStatusArgs, ctx);
        },
      )
      .command(
        'results',
        'Write the finished bilingual files kept in Redis (jobs added with --out-store redis)',
        (r) => withVerbosity(withQueueOptions(r)).option('out-dir', { type: 'string', demandOption: true, describe: 'Folder to write the files into' }),
        async (argv) => {
          const { runQueueResults } = await import('./queue-run.js');
          ctx.exitCode = await runQueueResults(argv as unknown as QueueResultsArgs, ctx);
        },
      )
      .demandCommand(1, 'name a queue command: add, status or results'),
  );
}
