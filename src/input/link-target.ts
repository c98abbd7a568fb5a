/**
 * The target of a link in an article, as kept in the JSON `links`: web and mail links (resolved
 * against the page's URL when it is known), and relative ones as written where it is not (a saved
 * page, a Markdown file). Anything naming another scheme (`javascript:`, `data:`, `file:`) is dropped.
 */

export function linkTarget(href: string | null, baseUrl: string | undefined): string | undefined {
  if (!href || href.startsWith('#')) return undefined;
  try {
    const url = baseUrl ? new URL(href, baseUrl) : new URL(href);
    return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.href : undefined;
  } catch {
    return baseUrl ? undefined : relativeHref(href);
  }
}

/** Stands for an unknown page URL while a relative link is checked. */
const UNKNOWN_PAGE = new URL('http://relative.invalid/');

/**
 * A relative link of a page whose URL is unknown (a saved file), as written: it still says where
 * it pointed. Whoever reads the JSON may resolve it with another parser, or trim it differently
 * (String.trim removes a leading no-break space, which the URL parser keeps as a path character:
 * "\u00a0javascript:…" would come alive), so only a plainly relative target is kept, and kept
 * exactly as it was judged: after what every URL parser strips (tabs and line breaks anywhere,
 * leading and trailing C0 controls and spaces), it starts with a path, "./", "../", "?" or a name
 * character; names no scheme (no ":" before the first "/", "?" or "#"); is not "//host" in any
 * spelling; hides no control or format character; and its NFKC form (full-width letters and
 * slashes folded) passes the same checks.
 */
function relativeHref(href: string): string | undefined {
  const written = stripC0EdgesAndSpaces(href.replace(/[\t\n\r]/g, ''));
  if (!plainlyRelative(written) || !plainlyRelative(written.normalize('NFKC'))) return undefined;
  // The parser as a second judge: the target must stay on the page's own origin.
  try {
    if (new URL(written, UNKNOWN_PAGE).origin !== UNKNOWN_PAGE.origin) return undefined;
  } catch {
    return undefined;
  }
  return written;
}

/** As the URL parser strips its input: code points up to U+0020 at either end, nothing else. */
function stripC0EdgesAndSpaces(href: string): string {
  let start = 0;
  let end = href.length;
  while (start < end && href.charCodeAt(start) <= 0x20) start++;
  while (end > start && href.charCodeAt(end - 1) <= 0x20) end--;
  return href.slice(start, end);
}

/** A path, "./", "../", "?query" or a name (letters, digits, "_", "-", "~", "%") to start with. */
const RELATIVE_START = /^[\p{L}\p{N}_~%./?-]/u;
/** Two slashes in any mix start a host ("\" is "/" in web URLs). */
const HOST_START = /^[/\\]{2}/;
const SCHEME = /^[^/?#]*:/;
const HIDDEN_CHARACTER = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

function plainlyRelative(target: string): boolean {
  return RELATIVE_START.test(target) && !HOST_START.test(target) && !SCHEME.test(target) && !HIDDEN_CHARACTER.test(target);
}
