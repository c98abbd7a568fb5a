/**
 * da2en's own endpoint: POST /v1/articles turns Danish text (or HTML, or a URL) into the bilingual
 * document model, the same JSON as `da2en --format json` (paragraphs, each with its sentence-level
 * chunks: the alignment; QA findings; metadata). With `Accept: application/x-ndjson` the answer
 * streams as newline-delimited JSON events, one per paragraph in order, so a page can render the
 * article as it arrives:
 *
 *     {"event":"start","paragraphs":12,"title":{…}}
 *     {"event":"paragraph","paragraph":{…}}            (12 times, in order)
 *     {"event":"done","document":{…},"files":{"html":"…"}}   (or {"event":"error","error":"…","status":503})
 *
 * `?format=html|md|txt|en|json` answers with that rendered file instead of the JSON document, and
 * instead of the stream: a format given wins over the Accept header.
 *
 * What reading the input found and fixed (Windows-1252 detected, NULs removed: the notices the CLI
 * says on stderr) is added where it cannot change a file: a `notices` array in the JSON answer and
 * in the stream's `start` and `done` events, and the X-Da2en-Notices header (a JSON array) on
 * every answer that is not streamed. No notices: none of these.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { BilingualDocument, DocumentMetadata, SourceDocument } from '../document/types.js';
import { removeNuls } from '../nul-characters.js';
import { render, toJsonObject } from '../rendering/index.js';
import { isBlank } from '../segmentation/normalize.js';
import { isOutputFormat, type OutputFormat } from '../rendering/formats.js';
import { assembleDocument } from './assemble.js';
import type { ArticleBody, ServerContext } from './context.js';
import { HttpError, toHttpError } from './http-error.js';
import { API_ENCODINGS, API_INPUT_FORMATS, articleChars, checkInputFormat, loadArticleInput } from './article-input.js';
import { translateSource, type TranslateSourceOptions } from './translate-source.js';
import { NOSNIFF, articleCsp } from './security-headers.js';

const CONTENT_TYPES: Record<OutputFormat, string> = {
  html: 'text/html; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  en: 'text/plain; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

const bodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    text: { type: 'string' },
    html: { type: 'string' },
    url: { type: 'string', maxLength: 2048 },
    input_format: { type: 'string', enum: API_INPUT_FORMATS },
    encoding: { type: 'string', enum: API_ENCODINGS },
    render: { type: 'array', maxItems: 5, items: { type: 'string', enum: ['html', 'md', 'txt', 'en', 'json'] } },
    api_key: { type: 'string' },
  },
} as const;

const querySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { format: { type: 'string', enum: ['html', 'md', 'txt', 'en', 'json'] }, api_key: { type: 'string' } },
} as const;

export function articleRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post<{ Body: ArticleBody; Querystring: { format?: string } }>(
    '/v1/articles',
    {
      schema: { body: bodySchema, querystring: querySchema },
      // Schema errors read as one line naming the field, in the {"error"} shape.
      schemaErrorFormatter: (errors, dataVar) => {
        const e = errors[0]!;
        const field = `${dataVar}${e.instancePath.replace(/\//g, '.')}`;
        const extra =
          e.keyword === 'additionalProperties'
            ? ` "${(e.params as { additionalProperty: string }).additionalProperty}"`
            : e.keyword === 'enum'
              ? `: ${(e.params as { allowedValues: readonly string[] }).allowedValues.join(', ')}`
              : '';
        return new HttpError(400, `Invalid request: ${field} ${e.message ?? 'is invalid'}${extra}`);
      },
    },
    async (request, reply) => {
      if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
        throw new HttpError(415, 'Unsupported content type: /v1/articles takes a JSON body');
      }
      ctx.checkKey(request);
      const body = request.body;
      const given = (['text', 'html', 'url'] as const).filter((k) => body[k] !== undefined);
      if (given.length !== 1) throw new HttpError(400, 'Invalid request: give exactly one of text, html or url');
      checkInputFormat(body);
      // Text is checked now; a page once its article is extracted (markup is not translation work: the body limit bounds it).
      if (body.text !== undefined) {
        // As the CLI refuses an empty file: an answer with no paragraphs would look like a lost article.
        if (isBlank(removeNuls(body.text).text)) throw new HttpError(400, 'Invalid request: text is empty (nothing but white space or invisible characters); nothing to translate');
        ctx.checkChars(body.text.length);
      }
      const format = request.query.format;
      // The query names one file for this request; Accept is often a client's standing default, so
      // a `format` given wins over it (the stream was sent instead, `format` silently dropped).
      const streaming = format === undefined && /application\/x-ndjson/i.test(request.headers.accept ?? '');

      const signal = ctx.begin(request, reply);
      const started = performance.now();
      try {
        const input = await loadArticleInput(body, ctx, signal);
        ctx.checkChars(input.kind === 'text' ? input.text.length : articleChars(input.article));
        const source: SourceDocument =
          input.kind === 'text'
            ? withMetadata(await ctx.engine.segment(input.text), input.metadata)
            : withInputFormat(await ctx.engine.segmentArticle(input.article), input.inputFormat);
        signal.throwIfAborted();
        const notices = input.notices.length > 0 ? { notices: input.notices } : {};
        if (streaming) {
          await streamArticle(reply, source, ctx, signal, started, body.render ?? [], notices);
          return reply;
        }
        const { document, modelCalls } = await translateWhole(source, ctx, signal, started);
        void reply.header('X-Da2en-Model-Calls', String(modelCalls));
        if (input.notices.length > 0) void reply.header('X-Da2en-Notices', asciiJson(input.notices));
        if (format && isOutputFormat(format) && format !== 'json') {
          return reply.type(CONTENT_TYPES[format]).header('Content-Security-Policy', articleCsp(format)).send(render(format, document));
        }
        return reply.type(CONTENT_TYPES.json).header('Content-Security-Policy', articleCsp('json')).send(JSON.stringify({ ...toJsonObject(document), ...notices }));
      } catch (err) {
        if (reply.raw.headersSent) return reply;
        if (signal.aborted) throw ctx.abortError(signal);
        throw err;
      }
    },
  );
}

/** JSON with every character outside ASCII escaped: a header value carries bytes, not text. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function withInputFormat(source: SourceDocument, inputFormat: 'html' | 'url' | 'md'): SourceDocument {
  return { ...source, metadata: { ...source.metadata, inputFormat } };
}

/** A URL's plain-text answer: where it came from (no inputFormat, as the CLI's JSON for a text input has none). */
function withMetadata(source: SourceDocument, metadata: DocumentMetadata | undefined): SourceDocument {
  return metadata ? { ...source, metadata: { ...source.metadata, ...metadata } } : source;
}

