/**
 * The one translation path: an article that arrives as a stream of paragraphs (see
 * src/io/paragraph-stream.ts) is translated with memory bounded by a window of paragraphs. The
 * whole-article API (src/translate-article.ts) is this with one window holding everything.
 *
 * Paragraphs are taken in windows (`windowParagraphs`, default 200, fewer when they reach
 * `windowChars`); each window is segmented by `segmentForTranslator` and translated by
 * `translateDocument`, and its translated paragraphs are yielded before more input is read. The
 * result does not depend on the window size: the same paragraphs (indexes continue across
 * windows), title, metadata and QA as one window over the whole text, because
 *  - each window's text also holds the next paragraph, so the heading heuristic (which looks at
 *    the next paragraph's first line) sees what it would see in the whole document; that extra
 *    paragraph is dropped and segmented again with the next window;
 *  - the leading ` date YYYY-MM ` marker is extracted from the first window only: later windows
 *    are segmented behind a throwaway first paragraph, so text that happens to start a later
 *    window is never taken for the marker;
 *  - the first window holds at least two paragraphs: a first paragraph that is only the marker
 *    leaves the title paragraph, and it still has its look-ahead for the heading heuristic;
 *  - the title and date come from the first window, as segmentDocument finds them, the target
 *    title from the first translated paragraph (`targetTitle`), the detected language from the
 *    first 4000 characters of the paragraphs (all detectLanguage looks at);
 *  - QA runs per window (it is per paragraph) and the summaries are added up.
 */
import type { BilingualDocument, BilingualParagraph, DocumentFrame, SourceDocument, SourceParagraph } from '../document/types.js';
import type { Translator } from '../engine/translator.js';
import { checkTranslationNumbers } from '../check-options.js';
import { Da2enError, interruptedError } from '../errors.js';
import { addQaSummary, emptyQaSummary, qaParagraphs } from '../qa/index.js';
import { chunkBudgetUsageError, segmentForTranslator, segmentOptionsFor, type TranslatorSegmentOptions } from '../segmentation/for-translator.js';
import type { Article } from '../input/article.js';
import { metadataFromProvenance, segmentBlock } from '../segmentation/article.js';
import { normalizeWhitespace } from '../segmentation/normalize.js';
import { ParagraphSplitter } from '../segmentation/paragraphs.js';
import { addPipelineStats, emptyPipelineStats, translateDocument, type PipelineOptions, type PipelineStats } from './translate-document.js';

export interface StreamProgress {
  /** Paragraphs translated (and yielded or about to be) so far. */
  paragraphsDone: number;
  chunksDone: number;
  /** Paragraphs (chunks) read and segmented so far: the totals once the last window is read (with one window, from the start). */
  paragraphsRead: number;
  chunksRead: number;
  /**
   * Input bytes translated so far: exact at window boundaries, interpolated by chunks within a
   * window. With `bytesTotal` this gives a fraction done and an ETA while the paragraph total is
   * still unknown.
   */
  bytesDone: number;
  /** The input's size when known (a file), else undefined (a pipe). */
  bytesTotal: number | undefined;
}

export interface StreamTranslateOptions extends Omit<PipelineOptions, 'onProgress'>, TranslatorSegmentOptions {
  /**
   * Paragraphs translated together (default 200; Infinity: the whole input in one window, batched
   * as one document). Larger windows batch better; memory grows with them.
   */
  windowParagraphs?: number;
  /** A window also closes once its paragraphs reach this many characters (default 1,000,000). */
  windowChars?: number;
  /**
   * Milliseconds spent loading the model before this run, for the timings (default 0). A model the
   * translator starts on first use during the run (Translator.deferredLoadMs) is added to it.
   */
  loadMs?: number;
  /** Where reading has got (a ParagraphSource is one), for byte-based progress. */
  input?: { readonly bytesRead: number; readonly totalBytes: number | undefined };
  onProgress?: (progress: StreamProgress) => void;
}

export interface StreamResult {
  /** The finished frame: title, metadata, model, timings and the QA summary. */
  frame: DocumentFrame;
  stats: PipelineStats;
  /** How many paragraphs were yielded. */
  paragraphs: number;
}

/** The translated paragraphs, in order, and the document-level parts once they are known. */
export interface StreamedTranslation extends AsyncIterable<BilingualParagraph> {
  /**
   * The frame as far as it is known: title, metadata (less the detected language) and model once
   * the first window is translated (undefined before); timings and QA only after the end.
   */
  frame(): DocumentFrame | undefined;
  /** Whether every paragraph has been yielded. */
  readonly done: boolean;
  /** The finished frame and stats; throws until the iteration has ended. */
  result(): StreamResult;
}

