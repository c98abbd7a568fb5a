/**
 * The one document model every stage shares. Segmentation produces a SourceDocument,
 * the pipeline fills it into a BilingualDocument, and every renderer reads only that
 * (no renderer re-parses text produced by another).
 */

/**
 * What a paragraph is, as far as layout goes. Plain text input knows 'text', 'heading' and
 * 'quote' (guessed from the text); inputs with markup (web pages, Markdown) say what each block
 * is and bring the rest. 'code' is shown as it is and never translated.
 */
export type ParagraphKind = 'text' | 'heading' | 'quote' | 'list-item' | 'caption' | 'byline' | 'table-cell' | 'code';

/** A link in a paragraph of a marked-up input: its text (as it reads in `source`) and where it pointed. */
export interface ParagraphLink {
  text: string;
  href: string;
}

/** Structure a marked-up input gives a paragraph (absent for plain text input). */
export interface ParagraphStructure {
  /** Heading level 1–6 (1: the article's title). */
  level?: number;
  /** List items: numbered or not, the item's number, nesting depth from 1. */
  list?: { ordered: boolean; number?: number; depth: number };
  /** A block inside a list item after the item's first paragraph (a second paragraph, a quote, code): the item's depth. */
  inListItem?: number;
  /** Quotes nested in quotes: depth from 2. */
  depth?: number;
  /** Code: the language named on the fence. */
  lang?: string;
  /**
   * Markdown input: the label of the footnote definition the block is part of ("1" for `[^1]`), on
   * every block of the note: its first paragraph (which shows the label as its prefix, "[^1]: ")
   * and whatever follows it in the note (more paragraphs, list items, quotes, code). A note that
   * opens with no paragraph (a list) has no block with the prefix: its first block is the first
   * one with its label.
   */
  footnote?: string;
  links?: ParagraphLink[];
  /**
   * True when the kind came from the input's markup (a web page, Markdown) rather than from
   * guessing on plain text: renderers then keep the block's own form (Markdown: headings, lists
   * and quotes as such instead of table rows).
   */
  structured?: boolean;
}

/**
 * One unit sent to the model. `joinBefore` is what stood between this chunk and the
 * previous one in the source (a space between sentences, a newline between lines), so the
 * target can be joined the same way and line breaks survive translation.
 */
export interface SourceChunk {
  /** Position within its paragraph, from 0. */
  index: number;
  text: string;
  joinBefore: '' | ' ' | '\n';
  /** Token count measured by the tokenizer the chunk was packed with. */
  tokens: number;
}

export interface SourceParagraph extends ParagraphStructure {
  index: number;
  kind: ParagraphKind;
  /**
   * The paragraph exactly as it will be shown on the source side (metadata removed, line breaks
   * kept, each line trimmed; the prefix included). The chunks cover the text after the prefix.
   */
  text: string;
  /**
   * Text kept verbatim in front of the translation and never sent to the model:
   * a quote dash "- ", a Markdown heading marker "# ", a footnote's label "[^1]: ".
   */
  prefix: string;
  chunks: SourceChunk[];
}

export interface DocumentMetadata {
  /** e.g. "2021-07" from a leading " date 2021-07 " marker. */
  date?: string;
  /** The input's name (file path, or "-" for stdin). */
  source?: string;
  /** How the input was read: text, html (a saved page), md, url (a page fetched by da2en). */
  inputFormat?: 'text' | 'html' | 'md' | 'url';
  /** Provenance of a web page: the URL asked for, the one that answered (after redirects, when different), when (ISO 8601). */
  url?: string;
  finalUrl?: string;
  fetchedAt?: string;
  /** The page's own <title>, byline, published date (as the page states it: JSON-LD datePublished, <meta>, <time datetime>) and site name. */
  pageTitle?: string;
  byline?: string;
  published?: string;
  siteName?: string;
}

export interface SourceDocument {
  title: string;
  metadata: DocumentMetadata;
  paragraphs: SourceParagraph[];
}

export interface TranslatedChunk extends SourceChunk {
  target: string;
  /** Where the translation came from. */
  origin: 'model' | 'cache' | 'passthrough';
  /**
   * Names of runaway guards that fired on this chunk (see the decoding guards), and
   * `unrestored:<text>` for each run of source text the model could not spell (`<unk>`) that did
   * not come back in its output (src/engine/protected-spans.ts).
   */
  flags?: string[];
}

/** The flag prefix for source text the model could not spell and the output did not bring back. */
export const UNRESTORED_FLAG = 'unrestored:';

/** Whether a translation's flags say source text was lost (such a translation is not cached). */
export function lostText(flags: readonly string[] | undefined): boolean {
  return (flags ?? []).some((f) => f.startsWith(UNRESTORED_FLAG));
}

export interface QaFinding {
  /** `number-format`: a source number copied in Danish format ("3.850", "2,5"), which reads as another number in English. */
  kind: 'missing-number' | 'number-format' | 'length-ratio' | 'guard' | 'untranslated' | 'empty' | 'unrestored';
  message: string;
}

export interface BilingualParagraph extends ParagraphStructure {
  index: number;
  kind: ParagraphKind;
  prefix: string;
  /** The source paragraph as shown (SourceParagraph.text: prefix included, line breaks kept). */
  source: string;
  /** The translation as shown: `prefix` + the chunk targets joined by their joinBefore. */
  target: string;
  chunks: TranslatedChunk[];
  qa?: QaFinding[];
}

export interface ModelInfo {
  id: string;
  dtype: string;
  /** Decoding settings that change the output (part of the cache key). */
  decoding: Record<string, unknown>;
}

export interface Timings {
  /**
   * Milliseconds spent loading the model for this document: finding it, its tokenizer and
   * configuration, and starting the model if that happened while this document was translated
   * (a model started on first use); 0 when it was already loaded, and without a model start
   * when every segment came from the translation memory.
   */
  loadMs: number;
  translateMs: number;
  totalMs: number;
}

/** Counts of QA findings over the document (see src/qa). */
export interface QaSummary {
  paragraphs: number;
  paragraphsFlagged: number;
  findings: number;
  byKind: Record<QaFinding['kind'], number>;
}

export interface BilingualDocument {
  title: { source: string; target: string };
  metadata: DocumentMetadata & { detectedLanguage?: string };
  model: ModelInfo;
  timings: Timings;
  paragraphs: BilingualParagraph[];
  qa?: QaSummary;
}

/**
 * A document without its paragraphs: what a streamed translation knows beside them, and what a
 * renderer's head and tail are rendered from.
 */
export type DocumentFrame = Omit<BilingualDocument, 'paragraphs'>;
