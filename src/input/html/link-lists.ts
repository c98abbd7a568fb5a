/**
 * Lists that are mostly links ("Læs også", "Mest læste", a menu) inside what Readability kept:
 * it never drops a <ul> or <ol> for its links, so a short article followed by one would measure
 * as mostly links. The article is measured without them (extract-article.ts); they stay in it.
 */
import type { DomElement } from './dom.js';
import { linkDensity, MAX_LINK_DENSITY } from './link-density.js';

const isLinkList = (list: DomElement) => linkDensity(list) > MAX_LINK_DENSITY;

/** `root` without its link lists: a copy, or `root` itself when it holds none. */
export function withoutLinkLists(root: DomElement): DomElement {
  if (!Array.from(root.querySelectorAll('ul, ol')).some(isLinkList)) return root;
  const copy = root.cloneNode(true);
  // In document order: an outer list goes whole; an inner link list of a kept list goes alone.
  for (const list of Array.from(copy.querySelectorAll('ul, ol'))) if (isLinkList(list)) list.remove();
  return copy;
}