export const DEFAULT_WINDOW_PARAGRAPHS = 200;
export const DEFAULT_WINDOW_CHARS = 1_000_000;
/** detectLanguage looks at no more than this many characters. */
const LANGUAGE_SAMPLE_CHARS = 4000;
/** A paragraph put in front of later windows so that nothing there is read as the date marker. */
const SHIELD = 'x';
/** The marker paragraph and the one the title is read from (see the top of this file). */
const FIRST_WINDOW_MIN_PARAGRAPHS = 2;

/** The title's translation: none without a title, else the first paragraph's, or its first chunk's when the title is the paragraph's first sentence. */
export function targetTitle(sourceTitle: string, first: BilingualParagraph): string {
  if (sourceTitle === '') return ''; // no title (a lede, one paragraph): none in English either
  // The title is the paragraph less its marker ("# "), on one line (makeTitle): compared with the
  // source as it stands, a "# " heading of two sentences got only its first one's translation.
  const body = (s: string) => normalizeWhitespace(first.prefix !== '' && s.startsWith(first.prefix) ? s.slice(first.prefix.length) : s);
  return sourceTitle === body(first.source) ? body(first.target) : (first.chunks[0]?.target ?? first.target);
}

/** Paragraphs segmented for the model, a window at a time; the first window also brings the title and metadata. */
interface SegmentedWindow {
  head?: { title: string; metadata: SourceDocument['metadata'] };
  paragraphs: SourceParagraph[];
  /** Input bytes read once this window was taken (for progress). */
  bytesAfter: number;
}

/**
 * The caller's strings as the segmenter reads their text joined by blank lines: a string holding a
 * blank line is several paragraphs, a blank one (spaces, NULs) is none. A window then segments into
 * exactly its own paragraphs plus the one it looks ahead at, which it drops: a blank look-ahead
 * once made it drop a real paragraph instead, and a look-ahead of two paragraphs left one to be
 * translated twice.
 */
async function* asParagraphs(strings: AsyncIterable<string> | Iterable<string>): AsyncGenerator<string> {
  const splitter = new ParagraphSplitter();
  let item = 0;
  for await (const s of strings as AsyncIterable<unknown> | Iterable<unknown>) {
    // A JavaScript caller's number or object would otherwise be a TypeError from deep in the splitter.
    if (typeof s !== 'string') throw new Da2enError('usage', `translateParagraphStream takes strings: item ${item} is ${s === null ? 'null' : typeof s}, not a string`);
    item++;
    for (const lines of [...splitter.push(s), ...splitter.push('\n\n')]) yield lines.join('\n');
  }
  for (const lines of splitter.end()) yield lines.join('\n');
}

/** Plain text: windows of paragraphs, segmented as the whole text would be (see the top of this file). */
async function* textWindows(strings: AsyncIterable<string> | Iterable<string>, translator: Translator, o: StreamTranslateOptions): AsyncGenerator<SegmentedWindow> {
  const windowParagraphs = o.windowParagraphs ?? DEFAULT_WINDOW_PARAGRAPHS;
  const windowChars = o.windowChars ?? DEFAULT_WINDOW_CHARS;
  const it = asParagraphs(strings);
  let finished = false;
  try {
    let next = await it.next();
    for (let windowNo = 0; !next.done || windowNo === 0; windowNo++) {
      const window: string[] = [];
      let chars = 0;
      const least = windowNo === 0 ? FIRST_WINDOW_MIN_PARAGRAPHS : 1;
      while (!next.done && (window.length < least || (window.length < windowParagraphs && chars < windowChars))) {
        window.push(next.value);
        chars += next.value.length;
        next = await it.next();
      }
      const lookahead = next.done ? undefined : next.value;
      const bytesAfter = o.input?.bytesRead ?? 0;
      const shielded = windowNo > 0;
      const text = [...(shielded ? [SHIELD] : []), ...window, ...(lookahead !== undefined ? [lookahead] : [])].join('\n\n');
      // Every segmentation option as given (segmentOptionsFor takes its own): `dateMarker: false`
      // was once left out here, and the marker was taken out of text meant to be translated.
      const segmented = segmentForTranslator(text, translator, o);
      const own = segmented.paragraphs.slice(shielded ? 1 : 0, lookahead !== undefined ? -1 : undefined);
      yield { ...(windowNo === 0 ? { head: { title: segmented.title, metadata: segmented.metadata } } : {}), paragraphs: own, bytesAfter };
    }
    finished = true;
  } finally {
    if (!finished) await it.return(undefined);
  }
}

