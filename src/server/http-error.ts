import { isDa2enError, type ErrorKind } from '../errors.js';
import { apiMessage } from './setting-words.js';

/**
 * An error with its HTTP status. Every error response has LibreTranslate's shape,
 * `{"error": "one line"}`; the status and any headers (Retry-After) come from here.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpError';
  }
}

/** Request ended by the server itself (timeout, shutdown); the client still gets an answer. */
export class RequestAborted extends HttpError {}

const STATUS_BY_KIND: Record<ErrorKind, number> = {
  usage: 400,
  input: 400,
  storage: 500,
  output: 500,
  'model-missing': 503,
  'model-corrupt': 503,
  network: 502,
  interrupted: 503,
  // The server reads request bodies as text; these come only from callers that fetch pages themselves.
  'no-article': 422,
  'fetch-dns': 502,
  'fetch-refused': 502,
  'fetch-not-found': 502,
  'fetch-server-error': 502,
  'fetch-http-status': 502,
  'fetch-not-html': 502,
  'fetch-too-big': 502,
  'fetch-timeout': 504,
  'fetch-redirects': 502,
  'fetch-address-refused': 403,
  'fetch-connection': 502,
};

/** Maps anything thrown by a handler to a status and one line for the client. */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const e = err as { statusCode?: number; code?: string; message?: string } | undefined;
  // Fastify's own errors (body parsing, limits) carry a statusCode.
  if (e && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new HttpError(e.statusCode, fastifyMessage(e), {}, { cause: err });
  }
  // The library's domain errors: each kind has its status (the CLI maps the same kinds to exit codes),
  // and the settings its message names are said as the API's fields.
  if (isDa2enError(err)) return new HttpError(STATUS_BY_KIND[err.kind], apiMessage(err), {}, { cause: err });
  return new HttpError(500, `Cannot translate text: ${e?.message?.split('\n')[0] ?? String(err)}`, {}, { cause: err });
}

function fastifyMessage(e: { code?: string; message?: string; statusCode?: number }): string {
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return `Invalid JSON format: ${e.message ?? ''}`.trim();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Unsupported content type: send application/json or application/x-www-form-urlencoded';
    case 'FST_ERR_BAD_URL':
      // Fastify's message quotes the raw path, which is the client's to choose (markup, a script).
      return 'Invalid request: the URL cannot be decoded (check its % escapes)';
    default:
      return e.message ?? 'Invalid request';
  }
}
