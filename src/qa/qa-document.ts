/**
 * QA over bilingual paragraphs: every paragraph gets its `qa` list (empty when clean), computed
 * by `qaParagraph` on the paragraph's source and target (less their shared verbatim prefix, so a
 * quote whose translation is only "- " counts as empty), with the flags its chunks carry (guards, unrestored text).
 * A paragraph kept as it is by design (code, text without letters: every chunk passed through, none
 * went to the model) gets no findings: its "translation" is the source, which is no fault.
 * The input is not modified; the title is not checked. QA is per paragraph, so a document checked
 * a window at a time gets the same findings, and its summary is the windows' summaries added up.
 */
import type { BilingualDocument, BilingualParagraph, QaFinding, QaSummary } from '../document/types.js';
import { qaParagraph, type QaOptions } from './qa-paragraph.js';

export type QaKind = QaFinding['kind'];

export type { QaSummary };

export interface QaReport {
  document: BilingualDocument;
  summary: QaSummary;
}

/** Source and target both start with the verbatim prefix ("- ", "# "); it is not checked. */
function stripPrefix(text: string, prefix: string): string {
  return prefix !== '' && text.startsWith(prefix) ? text.slice(prefix.length) : text;
}

/** Every chunk shown as it stands, none translated (code blocks, numbers or punctuation only). */
function passedThrough(p: BilingualParagraph): boolean {
  return p.chunks.length > 0 && p.chunks.every((c) => c.origin === 'passthrough');
}

/** A summary of nothing checked yet. */
export function emptyQaSummary(): QaSummary {
  return { paragraphs: 0, paragraphsFlagged: 0, findings: 0, byKind: { 'missing-number': 0, 'number-format': 0, 'length-ratio': 0, guard: 0, untranslated: 0, empty: 0, unrestored: 0 } };
}

/** Adds `more` into `total` (the summaries of consecutive parts of one document). */
export function addQaSummary(total: QaSummary, more: QaSummary): void {
  total.paragraphs += more.paragraphs;
  total.paragraphsFlagged += more.paragraphsFlagged;
  total.findings += more.findings;
  for (const k of Object.keys(more.byKind) as QaKind[]) total.byKind[k] += more.byKind[k];
}

/** Checks paragraphs: each comes back with its `qa` list, with the summary over them. */
export function qaParagraphs(
  paragraphs: readonly BilingualParagraph[],
  opts: Omit<QaOptions, 'guardFlags' | 'emptyChunks'> = {},
): { paragraphs: BilingualParagraph[]; summary: QaSummary } {
  const summary = emptyQaSummary();
  const checked = paragraphs.map((p) => {
    const guardFlags = p.chunks.flatMap((c) => c.flags ?? []);
    // A sentence the model (or the memory) gave back empty is dropped from the joined translation.
    const emptyChunks = p.chunks.filter((c) => c.origin !== 'passthrough' && c.target.trim() === '' && /\p{L}/u.test(c.text)).map((c) => c.text);
    const qa = passedThrough(p)
      ? []
      : qaParagraph(stripPrefix(p.source, p.prefix), stripPrefix(p.target, p.prefix), { ...opts, guardFlags, emptyChunks });
    if (qa.length > 0) summary.paragraphsFlagged++;
    summary.findings += qa.length;
    for (const f of qa) summary.byKind[f.kind]++;
    return { ...p, qa };
  });
  summary.paragraphs = checked.length;
  return { paragraphs: checked, summary };
}

/** Checks a document again: its paragraphs' `qa` lists and its `qa` summary (what the renderers show) both from this check. */
export function qaDocument(doc: BilingualDocument, opts: Omit<QaOptions, 'guardFlags' | 'emptyChunks'> = {}): QaReport {
  const { paragraphs, summary } = qaParagraphs(doc.paragraphs, opts);
  return { document: { ...doc, paragraphs, qa: { ...summary, byKind: { ...summary.byKind } } }, summary };
}
