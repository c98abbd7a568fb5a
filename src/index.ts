/** da2en as a library: `import { translateArticle } from 'da2en'`. The CLI is a thin layer over this. */
export { translateArticle, translateArticleWithStats, type TranslateArticleOptions, type TranslatedArticle } from './translate-article.js';
export { segmentForTranslator, DEFAULT_MAX_CHUNK_TOKENS } from './segmentation/for-translator.js';
export { loadTranslator, DEFAULT_DTYPE, type EngineOptions } from './engine/load-translator.js';
export type { Translator, TranslationResult, TranslateOptions } from './engine/translator.js';
export type { Dtype } from './engine/marian-model.js';
export { DEFAULT_MODEL_ID, ensureModel, verifyModel, locateModel, defaultModelsDir, type VerifyReport } from './engine/model-store/index.js';
export { translateDocument, type PipelineOptions, type PipelineProgress, type PipelineStats } from './pipeline/translate-document.js';
export { segmentDocument } from './segmentation/index.js';
export type * from './document/types.js';
export { Da2enError, isDa2enError, ERROR_KINDS, type ErrorKind } from './errors.js';
