/**
 * An upper bound on how deep Markdown's containers (block quotes, list items) nest, read line by
 * line before the parser runs. micromark's time grows faster than the nesting: 1,000 "> - " on one
 * line (4 KB) took 4 s, 1,500 over 11 s. A line is as deep as the container markers it opens with
 * (">", "-", "+", "*", "1." or "1)" followed by a space or the line's end) plus its indentation
 * beyond a marker's own space, counted two columns a level (a list item's content sits at least
 * two columns in). Lines in code blocks and spaced rules ("- - -") are read the same way, which
 * can only overcount, and only a line of over 100 markers or 200 columns of indentation is refused.
 */

/** 100 levels on one line parse in a fraction of a second; real articles nest a few. */
export const MAX_MARKDOWN_DEPTH = 100;

const LIST_MARKER = /^(?:[-+*]|\d{1,9}[.)])(?=[ \t]|$)/;

/** The nesting a line's opening markers and indentation can give it (an upper bound). */
export function lineNesting(line: string): number {
  let quotes = 0;
  let lists = 0;
  let columns = 0;
  let afterMarker = false;
  let at = 0;
  while (at < line.length) {
    const c = line[at]!;
    if (c === ' ' || c === '\t') {
      // The first blank after a marker belongs to the marker.
      if (!afterMarker) columns += c === '\t' ? 4 - (columns % 4) : 1;
      afterMarker = false;
      at++;
    } else if (c === '>') {
      quotes++;
      afterMarker = true;
      at++;
    } else {
      const marker = LIST_MARKER.exec(line.slice(at, at + 11));
      if (!marker) break;
      lists++;
      afterMarker = true;
      at += marker[0].length;
    }
  }
  return quotes + lists + Math.floor(columns / 2);
}

/** Whether any line of `markdown` may nest containers deeper than `limit`. */
export function nestsDeeperThan(markdown: string, limit: number = MAX_MARKDOWN_DEPTH): boolean {
  for (const line of markdown.split(/\r\n|\r|\n/)) if (lineNesting(line) > limit) return true;
  return false;
}
