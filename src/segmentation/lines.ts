/**
 * Line breaks inside a paragraph.
 *
 * The source side always keeps every line break. For translation, a line is either:
 *  - a hard line: translated on its own; its first chunk has `joinBefore: '\n'`, so the target
 *    keeps the break; or
 *  - a soft-wrapped continuation of the previous line (hard-wrapped prose): the previous line
 *    does not end a sentence and this line starts with a lower-case letter. It is joined to the
 *    previous line with one space before sentence splitting, so a sentence that runs across the
 *    wrap is translated whole; the break is then not reproduced in the target (the translation
 *    reflows).
 * "Ends a sentence" = the line ends, before closing quotes/brackets, in . ! ? : or …
 */

const TRAILING_CLOSERS = /[)\]}"'»«”“’‘]+$/u;

export function endsSentence(line: string): boolean {
  return /[.!?:…]$/u.test(line.trimEnd().replace(TRAILING_CLOSERS, ''));
}

export function isSoftWrap(previousLine: string, line: string): boolean {
  return !endsSentence(previousLine) && /^\p{Ll}/u.test(line.trimStart());
}

/** Groups lines into logical lines: soft-wrapped lines are joined with one space. */
export function logicalLines(lines: readonly string[]): string[] {
  const out: string[] = [];
  let previous: string | undefined;
  for (const line of lines) {
    if (previous !== undefined && out.length > 0 && isSoftWrap(previous, line)) {
      out[out.length - 1] += ` ${line}`;
    } else {
      out.push(line);
    }
    previous = line;
  }
  return out;
}
