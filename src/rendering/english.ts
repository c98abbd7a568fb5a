/** English only: the translated paragraphs (prefixes kept), blank-line separated. */
import type { BilingualDocument } from '../document/types.js';
import { targetText } from './common.js';

export function renderEnglish(doc: BilingualDocument): string {
  const paras = doc.paragraphs.map(targetText).filter((t) => t !== '');
  return paras.length === 0 ? '' : `${paras.join('\n\n')}\n`;
}
