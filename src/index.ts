/**
 * da2en as a library: `import { translateArticle } from 'da2en'`. The CLI is a thin layer over
 * this. Grouped by the step of the data flow each belongs to (see "How it works" in the README);
 * the README's "As a library" lists the same names (tests/unit/public-api.test.ts holds them equal).
 */

// Whole articles (the streaming translation, collected).
export { translateArticle, translateArticleWithStats, type TranslateArticleOptions, type TranslatedArticle } from './translate-article.js';

// Input: bytes from a file or stream → paragraphs.
export { openParagraphStream, paragraphsFromBytes, readParagraphsFromFile, type ParagraphSource, type ParagraphStreamOptions } from './io/paragraph-stream.js';
export { INPUT_ENCODINGS, type InputEncoding } from './io/decode-text.js';

// Segmentation: text → paragraphs → chunks within the model's token budget.
export { segmentDocument } from './segmentation/index.js';
export { segmentForTranslator, DEFAULT_MAX_CHUNK_TOKENS, type TokenBudget, type TranslatorSegmentOptions } from './segmentation/for-translator.js';

// Pipeline: the queue over batches, and the streaming translation every path goes through.
export { translateDocument, DEFAULT_BATCH_LIMITS, type PipelineOptions, type PipelineProgress, type PipelineStats } from './pipeline/translate-document.js';
export {
  translateParagraphStream,
  type StreamTranslateOptions,
  type StreamedTranslation,
  type StreamProgress,
  type StreamResult,
} from './pipeline/translate-stream.js';
export type { MemoryEntry, MemoryHit, TranslationMemory } from './pipeline/memory.js';
export { openTranslationMemory } from './cache/translation-memory.js';

// Engine: the model, its files, and the translator made from them.
export { loadTranslator, DEFAULT_DTYPE, type EngineOptions } from './engine/load-translator.js';
export type { ModelStart, ModelStarted } from './engine/marian-translator.js';
export type { Translator, TranslationResult, TranslateOptions } from './engine/translator.js';
export type { Dtype } from './engine/dtype.js';
export { DEFAULT_MODEL_ID, ensureModel, verifyModel, locateModel, defaultModelsDir, type VerifyReport } from './engine/model-store/index.js';

// QA, rendering and output.
export { qaDocument } from './qa/index.js';
export { render, createStreamRenderer, OUTPUT_FORMATS, type OutputFormat, type StreamRenderer } from './rendering/index.js';
export { writeBilingualStream, type StreamTarget } from './io/bilingual-writer.js';

// The document model every step shares, and the errors.
export type * from './document/types.js';
export { Da2enError, isDa2enError, ERROR_KINDS, SETTING_WORDS, type ErrorKind, type SettingName } from './errors.js';
// The page readers throw Da2enError like every other entry point (their own errors as the cause).
export { fetchArticle, fetchPage, extractArticle } from './page-readers.js';
export { parseMarkdown, detectInputFormat, decodeHtml, FetchError, NoArticleError, USER_AGENT, type Article, type ArticleBlock, type ArticleProvenance, type BlockType, type FetchFailure, type FetchPageOptions, type FetchedPage, type InputFormat } from './input/index.js';