/** An article of typed blocks: each block is one paragraph, segmented on its own (nothing is guessed across blocks). */
async function* articleWindows(article: StructuredArticle, translator: Translator, o: StreamTranslateOptions): AsyncGenerator<SegmentedWindow> {
  const windowParagraphs = o.windowParagraphs ?? DEFAULT_WINDOW_PARAGRAPHS;
  const opts = segmentOptionsFor(translator, o);
  const metadata = { ...metadataFromProvenance(article.provenance, o.source), inputFormat: article.inputFormat };
  for (let start = 0; start < article.blocks.length || start === 0; start += windowParagraphs) {
    const blocks = article.blocks.slice(start, start + windowParagraphs);
    yield {
      ...(start === 0 ? { head: { title: article.title, metadata } } : {}),
      paragraphs: blocks.map((b, i) => segmentBlock(b, start + i, opts)),
      bytesAfter: 0,
    };
  }
}

/** An article read from markup, as translateArticleStream takes it. */
export interface StructuredArticle extends Article {
  inputFormat: 'html' | 'md' | 'url';
}

class WindowedTranslation implements StreamedTranslation {
  done = false;
  private started = false;
  private head: { title: string; metadata: SourceDocument['metadata'] } | undefined;
  private targetTitle: string | undefined;
  private readonly stats = emptyPipelineStats();
  private readonly qa = emptyQaSummary();
  private count = 0;
  private languageSample: string[] = [];
  private languageChars = 0;
  /**
   * The language detector (franc and its trigram tables, ~60-90 ms to import), loaded while the
   * first window is with the model rather than before it: it is needed only at the end.
   */
  private languageDetection: Promise<typeof import('../segmentation/language.js')> | undefined;
  private detectLanguage: ((text: string) => string | undefined) | undefined;
  private timings: BilingualDocument['timings'] | undefined;

