/**
 * Credentials written in a URL (`https://user:password@host/…`) as HTTP Basic authentication, the
 * way curl and browsers send them: undici's request ignores a URL's user name and password.
 */
import { unescape } from 'node:querystring';

/** The Authorization header's value for the URL's credentials (undefined when it has none). */
export function basicAuthorization(url: URL): string | undefined {
  if (url.username === '' && url.password === '') return undefined;
  // The parser keeps them percent-encoded; the header holds them as typed, in UTF-8. unescape, unlike
  // decodeURIComponent, leaves a stray % (`pa%zz`) as written instead of throwing.
  const pair = `${unescape(url.username)}:${unescape(url.password)}`;
  return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
}
