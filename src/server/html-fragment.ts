/**
 * A LibreTranslate `format: "html"` fragment split into its markup and the texts a reader sees
 * between the tags: `markup[0] + escape(texts[0]) + markup[1] + … + markup[n]` is the fragment
 * again, with each text replaced by its translation.
 *
 * Parsed with parse5, the HTML standard's own algorithm (what a browser builds for the fragment set
 * as a <body>'s innerHTML, scripting on), and written back by hand, because the standard's
 * serialiser is itself a source of mutation XSS: what it writes does not always read back as the
 * tree it came from. So, beyond what the standard writes:
 * - `<` and `>` are escaped in attribute values too, so that no value can end a raw-text element,
 *   a comment or a tag when read back in another place;
 * - text in <svg>/<math> (where entities decode and tags are markup) is escaped like any other;
 * - raw text (<script>, <style>, <xmp>, <iframe>, <noembed>, <noframes>, <noscript>, <plaintext>)
 *   is written as it came, except where it might be read as markup: where it holds its own end tag,
 *   or sits inside <svg>/<math>, where a reader may put the element in the foreign namespace;
 *   there its `<` are written `&lt;`;
 * - nothing after a <plaintext> can be markup to a browser: no end tags are written after one.
 * Trees the standard's own parse cannot give back (a <form> in a <form>, <mglyph> moved out of a
 * <table> in <math>) are found by reading the output back with parse5: where its elements differ
 * from the fragment's, the fragment is refused. So are fragments nested deeper than
 * MAX_FRAGMENT_DEPTH; the walks have stacks of their own (no recursion).
 */
import { defaultTreeAdapter, html as spec, parseFragment, type DefaultTreeAdapterTypes as P5 } from 'parse5';
import { Da2enError } from '../errors.js';
import { escapeAttribute, escapeText } from './html-escape.js';

export interface FragmentTemplate {
  /** One more than `texts`: the markup around and between them, ready to be written. */
  markup: string[];
  /** The texts to translate, decoded; each goes back escaped (escapeText). */
  texts: string[];
}

/** Chromium's own parser stops nesting at 512 elements; real fragments are nowhere near it. */
export const MAX_FRAGMENT_DEPTH = 512;

