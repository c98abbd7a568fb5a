/**
 * Metadata glued in front of an article, e.g. the seed article starts with
 * " date 2021-07 Over 1000 afghanske …". The marker is: optional leading whitespace, the word
 * `date` (any case), whitespace, a date `YYYY-MM` or `YYYY-MM-DD`, then whitespace or the end.
 * It is recognised only at the very start of the input, removed from the text, and never sent
 * to the model.
 */

// What stands before it may also be invisible (a zero-width space, a line of one): a reader sees nothing there.
const DATE_MARKER = /^[\s\p{Default_Ignorable_Code_Point}]*date[ \t]+(\d{4}-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)(?=\s|$)[ \t]*/iu;

export interface LeadingMetadata {
  date?: string;
  /** The input with the marker removed. */
  rest: string;
}

export function extractLeadingMetadata(text: string): LeadingMetadata {
  const m = DATE_MARKER.exec(text);
  if (!m || m[1] === undefined) return { rest: text };
  return { date: m[1], rest: text.slice(m[0].length) };
}
