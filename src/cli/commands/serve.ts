import type { Argv, Options } from 'yargs';
import { DEFAULT_BATCH_LIMITS } from '../../pipeline/defaults.js';
import { SERVER_DEFAULTS } from '../../server/defaults.js';
import { CACHE_DIR_OPTIONS, checkCacheDir, engineOptionsFrom, withEngineOptions, type ArgsOf } from '../shared-options.js';
import type { CliContext } from '../context.js';
import { numberOption } from '../number-options.js';
import { pathOption, textOption } from '../path-options.js';
import { BATCH_TOKENS_RANGE, MAX_BATCH_SIZE_RANGE } from './translate.js';
import type { ServeRunOptions } from './serve-run.js';

/** The serve command's own options (the engine options and --cache-dir are shared). */
export const SERVE_OPTIONS = {
  // Empty would be Node's "every interface": `--host "$HOST"` with HOST unset must not expose the server.
  host: textOption('--host', 'an address to listen on', { default: '127.0.0.1', describe: 'Address to listen on (0.0.0.0 exposes the server to your network)' }),
  port: numberOption('port', { integer: true, min: 0, max: 65535 }, { default: 5000, describe: 'Port to listen on (0: any free port)' }),
  'api-keys': pathOption('--api-keys', 'a file', { describe: 'File with one accepted API key per line; translation endpoints then need one (api_key)' }),
  'char-limit': numberOption('char-limit', { integer: true, min: 1, max: 100_000_000, special: { value: -1, means: 'no limit' } }, { default: SERVER_DEFAULTS.charLimit, describe: 'Most characters of text per request' }),
  'max-queue': numberOption('max-queue', { integer: true, min: 1, max: 100_000 }, { default: SERVER_DEFAULTS.maxQueue, describe: 'Most requests translating or waiting at once; more get 429 with Retry-After' }),
  timeout: numberOption('timeout', { integer: false, min: 0, minExclusive: true, max: 86_400, unit: 'seconds' }, { default: SERVER_DEFAULTS.requestTimeoutMs / 1000, describe: 'Seconds a request may take before it is cancelled (503)' }),
  cors: { type: 'string', requiresArg: true, describe: 'Let web pages from this origin call the API (CORS is off without it)' },
  fetch: { type: 'boolean', default: true, describe: 'Accept URLs in /v1/articles (--no-fetch: never fetch anything)' },
  'allow-private-fetch': { type: 'boolean', default: false, describe: 'Let URL input reach private, loopback and link-local addresses' },
  cache: { type: 'boolean', default: true, describe: 'Share the translation memory (--no-cache: translate everything, store nothing)' },
  'batch-tokens': numberOption('batch-tokens', BATCH_TOKENS_RANGE, { default: DEFAULT_BATCH_LIMITS.batchTokens, describe: 'Padded tokens per model call (batch size × longest input)' }),
  'max-batch-size': numberOption('max-batch-size', MAX_BATCH_SIZE_RANGE, { default: DEFAULT_BATCH_LIMITS.maxBatchSize, describe: 'Most sentences per model call, from all requests together' }),
  'shutdown-grace': numberOption('shutdown-grace', { integer: false, min: 0, max: 3600, unit: 'seconds' }, { default: 10, describe: 'Seconds requests in flight may finish after SIGTERM before they are cancelled' }),
} as const satisfies Record<string, Options>;

export function serveBuilder(y: Argv) {
  return withEngineOptions(y)
    .options(SERVE_OPTIONS)
    .options(CACHE_DIR_OPTIONS)
    .check(checkCacheDir)
    .example('$0 serve', 'listen on http://127.0.0.1:5000/')
    .example('$0 serve --port 8080 --api-keys keys.txt', 'require an API key')
    .example('curl -s localhost:5000/translate -H "Content-Type: application/json" -d \'{"q":"Hej verden","source":"da","target":"en"}\'', 'LibreTranslate request');
}

export type ServeArgs = ArgsOf<typeof serveBuilder>;

/** The run's options from the parsed arguments: nothing of yargs goes further than this. */
export function serveRunOptions(args: ServeArgs): ServeRunOptions {
  return {
    host: args.host,
    port: args.port,
    apiKeys: args.apiKeys,
    charLimit: args.charLimit,
    maxQueue: args.maxQueue,
    timeout: args.timeout,
    cors: args.cors,
    fetch: args.fetch,
    allowPrivateFetch: args.allowPrivateFetch,
    cache: args.cache ? { dir: args.cacheDir } : false,
    batchTokens: args.batchTokens,
    maxBatchSize: args.maxBatchSize,
    shutdownGrace: args.shutdownGrace,
    engine: engineOptionsFrom(args),
  };
}

export function serveCommand(yargs: Argv, ctx: CliContext) {
  return yargs.command('serve', 'Serve the model over HTTP: a LibreTranslate-compatible API, /v1/articles and a reading page at /', serveBuilder, (argv) =>
    ctx.run(argv, async () => {
      const { runServe } = await import('./serve-run.js');
      return runServe(serveRunOptions(argv), ctx);
    }),
  );
}
