/**
 * Readability's article element → typed blocks in reading order. Headings keep their level,
 * list items their list (numbered or not, depth), block quotes, figure captions and byline lines
 * are marked; everything inline (links, emphasis, spans) becomes plain text, <br> a line break.
 */
import type { ArticleBlock, BlockLink, BlockType } from '../article.js';
import { isElement, isUnseen, tagOf, TEXT_NODE, type DomElement, type DomNode } from './dom.js';
import { linkTarget } from '../link-target.js';

const HEADING = /^h([1-6])$/;
/** Elements whose content starts a new block (everything else is inline and joins the text around it). */
const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'dd', 'details', 'dialog', 'div', 'dl', 'dt', 'fieldset',
  'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'li',
  'main', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
]);
/** Never text for a reader. */
const SKIP_TAGS = new Set(['script', 'style', 'noscript', 'noembed', 'noframes', 'template', 'iframe', 'object', 'embed', 'svg', 'canvas', 'button', 'input', 'select', 'textarea', 'img', 'picture', 'video', 'audio', 'source']);
const BYLINE_HINT = /\b(byline|author|dateline|writtenby|article-?meta|tc_byline)\b/i;
/** A byline line is short; a paragraph that merely mentions an author is not one. */
const BYLINE_MAX_CHARS = 200;

interface Context {
  baseUrl: string | undefined;
  blocks: ArticleBlock[];
}

interface Inline {
  text: string;
  links: BlockLink[];
}

export function blocksFromDom(root: DomElement, baseUrl?: string): ArticleBlock[] {
  const ctx: Context = { baseUrl, blocks: [] };
  walkContainer(root, ctx, { quoteDepth: 0, listDepth: 0 });
  return ctx.blocks;
}

interface Where {
  quoteDepth: number;
  listDepth: number;
  /** Inside a <figure> (its text blocks are captions). */
  inFigure?: boolean;
  /** Inside an element marked as the byline. */
  inByline?: boolean;
  /** Inside a list item after its first text (a second paragraph, code, a table): the item's depth. */
  inListItem?: number;
}

/** Children of a block container: runs of inline content become one block, block children recurse. */
function walkContainer(el: DomElement, ctx: Context, where: Where, runType: BlockType = 'paragraph'): void {
  walkNodes(Array.from(el.childNodes), ctx, where, runType);
}

function walkNodes(nodes: readonly DomNode[], ctx: Context, where: Where, runType: BlockType): void {
  let run: DomNode[] = [];
  const flush = () => {
    if (run.length > 0) emit(ctx, runType, inlineText(run, ctx.baseUrl), where);
    run = [];
  };
  for (const child of nodes) {
    const tag = tagOf(child);
    if (SKIP_TAGS.has(tag) || isUnseen(child)) continue;
    if (isElement(child) && BLOCK_TAGS.has(tag)) {
      flush();
      walkBlock(child, ctx, where);
    } else if (isElement(child) || child.nodeType === TEXT_NODE) {
      run.push(child);
    }
  }
  flush();
}

function walkBlock(el: DomElement, ctx: Context, where: Where): void {
  const tag = tagOf(el);
  const inByline = where.inByline || BYLINE_HINT.test(`${el.getAttribute('class') ?? ''} ${el.getAttribute('id') ?? ''} ${el.getAttribute('rel') ?? ''}`);
  const here: Where = { ...where, inByline };
  const heading = HEADING.exec(tag);
  if (heading) {
    emit(ctx, 'heading', inlineText(Array.from(el.childNodes), ctx.baseUrl), here, { level: Number(heading[1]) });
  } else if (tag === 'p' || tag === 'dt' || tag === 'dd' || tag === 'summary' || tag === 'address') {
    // Readability turns a byline <div> into a <p> without its class; what stays inside tells.
    const bylineInside = el.querySelector('time, [rel~="author"], .author, .byline') !== null;
    const type: BlockType = bylineInside ? 'byline' : textTypeOf(here);
    walkContainer(el, ctx, here, type);
  } else if (tag === 'figcaption') {
    walkContainer(el, ctx, here, 'caption');
  } else if (tag === 'figure') {
    walkContainer(el, ctx, { ...here, inFigure: true }, 'caption');
  } else if (tag === 'blockquote') {
    walkContainer(el, ctx, { ...here, quoteDepth: here.quoteDepth + 1 }, 'quote');
  } else if (tag === 'ul' || tag === 'ol') {
    walkList(el, ctx, here, tag === 'ol');
  } else if (tag === 'pre') {
    const text = (el.textContent ?? '').replace(/\n$/, '');
    if (text.trim() !== '') ctx.blocks.push({ type: 'code', text, ...(where.inListItem ? { inListItem: where.inListItem } : {}) });
  } else if (tag === 'table') {
    walkTable(el, ctx, here);
  } else if (tag === 'hr') {
    // a rule carries no text
  } else {
    walkContainer(el, ctx, here, textTypeOf(here));
  }
}

/** The type of a text block where it stands (a paragraph in a quote is a quote, and so on). */
function textTypeOf(where: Where): BlockType {
  return where.inByline ? 'byline' : where.inFigure ? 'caption' : where.quoteDepth > 0 ? 'quote' : 'paragraph';
}

/**
 * A list's items in order; anything else in it (a stray <p>, loose text) is kept where it stands.
 * Items are numbered as a browser shows them: from `start`, downwards in a `reversed` list (from
 * the number of items when it has no `start`), and from an item's own `value` on.
 */
