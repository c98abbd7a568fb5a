/**
 * The bilingual document from a segmented source and its translated paragraphs, assembled from
 * the same pieces the streaming pipeline uses (title rule, QA over paragraphs, detected language),
 * so a document from the server reads exactly as one from the CLI.
 */
import type { BilingualDocument, BilingualParagraph, ModelInfo, SourceDocument, Timings } from '../document/types.js';
import { targetTitle } from '../pipeline/translate-stream.js';
import { qaParagraphs } from '../qa/index.js';
import { detectLanguage } from '../segmentation/language.js';

export function assembleDocument(source: SourceDocument, paragraphs: readonly BilingualParagraph[], model: ModelInfo, timings: Timings): BilingualDocument {
  const checked = qaParagraphs(paragraphs);
  const first = checked.paragraphs[0];
  const language = detectLanguage(source.paragraphs.map((p) => p.text).join('\n'));
  return {
    title: { source: source.title, target: first ? targetTitle(source.title, first) : '' },
    metadata: { ...source.metadata, ...(language ? { detectedLanguage: language } : {}) },
    model,
    timings,
    paragraphs: checked.paragraphs,
    qa: checked.summary,
  };
}
