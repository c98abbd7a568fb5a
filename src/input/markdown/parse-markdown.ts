/**
 * Markdown → typed blocks through the unified family's parser (mdast-util-from-markdown with
 * GitHub-flavoured tables, task lists, strikethrough and autolinks). Headings keep their level,
 * list items their list, block quotes their depth; code blocks are kept verbatim and never
 * translated; tables are translated cell by cell. Inline markup becomes plain text (link targets
 * kept beside it); footnote references stay "[^1]", and footnotes are translated blocks with their
 * label: every block of a note (more paragraphs, a list, a quote, code) carries the note's label, so
 * outputs keep it in the note. A leading YAML front matter block is not article text and is dropped
 * (stripFrontMatter).
 */
import type { ListItem, Nodes, Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { nulsRemovedNote, removeNuls } from '../../nul-characters.js';
import type { Article, ArticleBlock, BlockLink, BlockType } from '../article.js';
import { InputFileError, NestingTooDeepError } from '../errors.js';
import { SETTING_WORDS } from '../../setting-words.js';
import { hasMoreBlocksThan, MAX_MARKDOWN_BLOCKS } from './block-count.js';
import { MAX_MARKDOWN_DEPTH, nestsDeeperThan } from './nesting-depth.js';
import { linkTarget } from '../link-target.js';

/** `inputName` names the input in an error (default "the Markdown"). */
export function parseMarkdown(markdown: string, inputName = 'the Markdown'): Article {
  // Before parsing: CommonMark makes a NUL U+FFFD, which would then be shown and translated.
  const { text: withoutNuls, removed } = removeNuls(markdown);
  const text = stripFrontMatter(withoutNuls);
  if (nestsDeeperThan(text, MAX_MARKDOWN_DEPTH)) throw new NestingTooDeepError(inputName, 'the Markdown has block quotes or lists', MAX_MARKDOWN_DEPTH);
  if (hasMoreBlocksThan(text, MAX_MARKDOWN_BLOCKS)) throw new InputFileError(inputName, `more than ${MAX_MARKDOWN_BLOCKS} block quotes, lists and underlined headings, which da2en does not read (the Markdown parser slows down with the square of their number); to translate all of its text, ${SETTING_WORDS.textInput}`, { settings: ['textInput'] });
  const tree: Root = fromMarkdown(text, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
  const blocks = walk(tree);
  // The first level-1 heading, when it opens the document, is the title.
  const first = blocks[0];
  let title = '';
  if (first?.type === 'heading' && first.level === 1) {
    title = first.text;
    blocks[0] = { type: 'title', text: first.text, ...(first.links ? { links: first.links } : {}) };
  }
  return { title, blocks, provenance: {}, ...(removed > 0 ? { notes: [nulsRemovedNote(removed)] } : {}) };
}

/** The front matter's fences, and the lines YAML front matter is made of. */
const OPENING = /^---[ \t]*\r?\n/;
const CLOSING = /^(?:---|\.\.\.)[ \t]*$/;
const KEY = /^[^\s#:-][^:]*:(?:[ \t]|$)/; // "title: x", "tags:"
const MORE_YAML = /^(?:$|[ \t]|#|-(?:[ \t]|$))/; // a blank line, a value's continuation, a comment, a list entry

/**
 * Leaves out a leading YAML front matter block: "---" on the first line, a key line right after
 * it, YAML lines, then "---" or "..." (at the end of the file or not). Anything else is Markdown:
 * a "---" followed by a blank line or by text is a rule, and the text after it is the article's.
 */
function stripFrontMatter(md: string): string {
  const opening = OPENING.exec(md);
  if (!opening) return md;
  let at = opening[0].length;
  for (let first = true; at < md.length; first = false) {
    const end = md.indexOf('\n', at);
    const next = end < 0 ? md.length : end + 1;
    const line = md.slice(at, end < 0 ? md.length : end).replace(/\r$/, '');
    // Two "---" and nothing between (Jekyll's empty front matter) hold no text either way.
    if (CLOSING.test(line) && (!first || line.startsWith('-'))) return md.slice(next);
    if (!KEY.test(line) && (first || !MORE_YAML.test(line))) return md;
    at = next;
  }
  return md;
}

interface Where {
  quoteDepth: number;
  /** Depth of the list item the blocks are in (0: in none). */
  listDepth: number;
  /** The label of the footnote definition the blocks are in. */
  footnote?: string;
}

/** Which footnote, if any, a block belongs to. */
function inNote(where: Where): Partial<ArticleBlock> {
  return where.footnote !== undefined ? { footnote: where.footnote } : {};
}

/** Where a block other than a list item's first paragraph sits: in which list item and footnote, if any. */
function inItem(where: Where): Partial<ArticleBlock> {
  return { ...(where.listDepth > 0 ? { inListItem: where.listDepth } : {}), ...inNote(where) };
}

/** What is left to walk: blocks where they sit, or one list item. */
type Frame = { nodes: Nodes[]; where: Where } | { item: ListItem; extra: Partial<ArticleBlock>; where: Where };

/**
 * The tree's blocks in document order. A stack of its own rather than recursion: the line scan
 * bounds the nesting, but no input should be able to overflow the call stack.
 */
function walk(tree: Root): ArticleBlock[] {
  const out: ArticleBlock[] = [];
  const todo: Frame[] = [];
  const later = (nodes: Nodes[], where: Where): void => {
    todo.push({ nodes: nodes.slice().reverse(), where });
  };
  later(tree.children, { quoteDepth: 0, listDepth: 0 });
  while (todo.length > 0) {
    const top = todo[todo.length - 1]!;
    if ('item' in top) {
      todo.pop();
      // The item's first paragraph is the item; what follows (more paragraphs, a nested list) is inside it.
      const [head, ...rest] = top.item.children;
      if (head?.type === 'paragraph') {
        push(out, 'list-item', head, top.extra);
        later(rest, { ...top.where, listDepth: top.extra.depth! });
      } else {
        // An item that opens with no paragraph (a heading, code, nothing) has no list item to hold
        // the rest: its blocks stand where the list stands.
        later(top.item.children, top.where);
      }
      continue;
    }
    const child = top.nodes.pop();
    if (child === undefined) {
      todo.pop();
      continue;
    }
    const where = top.where;
    switch (child.type) {
      case 'heading':
        push(out, 'heading', child, { level: child.depth, ...inItem(where) });
        break;
      case 'paragraph':
        push(out, where.quoteDepth > 0 ? 'quote' : 'paragraph', child, { ...(where.quoteDepth > 1 ? { depth: where.quoteDepth } : {}), ...inItem(where) });
        break;
      case 'blockquote':
        later(child.children, { ...where, quoteDepth: where.quoteDepth + 1 });
        break;
      case 'list': {
        const depth = where.listDepth + 1;
        // Walked in order, each with all it holds, before what follows the list.
        for (let i = child.children.length - 1; i >= 0; i--) {
          const extra: Partial<ArticleBlock> = { ordered: Boolean(child.ordered), depth, ...inNote(where) };
          if (child.ordered) extra.number = (child.start ?? 1) + i;
          todo.push({ item: child.children[i]!, extra, where });
        }
        break;
      }
      case 'code':
        out.push({ type: 'code', text: child.value, ...(child.lang ? { lang: child.lang } : {}), ...inItem(where) });
        break;
      case 'table':
        for (const row of child.children) for (const cell of row.children) push(out, 'table-cell', cell, inItem(where));
        break;
      case 'footnoteDefinition': {
        // The footnote's first paragraph carries its label. What the note holds besides (more
        // paragraphs, a list, code; or all of it, when it opens with no paragraph) is the note's
        // own: outputs show it in the note, where Markdown does (at the end, out of any list or
        // quote the definition stood in), so it is walked as a document of its own.
        const label = child.label ?? child.identifier;
        const [head, ...rest] = child.children as Nodes[];
        const note: Where = { quoteDepth: 0, listDepth: 0, footnote: label };
        if (head?.type === 'paragraph') {
          push(out, 'footnote', head, { label, ...inItem(where), footnote: label });
          later(rest, note);
        } else {
          later(child.children as Nodes[], note);
        }
        break;
      }
      case 'html':
        // Raw HTML in Markdown is shown as text, never as markup.
        if (child.value.trim() !== '') out.push({ type: 'paragraph', text: child.value.trim(), ...inItem(where) });
        break;
      default:
        // thematicBreak, definition (a link's target), yaml: no article text
        break;
    }
  }
  return out;
}

function push(out: ArticleBlock[], type: BlockType, node: Nodes, extra: Partial<ArticleBlock>): void {
  const links: BlockLink[] = [];
  const text = inlineText(node, links)
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');
  if (text === '') return;
  const block: ArticleBlock = { type, text, ...extra };
  if (links.length > 0) block.links = links;
  out.push(block);
}

/** Inline content as plain text: emphasis and links become their text, a hard break a line break. */
function inlineText(node: Nodes, links: BlockLink[]): string {
  switch (node.type) {
    case 'text':
    case 'inlineCode':
      return node.value.replace(/\n/g, ' ');
    case 'html':
      return node.value;
    case 'break':
      return '\n';
    case 'footnoteReference':
      // Kept as written; segmentation keeps it away from the model (footnote-references.ts).
      return `[^${node.label ?? node.identifier}]`;
    case 'image':
      return node.alt ?? '';
    case 'link': {
      const text = node.children.map((c) => inlineText(c, links)).join('');
      const href = linkTarget(node.url, undefined);
      if (href) links.push({ text: text.replace(/\s+/g, ' ').trim(), href });
      return text;
    }
    default:
      return 'children' in node ? (node.children as Nodes[]).map((c) => inlineText(c, links)).join('') : '';
  }
}