  constructor(
    private readonly windows: AsyncIterable<SegmentedWindow>,
    private readonly translator: Translator,
    private readonly options: StreamTranslateOptions,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<BilingualParagraph> {
    if (this.started) throw new Error('a translation stream can be read only once');
    this.started = true;
    return this.run();
  }

  frame(): DocumentFrame | undefined {
    if (!this.head) return undefined;
    const t = this.translator;
    const frame: DocumentFrame = {
      title: { source: this.head.title, target: this.targetTitle ?? '' },
      metadata: { ...this.head.metadata },
      model: { id: t.modelId, dtype: t.dtype, decoding: t.decoding },
      timings: this.timings ?? { loadMs: Math.round(this.options.loadMs ?? 0), translateMs: 0, totalMs: 0 },
    };
    if (this.done) {
      const language = this.detectLanguage!(this.languageSample.join('\n'));
      if (language) frame.metadata.detectedLanguage = language;
      frame.qa = { ...this.qa, byKind: { ...this.qa.byKind } };
    }
    return frame;
  }

  result(): StreamResult {
    const frame = this.frame();
    if (!this.done || !frame) throw new Error('the translation stream has not been read to the end');
    return { frame, stats: { ...this.stats }, paragraphs: this.count };
  }

  private async *run(): AsyncGenerator<BilingualParagraph> {
    const o = this.options;
    const started = performance.now();
    const deferredBefore = this.translator.deferredLoadMs ?? 0;
    const windows = this.windows[Symbol.asyncIterator]();
    let bytesBefore = 0;
    let chunksBefore = 0;
    try {
      for (let next = await windows.next(); !next.done; next = await windows.next()) {
        o.signal?.throwIfAborted();
        const window = next.value;
        if (window.head) this.head = window.head;
        const own = window.paragraphs;
        const bytesAfter = window.bytesAfter;
        const base = this.count;
        const source: SourceDocument = { title: this.head?.title ?? '', metadata: this.head?.metadata ?? {}, paragraphs: own.map((p, i) => ({ ...p, index: base + i })) };

        const chunksInWindow = own.reduce((n, p) => n + p.chunks.length, 0);
        const { onProgress: _drop, input: _input, ...pipeline } = o;
        const translating = translateDocument(source, this.translator, {
          ...pipeline,
          onProgress: (p) => {
            const fraction = p.chunksTotal > 0 ? p.chunksDone / p.chunksTotal : 1;
            o.onProgress?.({
              paragraphsDone: base + p.paragraphsDone,
              chunksDone: chunksBefore + p.chunksDone,
              paragraphsRead: base + p.paragraphsTotal,
              chunksRead: chunksBefore + p.chunksTotal,
              bytesDone: Math.round(bytesBefore + (bytesAfter - bytesBefore) * fraction),
              bytesTotal: o.input?.totalBytes,
            });
          },
        });
        this.languageDetection ??= import('../segmentation/language.js');
        const { paragraphs, stats } = await translating;
        addPipelineStats(this.stats, stats);
        chunksBefore += chunksInWindow;
        bytesBefore = bytesAfter;

        const checked = qaParagraphs(paragraphs);
        addQaSummary(this.qa, checked.summary);
        const first = checked.paragraphs[0];
        if (this.targetTitle === undefined && first) this.targetTitle = targetTitle(this.head?.title ?? '', first);
        for (const p of checked.paragraphs) {
          if (p.kind !== 'code') this.sampleLanguage(p.source);
          // A stop while the consumer reads a translated window ends the stream there, not after the window.
          o.signal?.throwIfAborted();
          this.count++;
          yield p;
        }
      }
      o.signal?.throwIfAborted();
      const finished = performance.now();
      // A model started on first use during this run: load time, not translation time.
      const deferred = (this.translator.deferredLoadMs ?? 0) - deferredBefore;
      const loadMs = Math.round((o.loadMs ?? 0) + deferred);
      const translateMs = Math.round(finished - started - deferred);
      this.timings = { loadMs, translateMs, totalMs: loadMs + translateMs };
      this.detectLanguage = (await (this.languageDetection ??= import('../segmentation/language.js'))).detectLanguage;
      this.done = true;
    } catch (err) {
      throw translationError(err, o.signal);
    } finally {
      if (!this.done) await windows.return?.(undefined);
    }
  }

  private sampleLanguage(text: string): void {
    if (this.languageChars >= LANGUAGE_SAMPLE_CHARS) return;
    const piece = text.slice(0, LANGUAGE_SAMPLE_CHARS);
    this.languageSample.push(piece);
    this.languageChars += piece.length + 1;
  }
}

/** A failure as the library throws it: stopped by the caller's signal, `interrupted`; a chunk budget too small for one character, `usage`. */
function translationError(err: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return interruptedError(signal.reason);
  return chunkBudgetUsageError(err);
}

/**
 * A usage error for what is not an iterable of paragraphs. A string is iterable, but by character:
 * taken as it is, each character was a paragraph of its own.
 */
function checkParagraphSource(paragraphs: unknown): void {
  if (typeof paragraphs === 'string') {
    throw new Da2enError('usage', 'translateParagraphStream takes an iterable of paragraphs, not one string (it would be read a character at a time): use translateArticle(text), or pass [text]');
  }
  const iterable = paragraphs !== null && (typeof paragraphs === 'object' || typeof paragraphs === 'function') && (Symbol.asyncIterator in paragraphs || Symbol.iterator in paragraphs);
  if (!iterable) {
    throw new Da2enError('usage', `translateParagraphStream takes an iterable of strings (an array, a generator, a stream), not ${paragraphs === null ? 'null' : typeof paragraphs}`);
  }
}

/** The options (translateArticle's `{ translator, … }`) passed where the translator belongs failed later as "maxTokens must be positive, got NaN". */
function checkTranslator(translator: unknown): void {
  const t = translator as Partial<Translator> | null | undefined;
  if (typeof t?.translateBatch !== 'function' || typeof t.countTokens !== 'function') {
    throw new Da2enError('usage', 'translateParagraphStream(paragraphs, translator, options) takes a translator (from loadTranslator()) as its second argument');
  }
}

/**
 * Translates paragraphs as they arrive, a window at a time. Iterate the result (once) for the
 * translated paragraphs in order; after the end, `result()` gives the title, metadata, timings,
 * QA summary and stats. Breaking out of the loop stops reading the input.
 */
export function translateParagraphStream(
  paragraphs: AsyncIterable<string> | Iterable<string>,
  translator: Translator,
  options: StreamTranslateOptions = {},
): StreamedTranslation {
  checkParagraphSource(paragraphs);
  checkTranslator(translator);
  checkTranslationNumbers(options);
  return new WindowedTranslation(textWindows(paragraphs, translator, options), translator, options);
}

/**
 * Translates an article read from markup (a web page, Markdown): one paragraph per block, in
 * order, each keeping its type and structure. The same windows, QA, title rule and frame as
 * plain text; results are read the same way (iterate, then `result()`).
 */
export function translateArticleStream(article: StructuredArticle, translator: Translator, options: StreamTranslateOptions = {}): StreamedTranslation {
  checkTranslationNumbers(options);
  return new WindowedTranslation(articleWindows(article, translator, options), translator, options);
}
