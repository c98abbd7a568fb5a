/**
 * `da2en serve`: the HTTP shell over the library. One model (a ServerEngine, normally in a worker
 * thread), one shared sentence queue (SentenceScheduler), one translation memory, many clients.
 * Routes: LibreTranslate's API (./libretranslate.ts), da2en's own /v1/articles (./articles.ts),
 * /health, and the reading page (./page.ts).
 */
import { EventEmitter, once } from 'node:events';
import cors from '@fastify/cors';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Da2enError } from '../errors.js';
import type { TranslationMemory } from '../pipeline/memory.js';
import { DEFAULT_BATCH_LIMITS } from '../pipeline/translate-document.js';
import { articleRoutes } from './articles.js';
import { ExtractionPool } from './extraction-pool.js';
import type { FetchPolicy, ServerContext } from './context.js';
import type { ServerEngine } from './engine.js';
import { HttpError, RequestAborted, toHttpError } from './http-error.js';
import { libreTranslateRoutes } from './libretranslate.js';
import { pageRoutes } from './page.js';
import { SentenceScheduler, type SchedulerLimits } from './scheduler.js';
import { SERVER_DEFAULTS } from './defaults.js';
import { NOSNIFF } from './security-headers.js';

export type { ServerContext } from './context.js';

export interface ServerOptions {
  engine: ServerEngine;
  memory?: TranslationMemory;
  /** A write the memory's storage refused (a full disk): reported here, and the requests still answered. */
  onMemoryWriteFailure?: (error: Da2enError) => void;
  /** Most characters of text in one request (LibreTranslate's --char-limit); -1 for none. */
  charLimit?: number;
  /** Most requests being translated or waiting at once; more get 429 with Retry-After. */
  maxQueue?: number;
  /** A request still unanswered after this long is cancelled with 503. */
  requestTimeoutMs?: number;
  /** Accepted API keys; when set, translation endpoints need one of them. */
  apiKeys?: ReadonlySet<string>;
  /** The one origin allowed to call the API from a browser (CORS is off without it). */
  corsOrigin?: string;
  fetch?: FetchPolicy;
  limits?: SchedulerLimits;
  /** Fastify's request logging (off by default). */
  logger?: boolean;
}

export { SERVER_DEFAULTS };

export interface DaServer {
  app: FastifyInstance;
  scheduler: SentenceScheduler;
  /** Requests admitted and not yet answered. */
  inFlight(): number;
  /** Extraction worker threads running (busy or idle): a job its request ended has terminated its own. */
  extractionWorkers(): number;
  /**
   * Graceful shutdown: stop accepting, let requests in flight finish for up to `graceMs`, then
   * cancel what is left (503), close the listener. The engine and memory are the caller's to close.
   */
  shutdown(graceMs: number): Promise<void>;
}

/** The answers' own headers a page on the --cors origin may read. */
const CORS_EXPOSED_HEADERS = ['X-Da2en-Notices', 'X-Da2en-Model-Calls', 'Retry-After'];

/** The most of an over-limit body read and dropped so that its client reads the 413 (see the onRequest hook). */
const DRAIN_LIMIT = 128 * 1024 * 1024;

/** Reads a request body to its end (or the client's going away, or `limit` bytes) and drops it. */
function drainBody(raw: NodeJS.ReadableStream & { readableEnded?: boolean; destroyed?: boolean }, limit = DRAIN_LIMIT): Promise<void> {
  if (raw.readableEnded || raw.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let read = 0;
    const onData = (chunk: Buffer) => {
      read += chunk.length;
      if (read > limit) done();
    };
    const done = () => {
      raw.removeListener('data', onData);
      resolve();
    };
    raw.on('data', onData);
    raw.once('end', done);
    raw.once('close', done);
    raw.once('error', done);
    raw.resume();
  });
}

