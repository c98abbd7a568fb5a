/**
 * How much of an article's text is the text of links, as Readability measures a block (a link to
 * a place in the page, "#section", counts 0.3 of its length), except that an <a> without href,
 * which Readability counts in full, is no link. Readability drops a block with more
 * than half its text in links even when its class says content; an "article" like that is a page's
 * navigation or a front page of teasers that Readability's fallback kept when it found nothing better.
 */
import { isElement, isUnseen, tagOf, TEXT_NODE, type DomElement, type DomNode } from './dom.js';

/** More of the text in links than this, and it is navigation or teasers, not an article. */
export const MAX_LINK_DENSITY = 0.5;

/** Readability's weight of an in-page link's text. */
const HASH_LINK_WEIGHT = 0.3;

/** Link text ÷ all visible text of `root`, counted in non-space characters; 0 for no text. */
export function linkDensity(root: DomNode): number {
  let all = 0;
  let linked = 0;
  const visit = (node: DomNode, weight: number) => {
    if (node.nodeType === TEXT_NODE) {
      const chars = (node.textContent ?? '').replace(/\s+/g, '').length;
      all += chars;
      linked += chars * weight;
      return;
    }
    if (!isElement(node) || isUnseen(node)) return;
    const inner = tagOf(node) === 'a' ? anchorWeight(node, weight) : weight;
    for (const child of Array.from(node.childNodes)) visit(child, inner);
  };
  visit(root, 0);
  return all === 0 ? 0 : linked / all;
}

/** An <a> without href is no link in any browser (a named anchor, a script's hook): its text is as its parent's. */
function anchorWeight(anchor: DomElement, outer: number): number {
  const href = anchor.getAttribute('href');
  if (href === null) return outer;
  return /^#./.test(href) ? HASH_LINK_WEIGHT : 1;
}
