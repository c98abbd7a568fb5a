/**
 * The model as the server sees it: segmentation (it needs the model's tokenizer) and batch
 * translation, both asynchronous so that neither blocks the HTTP event loop. The worker engine
 * (./worker-engine.ts) runs both in a worker thread; `inProcessEngine` wraps any Translator on this
 * thread (for tests of the server's own logic with a fake translator).
 */
import type { SourceDocument } from '../document/types.js';
import type { Translator, TranslationResult } from '../engine/translator.js';
import type { Article } from '../input/article.js';
import { segmentArticleForTranslator, segmentForTranslator, type TranslatorSegmentOptions } from '../segmentation/for-translator.js';
import type { BatchTranslator } from './scheduler.js';

export type SegmentRequest = TranslatorSegmentOptions;

export interface ServerEngine extends BatchTranslator {
  readonly maxInputTokens: number;
  segment(text: string, options?: SegmentRequest): Promise<SourceDocument>;
  /** Segments several short texts (LibreTranslate's array `q`) in one round trip. */
  segmentMany(texts: readonly string[], options?: SegmentRequest): Promise<SourceDocument[]>;
  /** Segments an article read from a web page (one paragraph per block, its structure kept). */
  segmentArticle(article: Article, options?: SegmentRequest): Promise<SourceDocument>;
  dispose(): Promise<void>;
}

/** Segmentation with the model's tokenizer; shared by the in-process engine and the worker. */
export function segmentWith(countTokens: (s: string) => number, maxInputTokens: number, text: string, options: SegmentRequest = {}): SourceDocument {
  return segmentForTranslator(text, { countTokens, maxInputTokens }, options);
}

/** The same for an article of typed blocks. */
export function segmentArticleWith(countTokens: (s: string) => number, maxInputTokens: number, article: Article, options: SegmentRequest = {}): SourceDocument {
  return segmentArticleForTranslator(article, { countTokens, maxInputTokens }, options);
}

/** A Translator driven on the calling thread (its model calls block it: tests and fakes only). */
export function inProcessEngine(translator: Translator): ServerEngine {
  const count = (s: string) => translator.countTokens(s);
  return {
    modelId: translator.modelId,
    memoryId: translator.memoryId,
    dtype: translator.dtype,
    decoding: translator.decoding,
    maxInputTokens: translator.maxInputTokens,
    segment: async (text, options) => segmentWith(count, translator.maxInputTokens, text, options),
    segmentMany: async (texts, options) => texts.map((t) => segmentWith(count, translator.maxInputTokens, t, options)),
    segmentArticle: async (article, options) => segmentArticleWith(count, translator.maxInputTokens, article, options),
    translateBatch: (texts: string[]): Promise<TranslationResult[]> => translator.translateBatch(texts),
    dispose: () => translator.dispose(),
  };
}
