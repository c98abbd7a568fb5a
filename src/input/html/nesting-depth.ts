/**
 * How deep a page's elements nest in the DOM linkedom builds, measured before that DOM is built.
 * linkedom (and Readability over it) slow down with depth and recurse: 2,000 nested <div> took
 * 73 s, 5,000 nested <blockquote> overflowed the stack. A pass of parse5's tokenizer, which reads
 * comments, attributes, scripts and styles as a browser does, is linear and stops at the limit.
 *
 * The nesting follows linkedom's parser (htmlparser2 10), not the HTML standard's tree builder: it
 * is linkedom's tree that is walked. Void elements hold nothing, a self-closed tag holds nothing in
 * <svg>/<math>, an end tag closes up to its element, and a start tag first closes the elements it
 * implies closed (an unclosed <p>, <li>, <td>, <option>, as old pages leave them), by
 * htmlparser2's own table.
 */
import { Tokenizer, TokenizerMode, type Token } from 'parse5';

/** Readability over a 60 KB page of 256-deep <div> chains took 2–3 s here, of 512-deep ones 10–15 s; real pages nest a few dozen levels. */
export const MAX_PAGE_DEPTH = 256;

const VOID = new Set(['area', 'base', 'basefont', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'img', 'input', 'isindex', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
const FOREIGN = new Set(['svg', 'math']);
const TEXT_STATE: ReadonlyMap<string, number> = new Map([
  ['title', TokenizerMode.RCDATA],
  ['textarea', TokenizerMode.RCDATA],
  ['style', TokenizerMode.RAWTEXT],
  ['xmp', TokenizerMode.RAWTEXT],
  ['iframe', TokenizerMode.RAWTEXT],
  ['noembed', TokenizerMode.RAWTEXT],
  ['noframes', TokenizerMode.RAWTEXT],
  ['script', TokenizerMode.SCRIPT_DATA],
  ['plaintext', TokenizerMode.PLAINTEXT],
]);

const P = new Set(['p']);
const FORM = new Set(['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea']);
const DD_DT = new Set(['dd', 'dt']);
const RT_RP = new Set(['rt', 'rp']);
const SECTION = new Set(['thead', 'tbody']);
/** htmlparser2's openImpliesClose: a start tag closes the current element while it is one of these. */
const IMPLIES_CLOSE: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['tr', new Set(['tr', 'th', 'td'])],
  ['th', new Set(['th'])],
  ['td', new Set(['thead', 'th', 'td'])],
  ['body', new Set(['head', 'link', 'script'])],
  ['li', new Set(['li'])],
  ['option', new Set(['option'])],
  ['optgroup', new Set(['optgroup', 'option'])],
  ['dd', DD_DT],
  ['dt', DD_DT],
  ['rt', RT_RP],
  ['rp', RT_RP],
  ['tbody', SECTION],
  ['tfoot', SECTION],
  ...['select', 'input', 'output', 'button', 'datalist', 'textarea'].map((tag) => [tag, FORM] as const),
  ...[
    'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'address', 'article', 'aside', 'blockquote', 'details', 'div', 'dl', 'fieldset',
    'figcaption', 'figure', 'footer', 'form', 'header', 'hr', 'main', 'nav', 'ol', 'pre', 'section', 'table', 'ul',
  ].map((tag) => [tag, P] as const),
]);

class TooDeep extends Error {}

/** Whether `html`'s elements nest deeper than `limit` (the deepest element at depth 1 is the root). */
export function nestsDeeperThan(html: string, limit: number = MAX_PAGE_DEPTH): boolean {
  const open: string[] = [];
  let foreign = 0;
  const tokenizer: Tokenizer = new Tokenizer(
    {},
    {
      onStartTag(token: Token.TagToken) {
        const name = token.tagName;
        const closes = IMPLIES_CLOSE.get(name);
        if (closes) while (open.length > 0 && closes.has(open[open.length - 1]!)) open.pop();
        if (VOID.has(name) || (token.selfClosing && (foreign > 0 || FOREIGN.has(name)))) return;
        open.push(name);
        if (open.length > limit) throw new TooDeep();
        if (FOREIGN.has(name)) foreign++;
        tokenizer.inForeignNode = foreign > 0;
        const state = foreign > 0 ? undefined : TEXT_STATE.get(name);
        if (state !== undefined) tokenizer.state = state as Tokenizer['state'];
      },
      onEndTag(token: Token.TagToken) {
        const at = open.lastIndexOf(token.tagName);
        if (at < 0) return;
        foreign -= open.slice(at).filter((name) => FOREIGN.has(name)).length;
        open.length = at;
        tokenizer.inForeignNode = foreign > 0;
      },
      onComment() {},
      onDoctype() {},
      onEof() {},
      onCharacter() {},
      onNullCharacter() {},
      onWhitespaceCharacter() {},
    },
  );
  try {
    tokenizer.write(html, true);
  } catch (err) {
    if (err instanceof TooDeep) return true;
    throw err;
  }
  return false;
}