async function translateWhole(source: SourceDocument, ctx: ServerContext, signal: AbortSignal, started: number, onParagraph?: TranslateSourceOptions['onParagraph']): Promise<{ document: BilingualDocument; modelCalls: number }> {
  const { paragraphs, modelCalls } = await translateSource(source, ctx.scheduler, { signal, ...(onParagraph ? { onParagraph } : {}) });
  const totalMs = Math.round(performance.now() - started);
  const model = { id: ctx.engine.modelId, dtype: ctx.engine.dtype, decoding: ctx.engine.decoding };
  return { document: assembleDocument(source, paragraphs, model, { loadMs: 0, translateMs: totalMs, totalMs }), modelCalls };
}

/** NDJSON events written straight to the socket as paragraphs finish (see the file comment). */
async function streamArticle(reply: FastifyReply, source: SourceDocument, ctx: ServerContext, signal: AbortSignal, started: number, files: readonly OutputFormat[], notices: { notices?: string[] }): Promise<void> {
  reply.hijack();
  const raw = reply.raw;
  // Hijacked: the app's onSend hook does not run for this answer, so it sets its own headers.
  const headers = { ...reply.getHeaders(), 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store', ...NOSNIFF, 'content-security-policy': articleCsp('json') };
  raw.writeHead(200, headers as Record<string, string>);
  const send = (event: Record<string, unknown>) => {
    if (!raw.destroyed) raw.write(`${JSON.stringify(event)}\n`);
  };
  send({ event: 'start', paragraphs: source.paragraphs.length, title: { source: source.title }, metadata: source.metadata, ...notices });
  try {
    const { document, modelCalls } = await translateWhole(source, ctx, signal, started, (paragraph) => send({ event: 'paragraph', paragraph }));
    const rendered = Object.fromEntries(files.map((f) => [f, render(f, document)]));
    send({ event: 'done', document: toJsonObject(document), modelCalls, ...(files.length ? { files: rendered } : {}), ...notices });
  } catch (err) {
    // The status a JSON answer would have had for the same error (a damaged model: 503, not 500).
    const http = signal.aborted ? ctx.abortError(signal) : toHttpError(err);
    send({ event: 'error', status: http.status, error: http.message });
  } finally {
    raw.end();
  }
}