export async function createServer(options: ServerOptions): Promise<DaServer> {
  const charLimit = options.charLimit ?? SERVER_DEFAULTS.charLimit;
  const maxQueue = options.maxQueue ?? SERVER_DEFAULTS.maxQueue;
  const requestTimeoutMs = options.requestTimeoutMs ?? SERVER_DEFAULTS.requestTimeoutMs;
  const scheduler = new SentenceScheduler(options.engine, options.limits ?? DEFAULT_BATCH_LIMITS, options.memory, options.onMemoryWriteFailure);
  // A body holds the text (≤ 4 bytes per character in UTF-8, 6 when JSON-escaped) and a little more.
  const bodyLimit = charLimit < 0 ? 64 * 1024 * 1024 : Math.max(64 * 1024, charLimit * 6 + 64 * 1024);

  // Set once shutdown begins: answers then close their connection, so none is left waiting for more.
  let closing = false;
  /** Headers every answer carries: most answers echo the client's text (errors and LibreTranslate's included). */
  const answerHeaders = (reply: FastifyReply): void => {
    void reply.headers(NOSNIFF);
    if (closing) void reply.header('Connection', 'close');
  };

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit,
    // Our schemas reject unknown fields instead of silently dropping them, and never coerce types.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true } },
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // A URL Fastify cannot decode (`/%zz`) is answered before routing and the error handler; in our
    // shape too. Its answer skips the hooks, those of @fastify/cors included: their headers are set here.
    frameworkErrors: (err, _request, frameworkReply) => {
      // Fastify types this reply generically (any route's schema); it is a plain one here.
      const reply = frameworkReply as FastifyReply;
      const http = toHttpError(err);
      answerHeaders(reply);
      if (options.corsOrigin) void reply.header('Access-Control-Allow-Origin', options.corsOrigin);
      void reply.code(http.status).headers(http.headers).send({ error: http.message });
    },
  });
  // Fastify parses text/plain by default; the API takes JSON and form bodies only (415 for the rest).
  app.removeContentTypeParser('text/plain');
  // Fastify's JSON parser decodes the body leniently: invalid UTF-8 became U+FFFD and was translated
  // as such. Refused instead, as the CLI refuses such a file; then Fastify's own parser (its
  // __proto__ and constructor checks kept).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = strictUtf8.decode(body as Buffer);
    } catch {
      done(new HttpError(400, 'Invalid JSON format: the body is not valid UTF-8; send it in UTF-8'), undefined);
      return;
    }
    parseJson(request, text, done);
  });
  await app.register(formbody, { bodyLimit });
  // A browser lets a page read only the safelisted headers of a cross-origin answer unless told
  // otherwise: /v1/articles says its notices and model calls in headers, a 429 when to retry.
  if (options.corsOrigin) await app.register(cors, { origin: options.corsOrigin, methods: ['GET', 'POST'], exposedHeaders: CORS_EXPOSED_HEADERS });

  let admitted = 0;
  // 'all-answered' when the last admitted request has been answered: what a graceful shutdown waits for.
  const requests = new EventEmitter();
  const allAnswered = async (): Promise<void> => {
    if (admitted > 0) await once(requests, 'all-answered');
  };
  const shutdownController = new AbortController();

  const extraction = new ExtractionPool();

  const ctx: ServerContext = {
    engine: options.engine,
    scheduler,
    charLimit,
    apiKeys: options.apiKeys,
    fetch: options.fetch ?? { enabled: false, allowPrivate: false },
    begin(request, reply) {
      if (shutdownController.signal.aborted) throw new HttpError(503, 'the server is shutting down', { Connection: 'close' });
      if (admitted >= maxQueue) {
        const seconds = scheduler.estimateSeconds();
        throw new HttpError(429, `Slowdown: the translation queue is full (${admitted} requests); retry in ${seconds} s`, { 'Retry-After': String(seconds) });
      }
      admitted++;
      // The time limit is a timer of the request's own, not AbortSignal.timeout: AbortSignal.any holds
      // the signals it combines weakly, and a timeout signal nothing else held was collected by the
      // next full garbage collection and never fired (a request ran on for 12 minutes past its limit).
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(new DOMException(`the request took longer than ${requestTimeoutMs} ms`, 'TimeoutError')), requestTimeoutMs);
      timer.unref();
      let released = false;
      const release = () => {
        if (!released) {
          released = true;
          clearTimeout(timer);
          admitted--;
          if (admitted === 0) requests.emit('all-answered');
        }
      };
      const client = new AbortController();
      // 'close' on the response: the answer went out, or the client went away before it did.
      reply.raw.once('close', () => {
        release();
        if (!reply.raw.writableFinished) client.abort(new RequestAborted(499, 'the client disconnected'));
      });
      void request;
      return AbortSignal.any([client.signal, timeout.signal, shutdownController.signal]);
    },
    extractArticle: (html, extractOptions, signal) => extraction.extract(html, extractOptions, signal),
    parseMarkdown: (text, inputName, signal) => extraction.parseMarkdown(text, inputName, signal),
    prepareHtmlFragment: (html, signal) => extraction.prepareHtmlFragment(html, signal),
    abortError(signal) {
      const reason = signal.reason as unknown;
      if (reason instanceof HttpError) return reason;
      if ((reason as Error | undefined)?.name === 'TimeoutError') {
        return new HttpError(503, `the translation took longer than the server's limit of ${Number((requestTimeoutMs / 1000).toPrecision(3))} s; send a shorter text`);
      }
      return new HttpError(503, 'the request was cancelled');
    },
    checkKey(request) {
      if (!options.apiKeys) return;
      const key = apiKeyOf(request);
      if (!key) throw new HttpError(401, 'Please contact the server operator to get an API key (send it as api_key)');
      if (!options.apiKeys.has(key)) throw new HttpError(403, 'Invalid API key');
    },
    checkChars(chars) {
      if (charLimit >= 0 && chars > charLimit) {
        throw new HttpError(413, `Invalid request: request (${chars}) exceeds text limit (${charLimit})`);
      }
    },
  };

  // A body declared over the limit: Fastify answered 413 at once and closed the connection while the
  // client was still sending, so a client that sends its whole body before reading (Python's urllib,
  // curl with Expect: 100-continue) got a broken pipe, not the 413. The body is read and dropped
  // first, then answered; past DRAIN_LIMIT the connection is cut at once, as before.
  app.addHook('onRequest', async (request) => {
    const declared = Number(request.headers['content-length']);
    if (!(declared > bodyLimit)) return;
    if (declared <= DRAIN_LIMIT) await drainBody(request.raw);
    throw new HttpError(413, 'Request body is too large', { Connection: 'close' });
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    answerHeaders(reply);
    return payload;
  });

  app.setErrorHandler(async (err, request, reply) => {
    const http = toHttpError(err);
    if (http.status >= 500 && !(http instanceof RequestAborted)) reply.log.error(err);
    // A chunked body over the limit (no length to check first) is found mid-way: what the client is
    // still sending is read and dropped too, so that it reads the 413 (see the onRequest hook).
    if (http.status === 413 && !request.raw.complete) await drainBody(request.raw);
    return reply.code(http.status).headers(http.headers).send({ error: http.message });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: `Not found: ${request.method} ${request.url.split('?')[0]}` });
  });

  app.get('/health', async () => {
    const s = scheduler.stats();
    return {
      status: closing ? 'shutting-down' : 'ok',
      model: { id: options.engine.modelId, dtype: options.engine.dtype, loaded: true },
      queue: { requests: admitted, maxRequests: maxQueue, translating: s.activeRequests, waitingSentences: s.queuedChunks, modelBusy: s.modelBusy },
      totals: { modelCalls: s.modelCalls, modelRows: s.modelRows, sharedCalls: s.sharedCalls, cacheRows: s.cacheRows },
    };
  });
  libreTranslateRoutes(app, ctx);
  articleRoutes(app, ctx);
  pageRoutes(app, ctx);

  let stopping: Promise<void> | undefined;
  async function stop(graceMs: number): Promise<void> {
    closing = true;
    // New requests now get 503 (Fastify's return503OnClosing); the listener closes.
    const closed = app.close();
    // Every admitted request, in whatever stage (fetching a URL, extracting, segmenting, between
    // two texts of an array q, translating), has until the deadline to be answered.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([allAnswered(), deadline]);
    clearTimeout(timer);
    shutdownController.abort(new HttpError(503, 'the server is shutting down', { Connection: 'close' }));
    scheduler.close(new HttpError(503, 'the server is shutting down'));
    // The cancelled ones answer at once (503, or an error event that ends a stream).
    await allAnswered();
    // A stream's headers went out before the shutdown, keep-alive: its idle connection would hold
    // close() for the keep-alive timeout (72 s).
    app.server.closeIdleConnections();
    await closed;
    await extraction.close();
    // A model call may still be running for cancelled requests; its rows go to the memory.
    await scheduler.idle();
  }

  return {
    app,
    scheduler,
    inFlight: () => admitted,
    extractionWorkers: () => extraction.workers,
    shutdown(graceMs) {
      stopping ??= stop(graceMs);
      return stopping;
    },
  };
}

/** LibreTranslate sends the key as `api_key` in the body (JSON or form) or the query; Bearer too. */
function apiKeyOf(request: FastifyRequest): string | undefined {
  const body = request.body as Record<string, unknown> | undefined;
  const query = request.query as Record<string, unknown> | undefined;
  const fromBody = body && typeof body === 'object' ? body['api_key'] : undefined;
  const fromQuery = query?.['api_key'];
  const auth = request.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  const key = [fromBody, fromQuery, auth].find((k) => typeof k === 'string' && k !== '');
  return key as string | undefined;
}
