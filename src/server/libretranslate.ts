/**
 * LibreTranslate's API, as its own server (libretranslate/app.py) defines it: parameters in a JSON
 * body or a form (or the query string), `{"translatedText": …}` back, errors as `{"error": "…"}`
 * with 400 for bad requests and unsupported languages, 403 for a bad key, 429 to slow down.
 * Where da2en differs, on purpose: a text over the character limit gets 413 (LibreTranslate: 400),
 * a missing key 401 (LibreTranslate: 400). Unknown fields are ignored, as LibreTranslate does.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BilingualParagraph } from '../document/types.js';
import type { ServerContext } from './context.js';
import { HttpError } from './http-error.js';
import { danishConfidence, detectLanguages, LANGUAGES, SOURCE, TARGET } from './languages.js';
import { translateHtmlFragment } from './html-text.js';
import { translateSources } from './translate-source.js';

type Params = Record<string, unknown>;

/** JSON body, or form fields plus query parameters (Flask's request.values). */
function paramsOf(request: FastifyRequest): { params: Params; json: boolean } {
  const json = /^application\/json\b/i.test(request.headers['content-type'] ?? '');
  const body = request.body;
  if (json) {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'Invalid JSON format');
    return { params: body as Params, json };
  }
  return { params: { ...(request.query as Params), ...((body as Params | undefined) ?? {}) }, json };
}

function required(params: Params, name: string): unknown {
  const v = params[name];
  if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) {
    throw new HttpError(400, `Invalid request: missing ${name} parameter`);
  }
  return v;
}

function stringParam(params: Params, name: string): string {
  const v = required(params, name);
  if (typeof v !== 'string') throw new HttpError(400, `Invalid request: ${name} must be a string`);
  return v;
}

/** The English text of translated paragraphs: blank-line separated, as the input was. */
function englishOf(paragraphs: readonly BilingualParagraph[]): string {
  return paragraphs.map((p) => p.target).join('\n\n');
}

export function libreTranslateRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/languages', async () => LANGUAGES);

  app.get('/frontend/settings', async () => ({
    charLimit: ctx.charLimit,
    frontendTimeout: 500,
    apiKeys: ctx.apiKeys !== undefined,
    keyRequired: ctx.apiKeys !== undefined,
    suggestions: false,
    filesTranslation: false,
    supportedFilesFormat: [],
    language: { source: { code: SOURCE.code, name: SOURCE.name }, target: { code: TARGET.code, name: TARGET.name } },
  }));

  app.post('/detect', async (request) => {
    const { params } = paramsOf(request);
    ctx.checkKey(request);
    const q = stringParam(params, 'q');
    ctx.checkChars(q.length);
    return detectLanguages(q);
  });

  app.post('/translate', async (request, reply) => {
    const { params, json } = paramsOf(request);
    ctx.checkKey(request);
    const raw = required(params, 'q');
    const batch = Array.isArray(raw);
    const texts = (batch ? raw : [raw]).map((t) => {
      if (typeof t !== 'string') throw new HttpError(400, 'Invalid request: q must be a string or an array of strings');
      // A form's line endings are normalised (RFC 2046), as LibreTranslate does before counting.
      return json ? t : t.split(/\r\n|\r|\n/).join('\n');
    });
    const source = stringParam(params, 'source');
    const target = stringParam(params, 'target');
    const format = params['format'] === undefined || params['format'] === '' ? 'text' : params['format'];
    ctx.checkChars(texts.reduce((n, t) => n + t.length, 0));
    if (source !== SOURCE.code && source !== 'auto') {
      throw new HttpError(400, LANGUAGES.some((l) => l.code === source) ? `${TARGET.name} (${TARGET.code}) is not available as a source language: this server translates ${SOURCE.name} (${SOURCE.code}) into ${TARGET.name} (${TARGET.code})` : `${String(source)} is not supported`);
    }
    if (target !== TARGET.code) {
      throw new HttpError(400, target === SOURCE.code ? `${SOURCE.name} (${SOURCE.code}) is not available as a target language from ${SOURCE.name} (${SOURCE.code})` : `${String(target)} is not supported`);
    }
    if (format !== 'text' && format !== 'html') throw new HttpError(400, `${String(format)} format is not supported`);

    const signal = ctx.begin(request, reply);
    let translated: string[];
    try {
      if (format === 'html') {
        translated = [];
        for (const t of texts) translated.push(await translateHtmlFragment(t, ctx, signal));
      } else {
        // Every character of q is text to translate: a leading "date 2024-05" is not an article's date marker here.
        const docs = await ctx.engine.segmentMany(texts, { dateMarker: false });
        signal.throwIfAborted();
        const { documents } = await translateSources(docs, ctx.scheduler, { signal });
        translated = documents.map(englishOf);
      }
    } catch (err) {
      if (signal.aborted) throw ctx.abortError(signal);
      throw err;
    }
    const detected = source === 'auto' ? texts.map((t) => danishConfidence(t)) : undefined;
    return batch
      ? { translatedText: translated, ...(detected ? { detectedLanguage: detected } : {}) }
      : { translatedText: translated[0]!, ...(detected ? { detectedLanguage: detected[0]! } : {}) };
  });
}
