/**
 * HTML: one standalone page. No scripts, no external resources (a strict CSP forbids both), all
 * text escaped with `escape-html`. Layout: one grid row per paragraph pair (Danish | English),
 * so both start on the same line; under 40rem the columns stack and each pair stays together.
 */
import { createHash } from 'node:crypto';
import escapeHtml from 'escape-html';
import type { BilingualDocument, BilingualParagraph, QaFinding } from '../document/types.js';
import { displayText, FootnoteBlocks, isTitlePair, levelOf, metadataEntries, NO_TRANSLATION, sourceText, targetText, type NotePlace } from './common.js';
import { ALIGN_SCRIPT, sentenceSpans } from './sentence-spans.js';
import { renderWhole, type DocumentFrame, type StreamRenderer } from './writer.js';

/**
 * The page may run exactly one script, its own sentence-alignment script, allowed by its hash;
 * nothing else (no script from the input, no external resource of any kind).
 */
export const ALIGN_SCRIPT_HASH = `sha256-${createHash('sha256').update(ALIGN_SCRIPT).digest('base64')}`;
export const CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src '${ALIGN_SCRIPT_HASH}'`;

const CSS = `
:root { color-scheme: light dark; --fg: #1b1b1b; --muted: #5f6368; --bg: #fff; --rule: #d8dbe0;
  --quote: #2f6f9f; --badge-bg: #fff3cd; --badge-fg: #6b4b00; --hl: #fff0a8; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e8e8e8; --muted: #a0a4a8; --bg: #161719; --rule: #3a3d42; --quote: #7fb6e0;
    --badge-bg: #4a3b12; --badge-fg: #ffe08a; --hl: #5a4a10; }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 72rem; padding: 1.5rem 1rem 3rem; background: var(--bg); color: var(--fg);
  font: 1rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header.doc { border-bottom: 2px solid var(--rule); margin-bottom: 1rem; padding-bottom: .75rem; }
header.doc h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 .25rem; }
header.doc .source-title { margin: 0 0 .5rem; color: var(--muted); font-style: italic; }
dl.meta { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; margin: 0; font-size: .8rem; color: var(--muted); }
dl.meta div { display: flex; gap: .35rem; }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.pairs { display: grid; grid-template-columns: 1fr 1fr; column-gap: 2rem; }
.colhead { font-size: .75rem; font-weight: 700; letter-spacing: .06em; text-transform: uppercase;
  color: var(--muted); padding-bottom: .25rem; border-bottom: 1px solid var(--rule); }
.pair { display: grid; grid-column: 1 / -1; grid-template-columns: subgrid; padding: .6rem 0;
  border-bottom: 1px solid var(--rule); break-inside: avoid; page-break-inside: avoid; }
@supports not (grid-template-columns: subgrid) {
  .pair { grid-template-columns: 1fr 1fr; column-gap: 2rem; }
}
.cell { margin: 0; min-width: 0; }
.text { margin: 0; padding: 0; font: inherit; white-space: pre-wrap; overflow-wrap: break-word; }
.kind-heading .cell { font-size: 1.2rem; font-weight: 700; line-height: 1.3; }
.kind-heading.level-1 .cell { font-size: 1.35rem; }
.kind-heading.title .cell { font-size: 1.6rem; line-height: 1.25; }
.kind-quote .cell { border-left: 3px solid var(--quote); padding-left: .75rem; font-style: italic; }
.kind-quote.depth-2 .cell { border-left-width: 6px; border-left-style: double; }
ul.text, ol.text { padding-left: 1.4rem; }
.kind-list-item.depth-2 .cell { padding-left: 1.5rem; }
.kind-list-item.depth-3 .cell { padding-left: 3rem; }
.kind-caption .cell, .kind-byline .cell { font-size: .875rem; color: var(--muted); }
.kind-caption .text::before { content: "▣ "; font-style: normal; }
.kind-caption .text { font-style: italic; }
.kind-code pre.text { font: .85rem/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: pre;
  overflow-x: auto; padding: .5rem; border: 1px solid var(--rule); border-radius: 4px; }