const HTML_NS = spec.NS.HTML;
const VOID = new Set(['area', 'base', 'basefont', 'bgsound', 'br', 'col', 'embed', 'frame', 'hr', 'img', 'input', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
/** The standard's serialiser writes these elements' text as it is: entities do not decode in them. */
const RAW_TEXT = new Set(['script', 'style', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript', 'plaintext']);
const FOREIGN = new Set(['svg', 'math']);
/** Code, scripts, form values and everything a browser shows as source: never sent to the model. */
const UNTRANSLATED = new Set([
  'script', 'style', 'code', 'pre', 'kbd', 'samp', 'var', 'template', 'noscript', 'svg', 'math',
  'textarea', 'xmp', 'iframe', 'noembed', 'noframes', 'plaintext',
]);

/** As a browser parses innerHTML: scripting on, so <noscript> holds raw text. */
function parse(html: string): P5.DocumentFragment {
  return parseFragment(defaultTreeAdapter.createElement('body', HTML_NS, []), html, { scriptingEnabled: true });
}

type Parent = P5.Element | P5.DocumentFragment;

/** An element's children; a <template>'s are in its content. */
function childrenOf(node: Parent): P5.ChildNode[] {
  return 'tagName' in node && node.tagName === 'template' && node.namespaceURI === HTML_NS ? (node as P5.Template).content.childNodes : node.childNodes;
}

const isHtml = (node: Parent, name: string): boolean => 'tagName' in node && node.namespaceURI === HTML_NS && node.tagName === name;

/** An attribute's name as the standard's serialiser writes it (`xlink:href` for a foreign attribute). */
function attributeName(a: P5.Element['attrs'][number]): string {
  if (a.namespace === undefined) return a.name;
  if (a.namespace === spec.NS.XML) return `xml:${a.name}`;
  if (a.namespace === spec.NS.XMLNS) return a.name === 'xmlns' ? 'xmlns' : `xmlns:${a.name}`;
  if (a.namespace === spec.NS.XLINK) return `xlink:${a.name}`;
  return a.prefix ? `${a.prefix}:${a.name}` : a.name;
}

function tooDeep(): Da2enError {
  return new Da2enError('input', `the HTML is nested too deeply (more than ${MAX_FRAGMENT_DEPTH} elements inside one another); send flatter markup`);
}

/** Every element in document order as depth, namespace, name and attribute names: what makes a tree live. */
function elements(root: P5.DocumentFragment): string[] {
  const out: string[] = [];
  const todo: Array<{ node: P5.ChildNode; depth: number }> = childrenOf(root).map((node) => ({ node, depth: 0 })).reverse();
  for (let step = todo.pop(); step !== undefined; step = todo.pop()) {
    const { node, depth } = step;
    if (!('tagName' in node)) continue;
    if (depth >= MAX_FRAGMENT_DEPTH) throw tooDeep();
    out.push(`${depth} ${node.namespaceURI} ${node.tagName} ${node.attrs.map(attributeName).join(' ')}`);
    for (const child of childrenOf(node).slice().reverse()) todo.push({ node: child, depth: depth + 1 });
  }
  return out;
}

/** `<` as `&lt;`: no tag can start, and entities already in the text read as they did. */
const noTags = (s: string): string => s.replace(/</g, '&lt;');

function endsEarly(content: string, name: string): boolean {
  return content.toLowerCase().includes(`</${name}`);
}

/** Comment text as it came, unless it would end the comment early (`-->`, `--!>`, a leading `>`). */
function comment(data: string): string {
  return `<!--${/^-?>|--!?>/.test(data) ? data.replace(/>/g, '&gt;') : data}-->`;
}

function startTag(node: P5.Element): string {
  let tag = `<${node.tagName}`;
  for (const a of node.attrs) tag += ` ${attributeName(a)}="${escapeAttribute(a.value)}"`;
  return `${tag}>`;
}

/** Where a node sits: what its text must be written as. */
interface Place {
  /** Inside <svg> or <math>, even back in HTML under a <foreignObject>. */
  foreign: boolean;
  translated: boolean;
}

type Step =
  | { open: P5.Element; place: Place; depth: number }
  | { text: string; parent: Parent; place: Place }
  | { comment: string }
  | { close: string };

function steps(node: Parent, place: Place, depth: number): Step[] {
  const out: Step[] = [];
  let text: string | undefined;
  for (const child of childrenOf(node)) {
    // A run of text is one text (parse5 joins what it inserts; this covers the rest).
    if (defaultTreeAdapter.isTextNode(child)) {
      text = (text ?? '') + child.value;
      continue;
    }
    if (text !== undefined) out.push({ text, parent: node, place });
    text = undefined;
    if (defaultTreeAdapter.isCommentNode(child)) out.push({ comment: child.data });
    else if (defaultTreeAdapter.isElementNode(child)) out.push({ open: child, place, depth });
  }
  if (text !== undefined) out.push({ text, parent: node, place });
  return out;
}

class Writer {
  readonly markup: string[] = [''];
  readonly texts: string[] = [];

  write(s: string): void {
    this.markup[this.markup.length - 1] += s;
  }

  translatable(text: string): void {
    this.texts.push(text);
    this.markup.push('');
  }

  /** The fragment as written, each text as it was. */
  identity(): string {
    return this.markup.reduce((out, m, i) => out + (i > 0 ? escapeText(this.texts[i - 1]!) : '') + m, '');
  }
}

function write(fragment: P5.DocumentFragment): Writer {
  const out = new Writer();
  const todo: Step[] = steps(fragment, { foreign: false, translated: true }, 0).reverse();
  let plaintext = false;
  for (let step = todo.pop(); step !== undefined; step = todo.pop()) {
    if ('close' in step) {
      if (!plaintext) out.write(`</${step.close}>`);
    } else if ('comment' in step) {
      out.write(comment(step.comment));
    } else if ('text' in step) {
      const { text, parent, place } = step;
      const raw = 'tagName' in parent && parent.namespaceURI === HTML_NS && RAW_TEXT.has(parent.tagName);
      if (raw) out.write(place.foreign || endsEarly(text, parent.tagName) ? noTags(text) : text);
      else if (place.translated && !plaintext && /\p{L}/u.test(text)) out.translatable(text);
      else out.write(escapeText(text));
    } else {
      const { open: node, place, depth } = step;
      if (depth >= MAX_FRAGMENT_DEPTH) throw tooDeep();
      out.write(startTag(node));
      const html = node.namespaceURI === HTML_NS;
      if (html && VOID.has(node.tagName)) continue;
      if (isHtml(node, 'plaintext')) plaintext = true;
      const inner: Place = {
        foreign: place.foreign || !html || FOREIGN.has(node.tagName),
        translated: place.translated && html && !UNTRANSLATED.has(node.tagName),
      };
      todo.push({ close: node.tagName });
      for (const s of steps(node, inner, depth + 1).reverse()) todo.push(s);
    }
  }
  return out;
}

/** The fragment's markup and texts; Da2enError `input` when it is nested too deeply or would not read back as written. */
export function fragmentTemplate(html: string): FragmentTemplate {
  const fragment = parse(html);
  const out = write(fragment);
  const before = elements(fragment);
  const after = elements(parse(out.identity()));
  if (after.length !== before.length || after.some((e, i) => e !== before[i])) {
    throw new Da2enError('input', 'this HTML cannot be translated safely: browsers would read it back as different markup (as with a <form> inside a <form>); send well-formed markup');
  }
  return { markup: out.markup, texts: out.texts };
}
