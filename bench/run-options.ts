/**
 * The throughput benchmark's arguments, checked before anything runs: `--dtypes fp16` or `-n abc`
 * started a run of many minutes (yargs read "abc" as NaN, and an unknown dtype failed only once its
 * model was loaded), where one line and exit 2 say what is wrong at once.
 */
import yargs from 'yargs';
import type { Dtype } from '../src/engine/dtype.js';

export class BenchUsageError extends Error {}

export interface BenchArgs {
  n: number;
  'naive-n': number;
  rounds: number;
  'seed-runs': number;
  dtypes: Dtype[];
  'batch-sizes': number[];
  model: string | undefined;
  json: boolean;
}

const DTYPES: readonly Dtype[] = ['q8', 'fp32'];
// Read as typed (yargs would read "1e3" as 1000 and "abc" as NaN): a whole number, 1 or more.
const COUNT = /^[1-9]\d{0,8}$/;

const flag = (name: string) => `${name.length === 1 ? '-' : '--'}${name}`;

function count(name: string, raw: unknown): number {
  const text = String(raw);
  if (Array.isArray(raw)) throw new BenchUsageError(`${flag(name)} was given more than once; give it once`);
  if (!COUNT.test(text)) throw new BenchUsageError(`${flag(name)} must be a whole number of 1 or more; got ${JSON.stringify(text)}`);
  return Number(text);
}

function list(name: string, raw: unknown): string[] {
  if (Array.isArray(raw)) throw new BenchUsageError(`--${name} was given more than once; give it once`);
  const items = String(raw).split(',');
  if (items.some((item) => item === '')) throw new BenchUsageError(`--${name} needs comma-separated values without empty ones; got ${JSON.stringify(String(raw))}`);
  if (new Set(items).size !== items.length) throw new BenchUsageError(`--${name} names a value twice: ${JSON.stringify(String(raw))}`);
  return items;
}

/** The arguments (without node and the script), or a BenchUsageError whose message is one line. */
export function readBenchArgs(argv: readonly string[]): BenchArgs {
  const args = yargs([...argv])
    .parserConfiguration({ 'parse-numbers': false })
    .option('n', { type: 'string', default: '96', requiresArg: true, describe: 'FLORES dev sentences per round' })
    .option('naive-n', { type: 'string', default: '24', requiresArg: true, describe: 'sentences for the naive Transformers.js pipeline' })
    .option('rounds', { type: 'string', default: '3', requiresArg: true, describe: 'interleaved rounds (medians are reported)' })
    .option('seed-runs', { type: 'string', default: '3', requiresArg: true, describe: 'CLI runs on the seed article per configuration' })
    .option('dtypes', { type: 'string', default: 'q8,fp32', requiresArg: true, describe: `comma-separated: ${DTYPES.join(', ')}` })
    .option('batch-sizes', { type: 'string', default: '', describe: 'also time the op at these largest batch sizes (comma-separated)' })
    .option('model', { type: 'string', requiresArg: true, describe: 'model directory (default: build the echo-opus-da-en preset)' })
    .option('json', { type: 'boolean', default: false })
    .strict()
    .fail((msg: string | null, err: Error | undefined) => {
      throw new BenchUsageError((msg ?? err?.message ?? 'bad arguments').split('\n')[0]);
    })
    .parseSync();
  const dtypes = list('dtypes', args.dtypes);
  const unknown = dtypes.find((d) => !(DTYPES as readonly string[]).includes(d));
  if (unknown !== undefined) throw new BenchUsageError(`--dtypes: unknown dtype ${JSON.stringify(unknown)}; choose from ${DTYPES.join(', ')}`);
  const batch = args['batch-sizes'];
  if (args.model === '') throw new BenchUsageError('--model needs a folder; got an empty value');
  return {
    n: count('n', args.n),
    'naive-n': count('naive-n', args['naive-n']),
    rounds: count('rounds', args.rounds),
    'seed-runs': count('seed-runs', args['seed-runs']),
    dtypes: dtypes as Dtype[],
    'batch-sizes': batch === '' ? [] : list('batch-sizes', batch).map((b) => count('batch-sizes', b)),
    model: args.model,
    json: args.json,
  };
}