.kind-table-cell .cell { font-size: .95rem; }
.in-note .cell { margin-left: 1.5rem; }
.in-note .cell > .note-label { margin-left: -1.5rem; }
.s { border-radius: 3px; }
.s:focus { outline: 2px solid var(--quote); outline-offset: 1px; }
.s.hl { background: var(--hl); box-shadow: 0 0 0 2px var(--hl); }
.cell.en .empty { color: var(--muted); font-style: italic; }
details.qa { display: block; margin-top: .3rem; font-size: .75rem; font-style: normal; font-weight: 400;
}
details.qa summary { display: inline-block; cursor: pointer; list-style: none; padding: 0 .45rem; border-radius: 1rem;
  background: var(--badge-bg); color: var(--badge-fg); font-weight: 600; }
details.qa summary::-webkit-details-marker { display: none; }
details.qa ul { margin: .3rem 0 0; padding-left: 1.1rem; }
footer.doc { margin-top: 1.5rem; font-size: .8rem; color: var(--muted); }
@media (max-width: 40rem) {
  body { padding: 1rem .75rem 2rem; }
  .pairs { grid-template-columns: 1fr; }
  .colhead { display: none; }
  .pair { grid-template-columns: 1fr; row-gap: .35rem; }
  .cell::before { content: attr(lang); display: block; font-size: .65rem; font-weight: 700;
    letter-spacing: .08em; text-transform: uppercase; color: var(--muted); font-style: normal; }
  .cell.en { padding-top: .35rem; border-top: 1px dashed var(--rule); }
  .kind-quote .cell.en { border-top: none; }
}
@media print {
  :root { --fg: #000; --muted: #444; --bg: #fff; --rule: #bbb; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  .pairs { column-gap: 1.2rem; }
  .pair { padding: .35rem 0; }
  details.qa summary { border: 1px solid #999; }
}
`;

function esc(s: string): string {
  return escapeHtml(s);
}

function qaBadge(findings: readonly QaFinding[] | undefined): string {
  if (!findings || findings.length === 0) return '';
  const summaryTitle = findings.map((f) => `${f.kind}: ${f.message}`).join('\n');
  const items = findings
    .map((f) => `<li><strong>${esc(f.kind)}</strong>: ${esc(f.message)}</li>`)
    .join('');
  const label = findings.length === 1 ? '1 QA note' : `${findings.length} QA notes`;
  return `<details class="qa"><summary title="${esc(summaryTitle)}">${esc(label)}</summary><ul>${items}</ul></details>`;
}

/** The cell's text as HTML: each sentence in a span its counterpart is found by (code: as it is). */
function cellHtml(p: BilingualParagraph, side: 'source' | 'target'): string {
  const display = displayText(p, side === 'source' ? sourceText(p) : targetText(p));
  if (p.kind === 'code') return esc(display);
  return sentenceSpans(display, p.chunks, side, p.index) ?? esc(display);
}

/**
 * The element a cell's text sits in, carrying its meaning: heading, list item, quote, code, paragraph.
 * Each text block takes its direction from its own first strong letter (dir="auto"): a quote in
 * Arabic or Hebrew reads right to left with its punctuation in place, and a Danish paragraph
 * holding such a quote stays left to right. Code keeps the page's direction, as written.
 */
function wrap(p: BilingualParagraph, inner: string): string {
  const level = levelOf(p);
  switch (p.kind) {
    case 'heading': {
      // Headings keep their level (README: "headings stay headings at their level"). The title
      // pair is the page's one <h1>, its name for outlines and screen readers, so a level-1
      // heading that is not the title (a second "# " in Markdown) and a heading of no known level
      // (guessed in plain text) become <h2>: a section heading under the title.
      const tag = isTitlePair(p) ? 'h1' : `h${Math.min(6, Math.max(2, level))}`;
      return `<${tag} class="text" dir="auto">${inner}</${tag}>`;
    }
    case 'quote':
      return `<blockquote class="text" dir="auto">${inner}</blockquote>`;
    case 'list-item': {
      const list = p.list ?? { ordered: false, depth: 1 };
      return list.ordered
        ? `<ol class="text" dir="auto" start="${list.number ?? 1}"><li>${inner}</li></ol>`
        : `<ul class="text" dir="auto"><li>${inner}</li></ul>`;
    }
    case 'code':
      return `<pre class="text"><code>${inner}</code></pre>`;
    default:
      return `<p class="text" dir="auto">${inner}</p>`;
  }
}

/**
 * One row. A Markdown footnote's blocks after its first paragraph (which shows the label, "[^1]: ")
 * are indented under it (class in-note); a note that opens with no paragraph shows its label above
 * its first block, in both columns.
 */
function renderPair(p: BilingualParagraph, note: NotePlace): string {
  const level = levelOf(p);
  const classes = ['pair', `kind-${p.kind}`];
  if (note.inNote) classes.push('in-note');
  const label = note.opens === undefined ? '' : `<p class="text note-label">${esc(`[^${note.opens}]:`)}</p>`;
  if (p.kind === 'heading') classes.push(isTitlePair(p) ? 'title' : `level-${level || 2}`);
  const depth = p.list?.depth ?? p.depth;
  if (depth !== undefined && depth > 1) classes.push(`depth-${Math.min(depth, 3)}`);
  // Cells are <div>s (block children such as <details> are allowed there); the text element
  // inside carries the semantics.
  const en = targetText(p);
  const enInner = en === '' ? `<p class="text empty">${NO_TRANSLATION}</p>` : wrap(p, cellHtml(p, 'target'));
  return (
    `<section class="${classes.join(' ')}" id="p${p.index + 1}">` +
    `<div class="cell da" lang="da">${label}${wrap(p, cellHtml(p, 'source'))}</div>` +
    `<div class="cell en" lang="en">${label}${enInner}${qaBadge(p.qa)}</div>` +
    `</section>`
  );
}

/** Provenance in the page head, for tools that read it (the header shows it to people). */
function headMeta(frame: DocumentFrame): string {
  const m = frame.metadata;
  const tags: [string, string | undefined][] = [
    ['dcterms.source', m.url],
    ['da2en:final-url', m.finalUrl],
    ['da2en:fetched', m.fetchedAt],
    ['da2en:page-title', m.pageTitle],
    ['author', m.byline],
    ['dcterms.date', m.published],
  ];
  return tags
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([name, v]) => `<meta name="${name}" content="${esc(v!)}">\n`)
    .join('');
}

/**
 * The tab's name for a document without a title: its input's file name (or URL), else a plain label
 * (standard input, recorded as "-", has no name).
 */
function pageName(frame: DocumentFrame): string {
  const source = frame.metadata.url ?? (frame.metadata.source === '-' ? undefined : frame.metadata.source);
  const name = source ? (/^https?:\/\//i.test(source) ? source : source.split(/[\\/]/).pop()) : '';
  return name ? `${name} (Danish–English)` : 'Danish–English';
}

/** Pieces of the HTML page: everything up to the column heads, one row per pair, then the footer. */
export function htmlWriter(): StreamRenderer {
  let written = 0;
  const notes = new FootnoteBlocks();
  return {
    headNeedsFinal: true, // the metadata list shows the time taken
    head(frame) {
      // The title is shown once: as the first pair (both languages, as the page's <h1>), not
      // again in this header. Without one (a lede, a single paragraph) the tab shows the input's name.
      const titleEn = frame.title.target || frame.title.source || pageName(frame);
      const meta = metadataEntries(frame)
        .map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`)
        .join('');
      return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="da2en">
${headMeta(frame)}<title>${esc(titleEn)}</title>
<style>${CSS}</style>
</head>
<body>
<header class="doc">
<dl class="meta">${meta}</dl>
</header>
<main class="pairs">
<div class="colhead" lang="da">Dansk</div><div class="colhead">English</div>
`;
    },
    paragraph: (p) => `${written++ === 0 ? '' : '\n'}${renderPair(p, notes.place(p))}`,
    tail: (frame) => `
</main>
<footer class="doc">Machine translation by da2en${frame.model.id ? ` with ${esc(frame.model.id)}` : ''}. Check important details against the Danish original.</footer>
<script>${ALIGN_SCRIPT}</script>
</body>
</html>
`,
  };
}

/** The page's stylesheet, shared with the server's reading page so both look the same. */
export const HTML_STYLES = CSS;

export function renderHtml(doc: BilingualDocument): string {
  return renderWhole(htmlWriter(), doc);
}
