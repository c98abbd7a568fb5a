/**
 * A LibreTranslate `format: "html"` fragment split into its markup and the texts a reader sees
 * between the tags: `markup[0] + escape(texts[0]) + markup[1] + … + markup[n]` is the fragment
 * again, with each text replaced by its translation.
 *
 * Parsed with linkedom (htmlparser2), written back by hand, because linkedom's own innerHTML lets
 * inert input run once a browser reads the output (mutation XSS): it writes <title> text and
 * attribute values with their `<` unescaped (`<p title="</noscript><img onerror=…>">` inside a
 * <noscript>, which browsers read as raw text). htmlparser2 is not the browsers' parser either, so
 * every place where the two read the output differently is written in a form both read as text:
 * - text is escaped (`&`, `<`, `>`), attribute values too (`"` as well);
 * - the text of <script>, <style> and <xmp> (htmlparser2 keeps it as it came) is written as it came,
 *   where it cannot end its element early; <textarea> text (also kept as it came) with its `<`
 *   escaped, so its entities decode as they did;
 * - what is inside <iframe>, <noembed>, <noframes> and <noscript> (raw text to a browser, markup to
 *   htmlparser2 and to a browser without scripting) is escaped whole where it would end its element;
 * - nothing after a <plaintext> can be markup to a browser: no end tags are written after one.
 * Where htmlparser2 ends a text or a tag before a browser would, what follows is markup to it and
 * text (or an attribute) to a browser; no writing can repair that, so such fragments are refused
 *. So are fragments nested deeper than MAX_FRAGMENT_DEPTH; the walk has a stack
 * of its own (no recursion).
 */
import { parseHTML } from 'linkedom';
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

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;
const COMMENT_NODE = 8;

