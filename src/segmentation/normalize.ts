/**
 * Input normalisation and paragraph splitting.
 *
 * - A leading BOM (U+FEFF) is removed.
 * - Line ends CRLF, CR-only and LF all become LF.
 * - Every line is trimmed on both sides (trailing spaces are noise; leading indentation carries
 *   no meaning in news prose). "Whitespace" here is JavaScript's `\s`, so tabs and no-break
 *   spaces (U+00A0) count too.
 * - A line that is empty after trimming is blank; one or more blank lines separate paragraphs.
 * - Single line breaks inside a paragraph are kept.
 */

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** BOM removed and line ends normalised to LF. */
export function normalizeInput(text: string): string {
  return normalizeNewlines(stripBom(text));
}

/** Splits normalised text into paragraphs, each a list of trimmed, non-empty lines. */
export function splitParagraphs(text: string): string[][] {
  const paragraphs: string[][] = [];
  let current: string[] = [];
  for (const raw of normalizeInput(text).split('\n')) {
    const line = raw.trim();
    if (line === '') {
      if (current.length > 0) paragraphs.push(current);
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.length > 0) paragraphs.push(current);
  return paragraphs;
}

/**
 * What is sent to the model never contains a line break or a run of whitespace:
 * every run of whitespace other than LF (spaces, tabs, U+00A0 …) becomes one space.
 */
export function collapseInlineWhitespace(s: string): string {
  return s.replace(/[^\S\n]+/g, ' ');
}

/** Collapses every whitespace run (line breaks included) to one space and trims. */
export function normalizeWhitespace(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
