import { readFile } from 'node:fs/promises';
import { openMemoryOrSay } from '../open-memory.js';
import { cliMessage } from '../setting-words.js';
import { ensureModel, defaultModelsDir, defaultRemoteHost } from '../../engine/model-store/index.js';
import { Da2enError } from '../../errors.js';
import { ExitCode } from '../exit-codes.js';
import { createServer } from '../../server/app.js';
import { startWorkerEngine } from '../../server/worker-engine.js';
import type { EngineOptions } from '../../engine/load-translator.js';
import type { CliContext } from '../context.js';

/** What the serve run needs, in the library's terms (serve.ts maps the parsed arguments to it). */
export interface ServeRunOptions {
  host: string;
  port: number;
  apiKeys?: string | undefined;
  charLimit: number;
  maxQueue: number;
  timeout: number;
  cors?: string | undefined;
  fetch: boolean;
  allowPrivateFetch: boolean;
  /** The translation memory's folder, or false for none. */
  cache: { dir: string | undefined } | false;
  batchTokens: number;
  maxBatchSize: number;
  shutdownGrace: number;
  engine: EngineOptions;
}

/** Accepted keys: one per line; blank lines and lines starting with # are skipped. */
async function readApiKeys(file: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Da2enError('input', `cannot read the API keys file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  const keys = new Set(text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')));
  if (keys.size === 0) throw new Da2enError('input', `the API keys file ${file} holds no key (one per line)`);
  return keys;
}

export async function runServe(args: ServeRunOptions, ctx: CliContext): Promise<number> {
  const apiKeys = args.apiKeys ? await readApiKeys(args.apiKeys) : undefined;
  // One that cannot be opened (a read-only folder, a damaged data file) is said once: requests are answered without it.
  const memory = args.cache ? await openMemoryOrSay(args.cache.dir, ctx, 'da2en serve: ') : null;
  const engineOptions = args.engine;
  // Downloaded here (with the CLI's messages), loaded in the worker thread.
  await ensureModel({
    model: engineOptions.model!,
    modelsDir: engineOptions.modelsDir ?? defaultModelsDir(),
    dtype: engineOptions.dtype!,
    offline: engineOptions.offline ?? false,
    ...(engineOptions.modelTyped !== undefined ? { modelTyped: engineOptions.modelTyped } : {}),
    remoteHost: defaultRemoteHost(),
    onStart: (files) => ctx.log(`downloading ${engineOptions.model}: ${files.map((f) => f.file).join(', ')}…`),
    onNotice: ctx.log,
    signal: ctx.signal,
  });
  const engine = await startWorkerEngine({ ...engineOptions, offline: true });
  let server;
  try {
    server = await createServer({
      engine,
      ...(memory ? { memory, onMemoryWriteFailure: (error: Da2enError) => ctx.log(`da2en serve: ${cliMessage(error)}; requests are still answered, and storing is tried again in a minute`) } : {}),
      charLimit: args.charLimit,
      maxQueue: args.maxQueue,
      requestTimeoutMs: args.timeout * 1000,
      ...(apiKeys ? { apiKeys } : {}),
      ...(args.cors ? { corsOrigin: args.cors } : {}),
      fetch: { enabled: args.fetch, allowPrivate: args.allowPrivateFetch },
      limits: { batchTokens: args.batchTokens, maxBatchSize: args.maxBatchSize },
    });
    const address = await server.app.listen({ host: args.host, port: args.port }).catch((err: NodeJS.ErrnoException) => {
      throw new Da2enError('usage', `cannot listen on ${args.host}:${args.port}: ${err.code === 'EADDRINUSE' ? 'the port is in use (try --port)' : err.message}`, { cause: err });
    });
    // One line on stderr, always (even --quiet): scripts and tests read the address from it.
    ctx.stderr.write(`da2en serve: listening on ${address}/ (model ${engine.modelId}, ${engine.dtype}${apiKeys ? `, ${apiKeys.size} API keys` : ''})\n`);
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    ctx.log(`da2en serve: shutting down (requests in flight get up to ${args.shutdownGrace} s)…`);
    await server.shutdown(args.shutdownGrace * 1000);
  } finally {
    await engine.dispose();
    await memory?.close();
  }
  ctx.log('da2en serve: stopped');
  return ExitCode.Ok;
}
