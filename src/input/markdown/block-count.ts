/**
 * An upper bound on the blocks micromark takes quadratic time over, counted line by line before the
 * parser runs. Each block quote or list that ends before the next one starts, and each underlined
 * (setext) heading, makes micromark move the events it has read so far, so the time grows with the
 * square of their number whatever the file's size: 2,000 sibling block quotes (10 KB) took 4 s,
 * 2,000 separate lists 8 s, 4,000 underlined headings 52 s (2 cores at load 5); the 8 MiB a Markdown
 * input may have would hold 1.4 million of them (months). A long block quote or list of many items
 * costs no more than its text, and real articles have a few dozen such blocks.
 *
 * Counted: a ">" line after a line that is not one (a new quote), a list item after a line that is
 * neither a list item nor indented (a new list), a line of "=" or "-" right under text (a setext
 * underline). Code blocks are read the same way, which can only overcount.
 */

/** 3,000 parse in seconds (at most ~15 s at load 5); a real article has a few dozen. */
export const MAX_MARKDOWN_BLOCKS = 3000;

const BLANK = /^[ \t]*$/;
const QUOTE = /^[ \t]*>/;
const LIST_ITEM = /^[ \t]*(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)/;
const INDENTED = /^[ \t]/;
const UNDERLINE = /^ {0,3}(?:=+|-+)[ \t]*$/;

/** Whether `markdown` has more than `limit` block quotes, lists and underlined headings (an upper bound on them). */
export function hasMoreBlocksThan(markdown: string, limit: number = MAX_MARKDOWN_BLOCKS): boolean {
  let count = 0;
  let previous = '';
  let lastText = '';
  for (const line of markdown.split(/\r\n|\r|\n/)) {
    if (BLANK.test(line)) {
      previous = line;
      continue;
    }
    if (UNDERLINE.test(line) ? !BLANK.test(previous) : QUOTE.test(line) ? !QUOTE.test(previous) : LIST_ITEM.test(line) && !LIST_ITEM.test(lastText) && !INDENTED.test(lastText)) {
      if (++count > limit) return true;
    }
    previous = line;
    lastText = line;
  }
  return false;
}
