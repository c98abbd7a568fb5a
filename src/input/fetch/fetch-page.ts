/**
 * Fetches a web page the way a careful browser would, with undici (Node's own HTTP client):
 * redirects followed up to a bound, a time limit over the whole fetch, a size limit on the
 * decoded body, gzip/deflate/brotli, and a User-Agent naming da2en. Every failure is a
 * FetchError of one kind (see fetch-error.ts) with the underlying error as its `cause`.
 *
 * `allowAddress` vets every address before a connection is made to it (each DNS answer, and IP
 * literals in the URL, for the first request and every redirect): the server refuses private
 * ranges with it; the CLI, working for the person at the keyboard, allows everything.
 *
 * Credentials in the URL are sent as HTTP Basic authentication (basic-auth.ts), to the URL's own
 * origin only: a redirect that leaves it drops them for the rest of the fetch, as the Fetch standard
 * does (a redirect from https to http leaves it too). Messages (and FetchError's `url`) name URLs
 * with their credentials hidden (redact-url.ts).
 */
import dns from 'node:dns';
import net from 'node:net';
import { Readable, type Transform } from 'node:stream';
import zlib from 'node:zlib';
import { Agent, buildConnector, request, type Dispatcher } from 'undici';
import { packageVersion } from '../../package-root.js';
import { FetchError } from './fetch-error.js';
import { basicAuthorization } from './basic-auth.js';
import { redactedUrlError, redactUrl, withoutCredentials } from './redact-url.js';

export const USER_AGENT = `da2en/${packageVersion()} (Danish-to-English article translator; +https://www.npmjs.com/package/da2en)`;

import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_MAX_BYTES, DEFAULT_MAX_REDIRECTS, DEFAULT_TIMEOUT_MS } from './limits.js';

export { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_MAX_BYTES, DEFAULT_MAX_REDIRECTS, DEFAULT_TIMEOUT_MS };
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface FetchPageOptions {
  /** Redirects followed before giving up (default 5). */
  maxRedirects?: number;
  /** The whole fetch, redirects and body included (default 30 s); decimals are rounded up. */
  timeoutMs?: number;
  /** Connecting to one address (default 10 s); decimals are rounded up. */
  connectTimeoutMs?: number;
  /** Largest body after decompression (default 8 MiB). */
  maxBytes?: number;
  userAgent?: string;
  /** Return false to refuse connecting to an address (called for every address, before connecting). */
  allowAddress?: (address: string, family: 4 | 6) => boolean;
  signal?: AbortSignal;
  /** The Accept header (default: HTML first). */
  accept?: string;
}

export interface FetchedPage {
  /** The URL asked for. */
  url: string;
  /** The URL that finally answered (after redirects). */
  finalUrl: string;
  /** The URLs redirected through, in order (without the final one). */
  redirects: string[];
  status: number;
  /** The Content-Type header as sent ('' when absent). */
  contentType: string;
  /** The decoded (decompressed) body. */
  body: Buffer;
  /** ISO 8601, when the response headers arrived. */
  fetchedAt: string;
}

