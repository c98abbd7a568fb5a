/**
 * How deep a page's elements nest in the DOM linkedom builds, measured before that DOM is built.
 * linkedom (and Readability over it) slow down with depth and recurse: 2,000 nested <div> took
 * 73 s, 5,000 nested <blockquote> overflowed the stack.
 *
 * The count is made by the parser linkedom builds its tree with (htmlparser2, with linkedom's
 * options), so that what it reads as text (script, style, title, textarea, xmp: not iframe,
 * noembed, noframes or plaintext, as a browser would) and how it opens, implies closed and closes
 * elements are the tree's own. An imitation of it with parse5's tokenizer disagreed on those four
 * tags, on a self-closed <script/>, and on <div/> inside <svg><foreignObject>: 20,000 levels in an
 * <iframe> passed and overflowed the stack. A pass of htmlparser2 builds nothing, is linear and
 * stops at the limit.
 */
import { Parser } from 'htmlparser2';

/** Readability over a 60 KB page of 256-deep <div> chains took 2–3 s here, of 512-deep ones 10–15 s; real pages nest a few dozen levels. */
export const MAX_PAGE_DEPTH = 256;

/** linkedom's parseFromString passes these for an HTML document; xmlMode is what shapes the tree. */
const LINKEDOM_HTML_OPTIONS = { lowerCaseAttributeNames: false, decodeEntities: true, xmlMode: false } as const;

class TooDeep extends Error {}

/** Whether `html`'s elements nest deeper than `limit` (the deepest element at depth 1 is the root). */
export function nestsDeeperThan(html: string, limit: number = MAX_PAGE_DEPTH): boolean {
  let depth = 0;
  const parser = new Parser(
    {
      // htmlparser2 reports every element it closes, implied or void ones included, as linkedom's
      // tree builder relies on: it steps back to the parent on each.
      onopentagname() {
        if (++depth > limit) throw new TooDeep();
      },
      onclosetag() {
        depth--;
      },
    },
    LINKEDOM_HTML_OPTIONS,
  );
  try {
    parser.end(html);
  } catch (err) {
    if (err instanceof TooDeep) return true;
    throw err;
  }
  return false;
}
