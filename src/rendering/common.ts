/** Helpers shared by the renderers. */
import type { BilingualDocument, BilingualParagraph } from '../document/types.js';

function withPrefix(prefix: string, text: string): string {
  if (text.trim() === '') return '';
  if (prefix === '' || text.startsWith(prefix)) return text;
  return prefix + text;
}

/**
 * The source paragraph as displayed. By the model's convention `source` already starts with the
 * prefix; a document built without it still shows the prefix exactly once.
 */
export function sourceText(p: BilingualParagraph): string {
  return withPrefix(p.prefix, p.source);
}

/** The translation as displayed: the prefix exactly once, '' when nothing was translated. */
export function targetText(p: BilingualParagraph): string {
  return withPrefix(p.prefix, p.target);
}

/** What stands in a paragraph's English place when the model gave back nothing (QA flags it too). */
export const NO_TRANSLATION = '(no translation)';

/**
 * The bullet or number a list item from a marked-up input is shown with in the plain-text outputs
 * (txt, en): "- " or "3. ", indented two spaces a level; '' for any other paragraph.
 */
export function listMark(p: Pick<BilingualParagraph, 'kind' | 'list'>): string {
  if (p.kind !== 'list-item' || !p.list) return '';
  return `${'  '.repeat(Math.max(0, p.list.depth - 1))}${p.list.ordered ? `${p.list.number ?? 1}. ` : '- '}`;
}

/** Markdown heading level from a prefix like "## " (0 when the prefix is not a marker). */
export function headingLevel(prefix: string): number {
  const m = /^(#{1,6})\s$/.exec(prefix);
  return m?.[1]?.length ?? 0;
}

/** A heading's level: from the input's markup, else from a "## " prefix (0 when neither says). */
export function levelOf(p: Pick<BilingualParagraph, 'level' | 'prefix'>): number {
  return p.level ?? headingLevel(p.prefix);
}

/** A cell's text: a Markdown heading marker ("## ") is shown as styling, not as "#". */
export function displayText(p: BilingualParagraph, text: string): string {
  if (p.kind === 'heading' && p.prefix !== '' && levelOf(p) > 0 && text.startsWith(p.prefix)) return text.slice(p.prefix.length);
  return text;
}

/**
 * Whether the pair is the document's title. The title is always the first paragraph (a heading
 * opening a text, an article's title block), so outputs show it once, as that pair, and never
 * again in their header.
 */
export function isTitlePair(p: Pick<BilingualParagraph, 'index' | 'kind' | 'level' | 'prefix' | 'structured'>): boolean {
  return p.index === 0 && p.kind === 'heading' && (!p.structured || p.level === 1);
}

/**
 * The QA findings of the pairs written so far, for outputs that list them after the pairs
 * (Markdown, text): a writer adds each pair as it goes and lists them in its tail.
 */
export class QaNotes {
  private readonly notes: { paragraph: number; kind: string; message: string }[] = [];

  add(p: Pick<BilingualParagraph, 'index' | 'qa'>): void {
    for (const f of p.qa ?? []) this.notes.push({ paragraph: p.index + 1, kind: f.kind, message: f.message });
  }

  /** One line per finding ("paragraph 3, missing-number: number "5" missing in target"), escaped by `escape`. */
  lines(escape: (s: string) => string = (s) => s): string[] {
    return this.notes.map((n) => `paragraph ${n.paragraph}, ${n.kind}: ${escape(n.message)}`);
  }
}

/** Label/value pairs for a small metadata header, in a fixed order; absent values left out. */
export function metadataEntries(doc: Pick<BilingualDocument, 'metadata' | 'model' | 'timings'>): [string, string][] {
  const out: [string, string][] = [];
  const add = (label: string, value: unknown) => {
    if (value !== undefined && value !== null && String(value) !== '') out.push([label, String(value)]);
  };
  add('Date', doc.metadata.date);
  add('Source', doc.metadata.source);
  if (doc.metadata.finalUrl) add('Redirected to', doc.metadata.finalUrl);
  add('Page title', doc.metadata.pageTitle);
  add('Site', doc.metadata.siteName);
  add('Byline', doc.metadata.byline);
  add('Published', doc.metadata.published);
  add('Fetched', doc.metadata.fetchedAt);
  add('Detected language', doc.metadata.detectedLanguage);
  add('Model', doc.model.id);
  add('Precision', doc.model.dtype);
  if (doc.timings.totalMs > 0) add('Time', formatMs(doc.timings.totalMs));
  return out;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Where a pair stands in a footnote: see FootnoteBlocks. */
export interface NotePlace {
  /** A block of a note after its first paragraph (that paragraph shows the label as its prefix, "[^1]: "). */
  inNote: boolean;
  /** The label of a note that opens with this block and has no first paragraph to show it (a note that is a list). */
  opens?: string;
}

/**
 * Follows a Markdown input's footnotes through the pairs (ParagraphStructure.footnote), for the
 * outputs that show a note's blocks together: below its label, indented (Markdown: inside the
 * definition). One per output file, fed every pair in order.
 */
export class FootnoteBlocks {
  private label: string | undefined;

  place(p: Pick<BilingualParagraph, 'footnote' | 'prefix'>): NotePlace {
    const label = p.footnote;
    const previous = this.label;
    this.label = label;
    if (label === undefined) return { inNote: false };
    if (p.prefix === `[^${label}]: `) return { inNote: false };
    return label === previous ? { inNote: true } : { inNote: true, opens: label };
  }
}

/** How far the plain-text outputs (txt, en) indent a footnote's further blocks, as Markdown does. */
const NOTE_INDENT = '    ';

/** A pair's text in the plain-text outputs, placed in its note: indented, below the label of a note it opens. */
export function placedInNote(place: NotePlace, text: string): string {
  return `${place.opens === undefined ? '' : `[^${place.opens}]:\n`}${place.inNote ? indentLines(text, NOTE_INDENT) : text}`;
}

/** Each non-empty line of `text` indented by `indent`. */
export function indentLines(text: string, indent: string): string {
  return indent === '' ? text : text.replace(/^(?=[^\n])/gm, indent);
}
