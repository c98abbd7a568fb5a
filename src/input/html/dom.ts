/**
 * The little of the DOM the readers use. The project compiles without TypeScript's DOM library
 * (it is a Node program), so linkedom's nodes are seen through this shape.
 */
export interface DomNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
  parentNode: DomNode | null;
}

export interface DomElement extends DomNode {
  tagName: string;
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  cloneNode(deep: true): DomElement;
  remove(): void;
}

export interface DomDocument extends DomNode {
  documentElement: DomElement | null;
  body: DomElement | null;
  title: string;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
}

export const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;

export function isElement(node: DomNode): node is DomElement {
  return node.nodeType === ELEMENT_NODE;
}

export function tagOf(node: DomNode): string {
  return isElement(node) ? node.tagName.toLowerCase() : '';
}

/** Elements whose content a reader never sees as text (a <title> in the body is display: none too). */
const UNSEEN = new Set(['script', 'style', 'noscript', 'noembed', 'noframes', 'iframe', 'template', 'title']);

/** An element whose content a reader never sees. */
export function isUnseen(node: DomNode): boolean {
  return isElement(node) && (UNSEEN.has(tagOf(node)) || isHidden(node));
}

/**
 * Takes out every element `document` hides itself (see isHidden). Readability drops most of them from
 * an article, but judges an inline style by linkedom's `style`, which reads neither "DISPLAY" nor
 * "None", and keeps a closed <dialog>; once it has cleaned the styles away they can no longer be told.
 */
export function removeHiddenElements(document: DomDocument): void {
  for (const el of Array.from(document.querySelectorAll('[hidden], [aria-hidden], [style], dialog'))) if (isHidden(el)) el.remove();
}

/**
 * Hidden by the page itself, as Readability judges it for an article (the `hidden` attribute,
 * aria-hidden="true", an inline display: none or visibility: hidden), or a <dialog> not open. Readability
 * removes these from an article; a whole page read as text (--input-format text) must too.
 */
function isHidden(el: DomElement): boolean {
  if (el.getAttribute('hidden') !== null || el.getAttribute('aria-hidden')?.trim().toLowerCase() === 'true') return true;
  if (tagOf(el) === 'dialog' && el.getAttribute('open') === null) return true;
  const style = el.getAttribute('style');
  return style !== null && hidesByStyle(style);
}

/** CSS names and keywords are case-insensitive, and linkedom's `style` reads neither "DISPLAY" nor "None". */
function hidesByStyle(style: string): boolean {
  return style.split(';').some((declaration) => {
    const colon = declaration.indexOf(':');
    if (colon < 0) return false;
    const property = declaration.slice(0, colon).trim().toLowerCase();
    const value = declaration.slice(colon + 1).replace(/!\s*important\s*$/i, '').trim().toLowerCase();
    return (property === 'display' && value === 'none') || (property === 'visibility' && value === 'hidden');
  });
}

/** The text a reader sees in `node`: its textContent without scripts, styles, templates, hidden elements and the fallbacks of frames and embeds. */
export function visibleText(node: DomNode): string {
  if (node.nodeType === TEXT_NODE) return node.textContent ?? '';
  if (isUnseen(node)) return '';
  let text = '';
  for (let i = 0; i < node.childNodes.length; i++) text += visibleText(node.childNodes[i]!);
  return text;
}
