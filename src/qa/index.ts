export { qaParagraph, QA_DEFAULTS } from './qa-paragraph.js';
export type { QaOptions } from './qa-paragraph.js';
export { qaDocument, qaParagraphs, emptyQaSummary, addQaSummary } from './qa-document.js';
export type { QaKind, QaReport, QaSummary } from './qa-document.js';
export { extractSourceNumbers, extractTargetNumbers, missingNumbers, numberPresent } from './numbers.js';
export type { SourceNumber, SourceNumberKind, TargetNumbers } from './numbers.js';
export { levenshtein, similarity, normaliseForCompare } from './similarity.js';
