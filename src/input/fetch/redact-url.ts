/**
 * A URL as da2en shows it in messages and keeps it in outputs: credentials in it (`user:password@`)
 * are the user's secret, and a message is pasted into bug reports, a saved file shared. The password
 * becomes `***`; a user name with no password does too, since that is where a token goes
 * (`https://TOKEN@host/`). A fragment holding an `@` becomes `#***`: it is what is left of a password
 * with an unencoded `#` in it (`http://admin:12#secret@host/`), and a fragment is never sent anyway.
 * Any other URL is returned exactly as given.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL to the parser (a password with an unencoded `/`, `?` or `#` makes it so), but still
    // named in its error line: all from the authority's start to the last @ may be the password.
    return url.replace(/^([a-z][a-z\d+.-]*:[\\/]*)[\s\S]*@/i, '$1***@');
  }
  const credentials = parsed.username !== '' || parsed.password !== '';
  const hashWithAt = parsed.hash.includes('@');
  if (!credentials && !hashWithAt) return url;
  if (parsed.password !== '') parsed.password = '***';
  else if (parsed.username !== '') parsed.username = '***';
  if (hashWithAt) parsed.hash = '***';
  return parsed.href;
}

/** The URL with no credentials at all: the base of a page's links, which a reader follows (a `***` password would fail). */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '') return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.href;
  } catch {
    return url;
  }
}

/**
 * Node's TypeError for a URL it cannot parse keeps the input (and base) as given, credentials
 * and all, and an error's cause is printed with it: the same error with them redacted.
 */
export function redactedUrlError(err: unknown): unknown {
  if (!(err instanceof TypeError)) return err;
  const { code, input, base } = err as TypeError & { code?: unknown; input?: unknown; base?: unknown };
  return Object.assign(new TypeError(err.message), {
    ...(code !== undefined ? { code } : {}),
    ...(typeof input === 'string' ? { input: redactUrl(input) } : {}),
    ...(typeof base === 'string' ? { base: redactUrl(base) } : {}),
  });
}
