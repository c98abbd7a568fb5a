export { segmentDocument, segmentParagraph, chunkLine, joinChunks, type SegmentOptions } from './segment.js';
export { splitSentences, icuSentences, shouldMerge, NEVER_FINAL_ABBREVIATIONS, MAYBE_FINAL_ABBREVIATIONS, MONTHS } from './sentences.js';
export { splitToBudget, packPieces, ChunkBudgetError, type Piece, type TokenCounter } from './chunk.js';
export { classifyMarkers, looksLikeHeading, type Classified } from './classify.js';
export { logicalLines, isSoftWrap, endsSentence } from './lines.js';
export { extractLeadingMetadata, type LeadingMetadata } from './metadata.js';
export { normalizeInput, normalizeNewlines, stripBom, splitParagraphs, normalizeWhitespace, collapseInlineWhitespace } from './normalize.js';
export { makeTitle, TITLE_MAX } from './title.js';
