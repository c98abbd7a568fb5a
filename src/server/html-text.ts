/**
 * LibreTranslate's `format: "html"`: the markup stays as it was and only the text between the tags
 * is translated (each text on its own, so links and emphasis keep their place). The fragment is
 * parsed and written back in an extraction worker thread (./html-fragment.ts, which also says why
 * it is written by hand), so a large or deeply nested fragment never holds up the event loop;
 * here only the translations are put into its markup.
 */
import type { ServerContext } from './context.js';
import { escapeText } from './html-escape.js';
import { translateSources } from './translate-source.js';

export async function translateHtmlFragment(html: string, ctx: Pick<ServerContext, 'engine' | 'scheduler' | 'prepareHtmlFragment'>, signal: AbortSignal): Promise<string> {
  const { markup, texts } = await ctx.prepareHtmlFragment(html, signal);
  if (texts.length === 0) return markup[0]!;
  // The whitespace around a text separates it from its neighbours: kept as it was.
  const parts = texts.map((v) => {
    const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(v)!;
    return { lead: m[1]!, text: m[2]!.replace(/\s+/g, ' '), trail: m[3]! };
  });
  // Every text of the fragment is translated: none is read as an article's date marker.
  const docs = await ctx.engine.segmentMany(parts.map((p) => p.text), { dateMarker: false });
  signal.throwIfAborted();
  const { documents } = await translateSources(docs, ctx.scheduler, { signal });
  let out = markup[0]!;
  documents.forEach((paragraphs, i) => {
    const p = parts[i]!;
    out += escapeText(p.lead + paragraphs.map((q) => q.target).join(' ') + p.trail) + markup[i + 1]!;
  });
  return out;
}
