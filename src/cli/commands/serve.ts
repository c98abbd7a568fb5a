import type { Argv } from 'yargs';
import { withEngineOptions, type CommonArgs } from '../shared-options.js';
import type { CliContext } from '../context.js';

export interface ServeArgs extends CommonArgs {
  host: string;
  port: number;
  apiKeys?: string;
  charLimit: number;
  maxQueue: number;
  timeout: number;
  cors?: string;
  fetch: boolean;
  allowPrivateFetch: boolean;
  cache: boolean;
  cacheDir?: string;
  batchTokens: number;
  maxBatchSize: number;
  shutdownGrace: number;
}

export function serveCommand(yargs: Argv, ctx: CliContext) {
  return yargs.command(
    'serve',
    'Serve the model over HTTP: a LibreTranslate-compatible API, /v1/articles and a reading page at /',
    (y) =>
      withEngineOptions(y)
        .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on (0.0.0.0 exposes the server to your network)' })
        .option('port', { type: 'number', default: 5000, describe: 'Port to listen on (0: any free port)' })
        .option('api-keys', { type: 'string', describe: 'File with one accepted API key per line; translation endpoints then need one (api_key)' })
        .option('char-limit', { type: 'number', default: 100_000, describe: 'Most characters of text per request (-1: no limit)' })
        .option('max-queue', { type: 'number', default: 64, describe: 'Most requests translating or waiting at once; more get 429 with Retry-After' })
        .option('timeout', { type: 'number', default: 300, describe: 'Seconds a request may take before it is cancelled (503)' })
        .option('cors', { type: 'string', describe: 'Let web pages from this origin call the API (CORS is off without it)' })
        .option('fetch', { type: 'boolean', default: true, describe: 'Accept URLs in /v1/articles (--no-fetch: never fetch anything)' })
        .option('allow-private-fetch', { type: 'boolean', default: false, describe: 'Let URL input reach private, loopback and link-local addresses' })
        .option('cache', { type: 'boolean', default: true, describe: 'Share the translation memory (--no-cache: translate everything, store nothing)' })
        .option('cache-dir', { type: 'string', describe: 'Translation memory folder (default as for translate)' })
        .option('batch-tokens', { type: 'number', default: 4096, describe: 'Padded tokens per model call (batch size × longest input)' })
        .option('max-batch-size', { type: 'number', default: 32, describe: 'Most sentences per model call, from all requests together' })
        .option('shutdown-grace', { type: 'number', default: 10, describe: 'Seconds requests in flight may finish after SIGTERM before they are cancelled' })
        .example('$0 serve', 'listen on http://127.0.0.1:5000/')
        .example('$0 serve --port 8080 --api-keys keys.txt', 'require an API key')
        .example('curl -s localhost:5000/translate -H "Content-Type: application/json" -d \'{"q":"Hej verden","source":"da","target":"en"}\'', 'LibreTranslate request'),
    async (argv) => {
      const { runServe } = await import('./serve-run.js');
      ctx.exitCode = await runServe(argv as unknown as ServeArgs, ctx);
    },
  );
}
