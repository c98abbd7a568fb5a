/**
 * The whole-article API. It collects the streaming translation (src/pipeline/translate-stream.ts)
 * with one window holding the whole text, so a whole article and the same article streamed give
 * the same document by construction, and the document is assembled (title, metadata, QA) in one place.
 */
import { checkTranslationNumbers } from './check-options.js';
import type { BilingualDocument, BilingualParagraph } from './document/types.js';
import { MAX_REPLICAS, processesForWork } from './engine/generation/thread-plan.js';
import { loadTranslator, type EngineOptions } from './engine/load-translator.js';
import type { Translator } from './engine/translator.js';
import type { PipelineOptions, PipelineStats } from './pipeline/translate-document.js';
import { translateParagraphStream } from './pipeline/translate-stream.js';
import { nulsRemovedNote } from './nul-characters.js';
import { ParagraphSplitter } from './segmentation/paragraphs.js';
import type { TranslatorSegmentOptions } from './segmentation/for-translator.js';

export interface TranslateArticleOptions extends EngineOptions, Omit<PipelineOptions, 'signal'>, TranslatorSegmentOptions {
  /** A translator already loaded (several articles, one model load). Otherwise one is loaded and disposed. */
  translator?: Translator;
}

export interface TranslatedArticle {
  document: BilingualDocument;
  stats: PipelineStats;
}

/**
 * Translates a Danish article into a bilingual document: paragraph i of the result pairs the
 * i-th source paragraph with its English translation. Every renderer works from this object.
 */
export async function translateArticleWithStats(text: string, options: TranslateArticleOptions = {}): Promise<TranslatedArticle> {
  const started = performance.now();
  // A bad number is refused before the model is loaded for it.
  checkTranslationNumbers(options);
  // One article: one model process with every core starts and finishes first (thread-plan.ts).
  const translator =
    options.translator ??
    (await loadTranslator({ modelProcesses: processesForWork(text.length) ?? MAX_REPLICAS, ...options }));
  try {
    const { onProgress, ...pipeline } = options;
    const translation = translateParagraphStream(paragraphsOf(text, options.onNotice), translator, {
      ...pipeline,
      loadMs: performance.now() - started,
      // One window: the whole article is batched as one document, as before streaming existed.
      windowParagraphs: Number.POSITIVE_INFINITY,
      windowChars: Number.POSITIVE_INFINITY,
      ...(onProgress
        ? { onProgress: (p) => onProgress({ paragraphsDone: p.paragraphsDone, paragraphsTotal: p.paragraphsRead, chunksDone: p.chunksDone, chunksTotal: p.chunksRead }) }
        : {}),
    });
    const paragraphs: BilingualParagraph[] = [];
    for await (const p of translation) paragraphs.push(p);
    const { frame, stats } = translation.result();
    return { document: { ...frame, paragraphs }, stats };
  } finally {
    if (!options.translator) await translator.dispose();
  }
}

/** The text's paragraphs, as the streaming path reads them from a file; the NULs removed are told as the CLI tells them. */
async function* paragraphsOf(text: string, onNotice: ((message: string) => void) | undefined): AsyncGenerator<string> {
  const splitter = new ParagraphSplitter();
  const paragraphs = [...splitter.push(text), ...splitter.end()];
  if (splitter.nulsRemoved > 0) onNotice?.(nulsRemovedNote(splitter.nulsRemoved));
  for (const lines of paragraphs) yield lines.join('\n');
}

export async function translateArticle(text: string, options: TranslateArticleOptions = {}): Promise<BilingualDocument> {
  return (await translateArticleWithStats(text, options)).document;
}
