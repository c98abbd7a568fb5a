/**
 * A URL as da2en shows it in messages and keeps it in outputs: credentials in it (`user:password@`)
 * are the user's secret, and a message is pasted into bug reports, a saved file shared. The password
 * becomes `***`; a user name with no password does too, since that is where a token goes
 * (`https://TOKEN@host/`). A URL with no credentials is returned exactly as given.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL to the parser, but still named in its error line: hide all before an @ in its authority.
    return url.replace(/^([a-z][a-z\d+.-]*:[\\/]*)[^\\/?#]*@/i, '$1***@');
  }
  if (parsed.username === '' && parsed.password === '') return url;
  if (parsed.password !== '') parsed.password = '***';
  else parsed.username = '***';
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
