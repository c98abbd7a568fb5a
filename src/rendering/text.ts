/**
 * Plain text: a header (title, then metadata on one line), a blank line, then each Danish
 * paragraph followed directly by its English partner, pairs separated by one blank line.
 * Line breaks inside paragraphs are kept.
 */
import type { BilingualDocument } from '../document/types.js';
import { metadataEntries, sourceText, targetText } from './common.js';

export function renderText(doc: BilingualDocument): string {
  const header: string[] = [];
  if (doc.title.source) header.push(doc.title.source);
  if (doc.title.target && doc.title.target !== doc.title.source) header.push(doc.title.target);
  const meta = metadataEntries(doc).map(([k, v]) => `${k}: ${v}`);
  if (meta.length > 0) header.push(meta.join(' | '));
  const blocks: string[] = [];
  if (header.length > 0) blocks.push(header.join('\n'));
  for (const p of doc.paragraphs) blocks.push(`${sourceText(p)}\n${targetText(p)}`.trimEnd());
  return `${blocks.join('\n\n')}\n`;
}
