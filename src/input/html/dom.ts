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

/** Elements whose content a reader never sees as text. */
const UNSEEN = new Set(['script', 'style', 'noscript', 'noembed', 'noframes', 'iframe', 'template']);

/** An element whose content a reader never sees. */
export function isUnseen(node: DomNode): boolean {
  return isElement(node) && UNSEEN.has(tagOf(node));
}

/** The text a reader sees in `node`: its textContent without scripts, styles, templates and the fallbacks of frames and embeds. */
export function visibleText(node: DomNode): string {
  if (node.nodeType === TEXT_NODE) return node.textContent ?? '';
  if (isUnseen(node)) return '';
  let text = '';
  for (let i = 0; i < node.childNodes.length; i++) text += visibleText(node.childNodes[i]!);
  return text;
}
