/**
 * QA over a whole bilingual document: every paragraph gets its `qa` list (empty when clean),
 * computed by `qaParagraph` on the paragraph's source and target (less their shared verbatim
 * prefix, so a quote whose translation is only "- " counts as empty), with the guard names
 * its chunks carry. The input document is not modified; the title is not checked.
 */
import type { BilingualDocument, QaFinding, QaSummary } from '../document/types.js';
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

export function qaDocument(doc: BilingualDocument, opts: Omit<QaOptions, 'guardFlags'> = {}): QaReport {
  const byKind: Record<QaKind, number> = {
    'missing-number': 0,
    'length-ratio': 0,
    guard: 0,
    untranslated: 0,
    empty: 0,
  };
  let paragraphsFlagged = 0;
  let findings = 0;
  const paragraphs = doc.paragraphs.map((p) => {
    const guardFlags = p.chunks.flatMap((c) => c.flags ?? []);
    const qa = qaParagraph(stripPrefix(p.source, p.prefix), stripPrefix(p.target, p.prefix), {
      ...opts,
      guardFlags,
    });
    if (qa.length > 0) paragraphsFlagged++;
    findings += qa.length;
    for (const f of qa) byKind[f.kind]++;
    return { ...p, qa };
  });
  return {
    document: { ...doc, paragraphs },
    summary: { paragraphs: paragraphs.length, paragraphsFlagged, findings, byKind },
  };
}
