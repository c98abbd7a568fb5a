/**
 * LibreTranslate's `format: "html"`: the markup stays as it was and only the text between the tags
 * is translated (each text node on its own, so links and emphasis keep their place). Parsed with
 * linkedom; scripts, styles and code are never sent to the model, and the result is re-serialised
 * by the parser, so nothing in the input can change the markup around it.
 */
import { parseHTML } from 'linkedom';
import type { ServerContext } from './context.js';
import { translateSources } from './translate-source.js';

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const UNTRANSLATED = new Set(['SCRIPT', 'STYLE', 'CODE', 'PRE', 'KBD', 'SAMP', 'VAR', 'TEMPLATE', 'NOSCRIPT', 'SVG', 'MATH']);

interface Node {
  nodeType: number;
  nodeName: string;
  nodeValue: string | null;
  childNodes: ArrayLike<Node>;
}

function textNodes(node: Node, out: Node[]): Node[] {
  for (const child of Array.from(node.childNodes)) {
    if (child.nodeType === TEXT_NODE) {
      if (/\p{L}/u.test(child.nodeValue ?? '')) out.push(child);
    } else if (child.nodeType === ELEMENT_NODE && !UNTRANSLATED.has(child.nodeName.toUpperCase())) {
      textNodes(child, out);
    }
  }
  return out;
}

export async function translateHtmlFragment(html: string, ctx: Pick<ServerContext, 'engine' | 'scheduler'>, signal: AbortSignal): Promise<string> {
  const { document } = parseHTML(`<!DOCTYPE html><html><head></head><body>${html}</body></html>`) as unknown as {
    document: { body: Node & { innerHTML: string } };
  };
  const nodes = textNodes(document.body, []);
  if (nodes.length === 0) return document.body.innerHTML;
  // The whitespace around a text node separates it from its neighbours: kept as it was.
  const parts = nodes.map((n) => {
    const v = n.nodeValue ?? '';
    const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(v)!;
    return { lead: m[1]!, text: m[2]!.replace(/\s+/g, ' '), trail: m[3]! };
  });
  const docs = await ctx.engine.segmentMany(parts.map((p) => p.text));
  signal.throwIfAborted();
  const { documents } = await translateSources(docs, ctx.scheduler, { signal });
  documents.forEach((paragraphs, i) => {
    const p = parts[i]!;
    nodes[i]!.nodeValue = p.lead + paragraphs.map((q) => q.target).join(' ') + p.trail;
  });
  return document.body.innerHTML;
}
