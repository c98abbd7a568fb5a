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
 * it pointed. The URL parser decides that it names no scheme, as a browser reads it (leading
 * spaces and control characters stripped, tabs and line breaks removed: " java\tscript:").
 */
function relativeHref(href: string): string | undefined {
  let url: URL;
  try {
    url = new URL(href, UNKNOWN_PAGE);
  } catch {
    return undefined;
  }
  if (url.origin !== UNKNOWN_PAGE.origin) return undefined;
  const written = href.replace(/[\t\n\r]/g, '').trim();
  return written === '' || written.startsWith('#') ? undefined : written;
}