function walkList(list: DomElement, ctx: Context, where: Where, ordered: boolean): void {
  const depth = where.listDepth + 1;
  const reversed = list.getAttribute('reversed') !== null;
  const items = Array.from(list.childNodes).filter((c) => tagOf(c) === 'li').length;
  let number = integerAttribute(list, 'start') ?? (reversed ? items : 1);
  let loose: DomNode[] = [];
  const flushLoose = () => {
    walkNodes(loose, ctx, where, textTypeOf(where));
    loose = [];
  };
  for (const child of Array.from(list.childNodes)) {
    if (tagOf(child) !== 'li' || !isElement(child)) {
      loose.push(child);
      continue;
    }
    flushLoose();
    const extra: Partial<ArticleBlock> & { depth: number } = { ordered, depth };
    if (ordered) extra.number = number = integerAttribute(child, 'value') ?? number;
    walkListItem(child, ctx, where, extra);
    number += reversed ? -1 : 1;
  }
  flushLoose();
}

/** An integer attribute as the HTML standard reads one (white space, a sign, digits, anything after them ignored); undefined when it holds none. */
function integerAttribute(el: DomElement, name: string): number | undefined {
  const value = Number.parseInt(el.getAttribute(name) ?? '', 10);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** A table's caption, then its own cells row by row (a table nested in a cell is walked in that cell). */
function walkTable(table: DomElement, ctx: Context, where: Where): void {
  for (const child of Array.from(table.childNodes)) {
    const tag = tagOf(child);
    if (tag === 'colgroup' || tag === 'col') continue;
    if (tag === 'caption' && isElement(child)) walkContainer(child, ctx, where, 'caption');
    else if ((tag === 'thead' || tag === 'tbody' || tag === 'tfoot' || tag === 'tr') && isElement(child)) walkTable(child, ctx, where);
    else if ((tag === 'th' || tag === 'td') && isElement(child)) walkHeaded(child, ctx, where, 'table-cell', where.inListItem ? { inListItem: where.inListItem } : {});
    else walkNodes([child], ctx, where, textTypeOf(where));
  }
}

/**
 * A list item: what follows its first text stands in it (a renderer indents it into the item), as
 * the Markdown reader has it. An item that opens with no text (code, a nested list) has no item to
 * hold the rest: its blocks stand where the list stands.
 */
function walkListItem(li: DomElement, ctx: Context, where: Where, extra: Partial<ArticleBlock> & { depth: number }): void {
  const first = ctx.blocks.length;
  if (walkHeaded(li, ctx, { ...where, listDepth: extra.depth, inListItem: extra.depth }, 'list-item', extra)) return;
  for (let i = first; i < ctx.blocks.length; i++) {
    const block = ctx.blocks[i]!;
    if (block.inListItem !== extra.depth) continue;
    if (where.inListItem) block.inListItem = where.inListItem;
    else delete block.inListItem;
  }
}

/**
 * A list item or a table cell: its content in document order, as the Markdown reader does it. The
 * first text block (inline text or a paragraph) is the item or cell; what follows keeps its own
 * type (more paragraphs, code, a nested list), so nothing runs together and code stays code.
 */
function walkHeaded(el: DomElement, ctx: Context, where: Where, type: BlockType, extra: Partial<ArticleBlock>): boolean {
  const first = ctx.blocks.length;
  walkContainer(el, ctx, where, textTypeOf(where));
  const head = ctx.blocks[first];
  if (!head || !(head.type === 'paragraph' || head.type === 'quote' || head.type === 'caption' || head.type === 'byline')) return false;
  ctx.blocks[first] = { type, text: head.text, ...extra, ...(head.links ? { links: head.links } : {}) };
  return true;
}

function emit(ctx: Context, type: BlockType, inline: Inline, where: Where, extra: Partial<ArticleBlock> = {}): void {
  if (inline.text === '') return;
  let finalType = type;
  if (type === 'paragraph' && where.inByline && inline.text.length <= BYLINE_MAX_CHARS) finalType = 'byline';
  if (finalType === 'byline' && inline.text.length > BYLINE_MAX_CHARS) finalType = 'paragraph';
  const block: ArticleBlock = { type: finalType, text: inline.text, ...extra };
  if (type === 'quote' && where.quoteDepth > 1) block.depth = where.quoteDepth;
  if (where.inListItem) block.inListItem = where.inListItem;
  if (inline.links.length > 0) block.links = inline.links;
  ctx.blocks.push(block);
}

/** Text of inline content: whitespace collapsed as a browser shows it, <br> kept as a line break. */
function inlineText(nodes: readonly DomNode[], baseUrl: string | undefined): Inline {
  const links: BlockLink[] = [];
  let raw = '';
  const visit = (node: DomNode) => {
    if (node.nodeType === TEXT_NODE) {
      // Source formatting (indentation, line ends) is whitespace to a browser: only <br> breaks a line.
      raw += (node.textContent ?? '').replace(/\s+/g, ' ');
      return;
    }
    if (!isElement(node)) return;
    const tag = tagOf(node);
    if (SKIP_TAGS.has(tag) || isUnseen(node)) return;
    if (tag === 'br') {
      raw += '\n';
      return;
    }
    // A block nested in inline content (rare after Readability) starts and ends a line.
    if (BLOCK_TAGS.has(tag)) raw += '\n';
    const before = raw.length;
    for (const child of Array.from(node.childNodes)) visit(child);
    if (tag === 'a') {
      const href = linkTarget(node.getAttribute('href'), baseUrl);
      const text = collapse(raw.slice(before));
      if (href && text) links.push({ text, href });
    } else if (BLOCK_TAGS.has(tag)) {
      raw += '\n';
    }
  };
  nodes.forEach(visit);
  return { text: collapseLines(raw), links };
}

function collapse(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function collapseLines(s: string): string {
  return s
    .split('\n')
    .map((line) => line.replace(/[\s\u00a0]+/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');
}
