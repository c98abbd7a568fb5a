import type { BilingualDocument, SourceDocument } from './document/types.js';
import { loadTranslator, type EngineOptions } from './engine/load-translator.js';
import type { Translator } from './engine/translator.js';
import { translateDocument, type PipelineOptions, type PipelineStats } from './pipeline/translate-document.js';
import { qaDocument } from './qa/index.js';
import { segmentDocument } from './segmentation/index.js';
import { detectLanguage } from './segmentation/language.js';

export interface TranslateArticleOptions extends EngineOptions, Omit<PipelineOptions, 'signal'> {
  /** A translator already loaded (several articles, one model load). Otherwise one is loaded and disposed. */
  translator?: Translator;
  /** Largest chunk sent to the model, in tokens incl. end-of-sentence (default 256). */
  maxChunkTokens?: number;
  /** Pack several sentences into one chunk while within budget (default false: Opus-MT drops sentences in long inputs). */
  packSentences?: boolean;
  /** Name of the input, kept in the metadata. */
  source?: string;
}

export const DEFAULT_MAX_CHUNK_TOKENS = 256;

export interface TranslatedArticle {
  document: BilingualDocument;
  stats: PipelineStats;
}

/** Splits Danish text into chunks the model can take, measured with the model's own tokenizer. */
export function segmentForTranslator(text: string, translator: Translator, options: Pick<TranslateArticleOptions, 'maxChunkTokens' | 'packSentences' | 'source'> = {}): SourceDocument {
  return segmentDocument(text, {
    countTokens: (s: string) => translator.countTokens(s),
    maxTokens: Math.min(options.maxChunkTokens ?? DEFAULT_MAX_CHUNK_TOKENS, translator.maxInputTokens),
    packSentences: options.packSentences ?? false,
    ...(options.source !== undefined ? { source: options.source } : {}),
  });
}

/**
 * Translates a Danish article into a bilingual document: paragraph i of the result pairs the
 * i-th source paragraph with its English translation. Every renderer works from this object.
 */
export async function translateArticleWithStats(text: string, options: TranslateArticleOptions = {}): Promise<TranslatedArticle> {
  const started = performance.now();
  const translator = options.translator ?? (await loadTranslator(options));
  const loaded = performance.now();
  try {
    const source = segmentForTranslator(text, translator, options);
    const { paragraphs, stats } = await translateDocument(source, translator, options);
    const finished = performance.now();
    const first = paragraphs[0];
    // The title is the first paragraph, or its first sentence when that paragraph is long.
    const targetTitle = !first ? '' : source.title === first.source ? first.target : (first.chunks[0]?.target ?? first.target);
    const document: BilingualDocument = {
      title: { source: source.title, target: targetTitle },
      metadata: { ...source.metadata, ...languageOf(source) },
      model: { id: translator.modelId, dtype: translator.dtype, decoding: translator.decoding },
      timings: {
        loadMs: Math.round(loaded - started),
        translateMs: Math.round(finished - loaded),
        totalMs: Math.round(finished - started),
      },
      paragraphs,
    };
    // QA marks the paragraphs a reader should check (numbers lost, odd lengths, guards that fired).
    const checked = qaDocument(document);
    return { document: { ...checked.document, qa: checked.summary }, stats };
  } finally {
    if (!options.translator) await translator.dispose();
  }
}

/** The guessed input language, when there is enough text to guess (the model translates it anyway). */
function languageOf(source: SourceDocument): { detectedLanguage?: string } {
  const language = detectLanguage(source.paragraphs.map((p) => p.text).join('\n'));
  return language ? { detectedLanguage: language } : {};
}

export async function translateArticle(text: string, options: TranslateArticleOptions = {}): Promise<BilingualDocument> {
  return (await translateArticleWithStats(text, options)).document;
}