const VOID = new Set(['area', 'base', 'basefont', 'bgsound', 'br', 'col', 'embed', 'frame', 'hr', 'img', 'input', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
/** Text htmlparser2 keeps exactly as it came (no entities decoded), up to the element's end tag. */
const KEPT_AS_IS = new Set(['script', 'style', 'xmp']);
/** Markup to htmlparser2, raw text to a browser (<noscript> when scripting is on). */
const RAW_TO_BROWSERS = new Set(['iframe', 'noembed', 'noframes', 'noscript']);
const FOREIGN = new Set(['svg', 'math']);
/** Code, scripts, form values and everything a browser shows as source: never sent to the model. */
const UNTRANSLATED = new Set([
  'script', 'style', 'code', 'pre', 'kbd', 'samp', 'var', 'template', 'noscript', 'svg', 'math',
  'textarea', 'xmp', 'iframe', 'noembed', 'noframes', 'plaintext',
]);

interface DomNode {
  nodeType: number;
  nodeValue: string | null;
  localName?: string;
  attributes?: ArrayLike<{ name: string; value: string }>;
  childNodes: ArrayLike<DomNode>;
}

/** Where an element sits: what its text and children must be written as. */
interface Place {
  foreign: boolean;
  inSelect: boolean;
  translated: boolean;
  /** Inside an element whose content is buffered (RAW_TO_BROWSERS): plaintext is text there. */
  buffered: boolean;
}

type Step =
  | { open: DomNode; place: Place; depth: number }
  | { text: string; parent: string; place: Place }
  | { close: string; buffered: boolean };

/** htmlparser2's raw-text elements: their text ends at `</name`, whatever a browser makes of it. */
const SPECIAL_TO_PARSER = new Set(['script', 'style', 'xmp', 'textarea', 'title']);

function unsafe(what: string): Da2enError {
  return new Da2enError('input', `this HTML cannot be translated safely: ${what} is read differently by browsers and by the server's HTML parser; send it without that`);
}

/** The constructs htmlparser2 ends early, found in the source (the rest are checked on the tree). */
function checkSource(html: string): void {
  // A browser reads an end tag's attributes like a start tag's (a quoted value may hold `>`); htmlparser2 ends it at the first `>`.
  if (/<\/[a-z][^>]*["']/i.test(html)) throw unsafe('an end tag with quoted attributes');
}

/** `<` as `&lt;`: no tag can start, and entities already in the text decode as they did. */
const noTags = (s: string): string => s.replace(/</g, '&lt;');

function endsEarly(content: string, name: string): boolean {
  return content.toLowerCase().includes(`</${name}`);
}

/** Comment text as it came, unless it would end the comment early (`-->`, `--!>`, a leading `>`). */
function comment(data: string): string {
  return `<!--${/^-?>|--!?>/.test(data) ? data.replace(/>/g, '&gt;') : data}-->`;
}

function startTag(name: string, node: DomNode): string {
  let tag = `<${name}`;
  for (const a of Array.from(node.attributes ?? [])) tag += ` ${a.name}="${escapeAttribute(a.value)}"`;
  return `${tag}>`;
}

/** Refuses the text of an element htmlparser2 read as raw text where a browser may read it as markup. */
function checkSpecialText(text: string, parent: string, place: Place): void {
  if (!text.includes('<')) return;
  // In <svg>/<math> these are ordinary elements; in a <select> (older browsers) <style>, <title>, <xmp> are dropped and their text read as markup.
  if (place.foreign || place.inSelect) throw unsafe(`markup inside a <${parent}> within <svg>, <math> or <select>`);
  // '<!--' then '<script' in a script: a browser reads on past the first '</script>'.
  if (parent === 'script' && text.includes('<!--') && /<script/i.test(text)) throw unsafe("'<!--' followed by '<script' inside a <script>");
}

/** The text of a KEPT_AS_IS element (source text) or a <textarea>, written so it cannot become markup. */
function keptText(text: string, parent: string): string {
  if (parent === 'textarea' || endsEarly(text, parent)) return noTags(text);
  return text;
}

class Writer {
  readonly markup: string[] = [''];
  readonly texts: string[] = [];
  /** Content of RAW_TO_BROWSERS elements being written, innermost last. */
  private readonly buffers: string[] = [];

  write(s: string): void {
    if (this.buffers.length > 0) this.buffers[this.buffers.length - 1] += s;
    else this.markup[this.markup.length - 1] += s;
  }

  translatable(text: string): void {
    this.texts.push(text);
    this.markup.push('');
  }

  startBuffer(): void {
    this.buffers.push('');
  }

  /** A raw-text element's content: as written, or escaped whole where a browser would end the element inside it. */
  endBuffer(name: string): void {
    const content = this.buffers.pop()!;
    this.write(endsEarly(content, name) ? escapeText(content) : content);
  }
}

function children(node: DomNode, place: Place, depth: number, parent: string): Step[] {
  const steps: Step[] = [];
  let text: string | undefined;
  for (const child of Array.from(node.childNodes)) {
    // htmlparser2 gives each decoded entity a text node of its own: one text is one sentence's worth.
    if (child.nodeType === TEXT_NODE || child.nodeType === CDATA_SECTION_NODE) {
      text = (text ?? '') + (child.nodeValue ?? '');
      continue;
    }
    if (text !== undefined) steps.push({ text, parent, place });
    text = undefined;
    if (child.nodeType === ELEMENT_NODE || child.nodeType === COMMENT_NODE) steps.push({ open: child, place, depth });
  }
  if (text !== undefined) steps.push({ text, parent, place });
  return steps;
}

/** The fragment's markup and texts; Da2enError `input` when it is nested too deeply or unsafe to write back. */
export function fragmentTemplate(html: string): FragmentTemplate {
  checkSource(html);
  const { document } = parseHTML(`<!DOCTYPE html><html><head></head><body>${html}</body></html>`) as unknown as { document: { body: DomNode } };
  const out = new Writer();
  const top: Place = { foreign: false, inSelect: false, translated: true, buffered: false };
  const todo: Step[] = children(document.body, top, 0, 'body').reverse();
  let plaintext = false;
  for (let step = todo.pop(); step !== undefined; step = todo.pop()) {
    if ('close' in step) {
      if (step.buffered) out.endBuffer(step.close);
      if (!plaintext) out.write(`</${step.close}>`);
    } else if ('text' in step) {
      const { text, parent, place } = step;
      if (SPECIAL_TO_PARSER.has(parent)) checkSpecialText(text, parent, place);
      if (KEPT_AS_IS.has(parent) || parent === 'textarea') out.write(keptText(text, parent));
      else if (place.translated && !plaintext && /\p{L}/u.test(text)) out.translatable(text);
      else out.write(escapeText(text));
    } else if (step.open.nodeType === COMMENT_NODE) {
      out.write(comment(step.open.nodeValue ?? ''));
    } else {
      const { open: node, place, depth } = step;
      if (depth >= MAX_FRAGMENT_DEPTH) {
        throw new Da2enError('input', `the HTML is nested too deeply (more than ${MAX_FRAGMENT_DEPTH} elements inside one another); send flatter markup`);
      }
      const name = (node.localName ?? '').toLowerCase();
      out.write(startTag(name, node));
      if (VOID.has(name)) continue;
      const foreign = place.foreign || FOREIGN.has(name);
      // In <svg>/<math> too: under a <foreignObject> they are raw text to a browser again.
      const buffered = !plaintext && RAW_TO_BROWSERS.has(name);
      if (!foreign && !place.buffered && name === 'plaintext') plaintext = true;
      const inner: Place = {
        foreign,
        inSelect: place.inSelect || name === 'select',
        translated: place.translated && !UNTRANSLATED.has(name),
        buffered: place.buffered || buffered,
      };
      if (buffered) out.startBuffer();
      todo.push({ close: name, buffered });
      for (const s of children(node, inner, depth + 1, name).reverse()) todo.push(s);
    }
  }
  return { markup: out.markup, texts: out.texts };
}
