/**
 * Why a page could not be fetched, one kind per thing a user would do differently. The message
 * is one line naming the URL and what to do; the CLI gives each kind its own exit code.
 */
export type FetchFailure =
  /** The host name does not resolve. */
  | 'dns'
  /** Nothing listens at that address and port. */
  | 'refused'
  /** Other connection failures: reset, unreachable network, TLS. */
  | 'connection'
  /** 404 or 410. */
  | 'not-found'
  /** Any other 4xx, or a status da2en cannot use. */
  | 'http-status'
  /** 5xx. */
  | 'server-error'
  /** A Content-Type that is not an HTML page (PDF, JSON, an image, …). */
  | 'not-html'
  /** More bytes than the size limit (after decompression). */
  | 'too-big'
  /** No answer, or not the whole page, within the time limit. */
  | 'timeout'
  /** Too many redirects, a redirect loop, or one to something other than http(s). */
  | 'redirects'
  /** The address is refused by the caller's address check (the server's private-range guard). */
  | 'address-refused';

/** Every fetch failure kind, in the order of their exit codes (20–30). */
export const FETCH_FAILURES: readonly FetchFailure[] = ['dns', 'refused', 'not-found', 'server-error', 'http-status', 'not-html', 'too-big', 'timeout', 'redirects', 'address-refused', 'connection'];

export class FetchError extends Error {
  override readonly name = 'FetchError';
  constructor(
    readonly kind: FetchFailure,
    /** The URL that failed, its credentials hidden as in the message (redact-url.ts). */
    readonly url: string,
    message: string,
    options: { cause?: unknown; status?: number; contentType?: string } = {},
  ) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    if (options.status !== undefined) this.status = options.status;
    if (options.contentType !== undefined) this.contentType = options.contentType;
  }
  /** The HTTP status, for the status kinds. */
  readonly status?: number;
  /** For `not-html`: the media type the server sent ('' when it named none), so a front end can word its own advice. */
  readonly contentType?: string;
}
