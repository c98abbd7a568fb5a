/**
 * Whether a failed model fetch means "this model is not there, or its host cannot be reached" (the
 * answer a mistyped local folder gets), as opposed to a host that answered but failed: an HTTP 500,
 * a refusal (401, 403), a corrupt or cut-short file, a full disk.
 */

/** A server's answer that was not the file, kept as the cause of the error that reports it, so that callers judge the status, not the words. */
export class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError';

  constructor(
    readonly status: number,
    url: string,
  ) {
    super(`${url} answered HTTP ${status}`);
  }
}

/** HTTP statuses that say the file does not exist there. */
const NOT_THERE_STATUSES = new Set([404, 410]);

/** System and undici codes that say the host cannot be found or reached (no answer at all). */
const UNREACHABLE_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'EAI_NODATA',
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** `err` and what it wraps: its causes, and the errors of an AggregateError (a refused IPv6 and IPv4 connection). */
function* chain(err: unknown, depth = 0): Generator<unknown> {
  if (depth > 16 || err === undefined || err === null) return;
  yield err;
  if (err instanceof AggregateError) for (const inner of err.errors) yield* chain(inner, depth + 1);
  if (err instanceof Error) yield* chain(err.cause, depth + 1);
}

/** Whether `err` (or what it wraps) is a 404-like answer or a host that cannot be found or reached. */
export function meansNotThere(err: unknown): boolean {
  for (const e of chain(err)) {
    if (e instanceof HttpStatusError && NOT_THERE_STATUSES.has(e.status)) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
  }
  return false;
}
