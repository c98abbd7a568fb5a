/**
 * Headers that keep a client's own text from being read as something else. Answers of this server
 * echo input text (translations of it, rendered files, error lines naming it), so no answer may be
 * sniffed into another type, and a rendered file runs under the same policy as the file written by
 * the CLI (its meta CSP), sent as a header too so it holds before the browser reaches the meta tag.
 */
import type { OutputFormat } from '../rendering/formats.js';
import { CSP as RENDERED_HTML_CSP } from '../rendering/index.js';

export const NOSNIFF = { 'X-Content-Type-Options': 'nosniff' } as const;

// Not to be framed, and no base or form to redirect: as the reading page (page.ts).
const NO_EMBEDDING = "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The CSP for an answer of /v1/articles in `format`: the HTML file's own policy (its inline style
 * and its one alignment script by hash), and for every other format nothing at all, should a
 * browser be sent to display it.
 */
export function articleCsp(format: OutputFormat): string {
  return format === 'html' ? `${RENDERED_HTML_CSP}; ${NO_EMBEDDING}` : `default-src 'none'; ${NO_EMBEDDING}`;
}