export async function fetchPage(url: string, options: FetchPageOptions = {}): Promise<FetchedPage> {
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  // Timers take whole milliseconds (AbortSignal.timeout throws on 2009.999…, which 2.01 s is).
  const timeoutMs = Math.ceil(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const dispatcher = createAgent(options);
  const redirects: string[] = [];
  let current = parseHttpUrl(url);
  const credentialsOrigin = current.origin;
  let authorization = basicAuthorization(current);
  try {
    for (;;) {
      checkLiteralAddress(current, options);
      // Once left, for good: a page elsewhere could send the fetch back with a path of its choosing.
      if (current.origin !== credentialsOrigin) authorization = undefined;
      let response: Dispatcher.ResponseData;
      try {
        response = await request(withoutCredentials(current.href), {
          method: 'GET',
          dispatcher,
          signal,
          headers: {
            'user-agent': options.userAgent ?? USER_AGENT,
            accept: options.accept ?? 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5',
            'accept-encoding': 'gzip, deflate, br',
            'accept-language': 'da, en;q=0.5',
            ...(authorization ? { authorization } : {}),
          },
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
      } catch (err) {
        throw classify(err, redactUrl(current.href), timeout, options.signal);
      }
      const fetchedAt = new Date().toISOString();
      const { statusCode } = response;
      if (REDIRECT_STATUSES.has(statusCode)) {
        await response.body.dump().catch(() => {});
        const location = header(response.headers, 'location');
        if (!location) throw new FetchError('http-status', redactUrl(current.href), `${redactUrl(current.href)}: the server answered ${statusCode} (a redirect) without saying where to`, { status: statusCode });
        const next = resolveRedirect(location, current);
        redirects.push(current.href);
        if (redirects.length > maxRedirects) {
          throw new FetchError('redirects', redactUrl(url), `${redactUrl(url)}: more than ${maxRedirects} redirects (last to ${redactUrl(next.href)}); open it in a browser to see where it leads`);
        }
        if (redirects.includes(next.href)) throw new FetchError('redirects', redactUrl(url), `${redactUrl(url)}: redirect loop at ${redactUrl(next.href)}`);
        current = next;
        continue;
      }
      if (statusCode < 200 || statusCode > 299) {
        await response.body.dump().catch(() => {});
        throw statusError(statusCode, redactUrl(current.href));
      }
      const contentType = header(response.headers, 'content-type') ?? '';
      const declared = Number(header(response.headers, 'content-length') ?? NaN);
      const encoding = (header(response.headers, 'content-encoding') ?? 'identity').trim().toLowerCase();
      if (encoding === 'identity' && declared > maxBytes) {
        response.body.destroy();
        throw tooBig(redactUrl(current.href), maxBytes);
      }
      const body = await readBody(response.body, encoding, maxBytes, redactUrl(current.href), timeout, options.signal);
      return { url, finalUrl: current.href, redirects, status: statusCode, contentType, body, fetchedAt };
    }
  } finally {
    await dispatcher.close().catch(() => {});
  }
}

function parseHttpUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw new FetchError('http-status', redactUrl(url), `${redactUrl(url)}: not a valid URL`, { cause: redactedUrlError(err) });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new FetchError('http-status', redactUrl(url), `${redactUrl(url)}: only http and https URLs can be fetched`);
  }
  return parsed;
}

function resolveRedirect(location: string, from: URL): URL {
  let next: URL;
  try {
    next = new URL(location, from);
  } catch (err) {
    throw new FetchError('redirects', redactUrl(from.href), `${redactUrl(from.href)}: redirect to an invalid address (${redactUrl(location)})`, { cause: redactedUrlError(err) });
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new FetchError('redirects', redactUrl(from.href), `${redactUrl(from.href)}: redirect to a ${next.protocol} address, which da2en does not follow`);
  }
  return next;
}

function header(headers: Dispatcher.ResponseData['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * One agent per fetch (no connection outlives it). Its connector asks `allowAddress` about every
 * address a host name resolves to, so nothing connects to a refused address.
 */
function createAgent(options: FetchPageOptions): Agent {
  const allow = options.allowAddress;
  const lookup: net.LookupFunction | undefined = allow
    ? (hostname, lookupOptions, callback) => {
        dns.lookup(hostname, { ...lookupOptions, all: true }, (err, addresses) => {
          if (err) return callback(err, '', 0);
          const allowed = addresses.filter((a) => allow(a.address, a.family === 6 ? 6 : 4));
          if (allowed.length === 0) {
            const refused = Object.assign(new Error(`${hostname} resolves only to refused addresses (${addresses.map((a) => a.address).join(', ')})`), { code: 'EDA2EN_ADDRESS_REFUSED' });
            return callback(refused, '', 0);
          }
          if ((lookupOptions as { all?: boolean }).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, allowed);
          const first = allowed[0]!;
          callback(null, first.address, first.family);
        });
      }
    : undefined;
  const connect = buildConnector({ timeout: Math.ceil(options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS), ...(lookup ? { lookup } : {}) });
  return new Agent({ connect, connections: 4 });
}

/** `net` never looks up an IP literal, so the address check sees those here. */
function checkLiteralAddress(url: URL, options: FetchPageOptions): void {
  if (!options.allowAddress) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const family = net.isIP(host);
  if (family !== 0 && !options.allowAddress(host, family === 6 ? 6 : 4)) {
    throw new FetchError('address-refused', redactUrl(url.href), `${redactUrl(url.href)}: the address ${host} is not allowed (private or local network)`);
  }
}

function statusError(status: number, url: string): FetchError {
  if (status === 404 || status === 410) {
    return new FetchError('not-found', url, `${url}: page not found (HTTP ${status}); check the address`, { status });
  }
  if (status >= 500) {
    return new FetchError('server-error', url, `${url}: the server failed (HTTP ${status}); try again later`, { status });
  }
  return new FetchError('http-status', url, `${url}: the server refused the page (HTTP ${status})`, { status });
}

function tooBig(url: string, maxBytes: number): FetchError {
  return new FetchError('too-big', url, `${url}: the page is larger than ${formatBytes(maxBytes)}; save it and pass the file instead`);
}

/** The limit as a person reads it; rounded down, so that "larger than" stays true (10 bytes is not "0 KiB"). */
function formatBytes(n: number): string {
  const [size, unit] = n >= 1024 * 1024 ? [n / (1024 * 1024), 'MiB'] : n >= 1024 ? [n / 1024, 'KiB'] : [n, n === 1 ? 'byte' : 'bytes'];
  return `${Math.floor(size * 10) / 10} ${unit}`;
}

/** The body's bytes as sent, and what decompresses them (null: nothing to do). */
interface Decompression {
  source: Readable;
  inflate: Transform | null;
}

async function decompression(body: Readable, encoding: string, url: string): Promise<Decompression> {
  switch (encoding) {
    case 'identity':
    case '':
      return { source: body, inflate: null };
    case 'gzip':
    case 'x-gzip':
      return { source: body, inflate: zlib.createGunzip() };
    case 'br':
      return { source: body, inflate: zlib.createBrotliDecompress() };
    case 'deflate':
      return deflateOf(body);
    default:
      throw new FetchError('http-status', url, `${url}: the server sent the page compressed as "${encoding}", which da2en cannot read`);
  }
}

/**
 * "deflate" is zlib-wrapped by the standard, but servers often send raw deflate; browsers read
 * both, telling them apart by the zlib header, and so does da2en. The first bytes are read to see
 * which, then put back in front of the rest.
 */
async function deflateOf(body: Readable): Promise<Decompression> {
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const seen: Buffer[] = [];
  let seenBytes = 0;
  while (seenBytes < 2) {
    const next = await chunks.next();
    if (next.done) break;
    seen.push(next.value);
    seenBytes += next.value.length;
  }
  const head = Buffer.concat(seen);
  async function* all(): AsyncGenerator<Buffer> {
    try {
      if (head.length > 0) yield head;
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
    } finally {
      await chunks.return?.(); // stopped early (too big): the body goes too
    }
  }
  return { source: Readable.from(all(), { objectMode: false }), inflate: hasZlibHeader(head) ? zlib.createInflate() : zlib.createInflateRaw() };
}

/** RFC 1950: compression method 8 (deflate) with a window of at most 32 KiB, and a check value. */
function hasZlibHeader(head: Buffer): boolean {
  return head.length >= 2 && (head[0]! & 0x0f) === 8 && head[0]! >> 4 <= 7 && ((head[0]! << 8) | head[1]!) % 31 === 0;
}

async function readBody(body: Readable, encoding: string, maxBytes: number, url: string, timeout: AbortSignal, userSignal: AbortSignal | undefined): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  try {
    const { source, inflate } = await decompression(body, encoding, url);
    const stream: Readable = inflate ? source.pipe(inflate) : source;
    if (inflate) source.on('error', (err) => inflate.destroy(err));
    for await (const part of stream) {
      size += (part as Buffer).length;
      if (size > maxBytes) {
        body.destroy();
        source.destroy();
        stream.destroy();
        throw tooBig(url, maxBytes);
      }
      parts.push(part as Buffer);
    }
  } catch (err) {
    if (err instanceof FetchError) throw err;
    if (!timeout.aborted && !userSignal?.aborted && codeOf(err)?.startsWith('Z_')) {
      throw new FetchError('connection', url, `${url}: the server sent a corrupt ${encoding} body`, { cause: err });
    }
    throw classify(err, url, timeout, userSignal);
  }
  return Buffer.concat(parts);
}

/** The code of an error or of one it wraps (undici and Node nest them). */
function codeOf(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}

function classify(err: unknown, url: string, timeout: AbortSignal, userSignal: AbortSignal | undefined): unknown {
  if (userSignal?.aborted) return userSignal.reason ?? err; // the caller's own abort (Ctrl-C) stays what it is
  const host = safeHost(url);
  if (timeout.aborted) return new FetchError('timeout', url, `${url}: no complete answer within the time limit; the site may be slow or down, try again`, { cause: err });
  const code = codeOf(err);
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NODATA':
    case 'EAI_NONAME':
      return new FetchError('dns', url, `${url}: host ${host} not found (DNS); check the address and your connection`, { cause: err });
    case 'ECONNREFUSED':
      return new FetchError('refused', url, `${url}: connection refused by ${host}; is the address right?`, { cause: err });
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'ETIMEDOUT':
      return new FetchError('timeout', url, `${url}: no complete answer within the time limit; the site may be slow or down, try again`, { cause: err });
    case 'EDA2EN_ADDRESS_REFUSED':
      return new FetchError('address-refused', url, `${url}: ${(err as Error).message} (private or local network)`, { cause: err });
    default: {
      const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
      return new FetchError('connection', url, `${url}: connection to ${host} failed (${code ?? detail})`, { cause: err });
    }
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
