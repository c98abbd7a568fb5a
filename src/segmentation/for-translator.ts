/**
 * Segmentation measured with the model's own tokenizer: what every translation path (a whole
 * article, a stream of paragraphs, the lines of an evaluation set) sends to the pipeline.
 */
import { checkTranslationNumbers } from '../check-options.js';
import type { SourceDocument } from '../document/types.js';
import { Da2enError } from '../errors.js';
import type { Article } from '../input/article.js';
import { segmentArticle } from './article.js';
import { ChunkBudgetError } from './chunk.js';
import { DEFAULT_MAX_CHUNK_TOKENS } from './defaults.js';
import { flattenLineBreaks } from './normalize.js';
import { segmentDocument, type SegmentOptions } from './segment.js';

/** What segmentation needs from a translator (the engine's Translator has it). */
export interface TokenBudget {
  countTokens(text: string): number;
  /** The longest input whose translation the model can finish (a Marian model: its positions less room for the output's start and end tokens). */
  readonly maxInputTokens: number;
}

export interface TranslatorSegmentOptions {
  /** Largest chunk sent to the model, in tokens incl. end-of-sentence (default 256). */
  maxChunkTokens?: number;
  /** Pack several sentences into one chunk while within budget (default false: Opus-MT drops sentences in long inputs). */
  packSentences?: boolean;
  /** Name of the input, kept in the metadata. */
  source?: string;
  /** Read a leading `date YYYY-MM` marker as metadata (default true); false: every character is text to translate. */
  dateMarker?: boolean;
}

export { DEFAULT_MAX_CHUNK_TOKENS };

/** The segmentation settings for a translator: its tokenizer, and a chunk budget within what it takes. */
export function segmentOptionsFor(translator: TokenBudget, options: TranslatorSegmentOptions = {}): SegmentOptions {
  checkTranslationNumbers(options);
  return {
    countTokens: (s: string) => translator.countTokens(s),
    maxTokens: Math.min(options.maxChunkTokens ?? DEFAULT_MAX_CHUNK_TOKENS, translator.maxInputTokens),
    packSentences: options.packSentences ?? false,
    ...(options.source !== undefined ? { source: options.source } : {}),
    ...(options.dateMarker !== undefined ? { dateMarker: options.dateMarker } : {}),
  };
}

/** Splits Danish text into chunks the model can take, measured with the model's own tokenizer. */
export function segmentForTranslator(text: string, translator: TokenBudget, options: TranslatorSegmentOptions = {}): SourceDocument {
  try {
    return segmentDocument(text, segmentOptionsFor(translator, options));
  } catch (err) {
    throw chunkBudgetUsageError(err);
  }
}

/** An article of typed blocks (a web page, Markdown) → one paragraph per block, chunked for the model. */
export function segmentArticleForTranslator(article: Article, translator: TokenBudget, options: TranslatorSegmentOptions = {}): SourceDocument {
  try {
    return segmentArticle(article, segmentOptionsFor(translator, options));
  } catch (err) {
    throw chunkBudgetUsageError(err);
  }
}

/** A chunk budget too small for one character is the caller's value at fault: kind `usage`; anything else as it is. */
export function chunkBudgetUsageError(err: unknown): unknown {
  if (!(err instanceof ChunkBudgetError)) return err;
  return new Da2enError('usage', `maxChunkTokens ${err.maxTokens} is too small: the single character ${JSON.stringify(err.grapheme)} already measures ${err.tokens} tokens; allow more tokens per chunk`, { cause: err });
}

/** Segmented lines (an evaluation set: one segment per line) and the line each paragraph came from. */
export interface SegmentedLines {
  document: SourceDocument;
  /** lineOf[i]: the line paragraph i belongs to. A long line may give several paragraphs; an empty one none. */
  lineOf: number[];
}

/**
 * Each line is one segment, kept whole when it fits the model (as published scores are computed):
 * sentences are packed, and only an over-long line is split. A line-break character inside a line
 * (a lone CR, NEL, U+2028 …) does not end it (sacreBLEU reads only LF as a line end), so it is a
 * space here: segmented as a line break it came back as one, and a saved hypothesis gained lines.
 */
export function segmentLines(lines: readonly string[], translator: TokenBudget): SegmentedLines {
  const document: SourceDocument = { title: '', metadata: {}, paragraphs: [] };
  const lineOf: number[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    // Every character of a line is text to score: a line starting "date 2024-05" lost those words.
    for (const p of segmentForTranslator(flattenLineBreaks(line), translator, { packSentences: true, dateMarker: false }).paragraphs) {
      document.paragraphs.push({ ...p, index: document.paragraphs.length });
      lineOf.push(i);
    }
  });
  return { document, lineOf };
}
