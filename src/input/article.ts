/**
 * What an input reader (HTML page, Markdown file) hands to segmentation: the article's blocks in
 * reading order, each with its type, and where the article came from. Inline markup (links,
 * emphasis) is flattened to text; link targets are kept beside the text.
 */
import type { DocumentMetadata } from '../document/types.js';

export type BlockType =
  | 'title'
  | 'heading'
  | 'paragraph'
  | 'list-item'
  | 'quote'
  | 'caption'
  | 'byline'
  | 'table-cell'
  /** Code: shown as it is, never translated. */
  | 'code'
  /** A footnote's text (Markdown `[^1]: …`), translated; its label is kept beside it. */
  | 'footnote';

export interface BlockLink {
  text: string;
  /** Absolute URL (relative ones resolved against the page's URL when it is known, else kept as written: a saved page's). */
  href: string;
}

export interface ArticleBlock {
  type: BlockType;
  /** Plain text; a line break where the source had one (<br>, a hard break in Markdown, code lines). */
  text: string;
  /** Heading level 1–6 (headings only). */
  level?: number;
  /** List items: numbered list, and the item's number in it. */
  ordered?: boolean;
  number?: number;
  /** List items and quotes: nesting depth from 1. */
  depth?: number;
  /** A block inside a list item after the item's first paragraph (a second paragraph, a quote, code): the item's depth. */
  inListItem?: number;
  /** Code: the language named on the fence, if any. */
  lang?: string;
  /** Footnotes: the label their references use ("1" for `[^1]`). */
  label?: string;
  /**
   * Every block of a footnote definition, its first paragraph included (a second paragraph, a list,
   * a quote, code): the note's label ("1" for `[^1]`).
   */
  footnote?: string;
  links?: BlockLink[];
}

/**
 * Where the article came from, as far as the page says (absent values left out): the document
 * metadata's provenance fields (see DocumentMetadata), plus the page's declared language
 * (<html lang>, e.g. "da").
 */
export interface ArticleProvenance extends Pick<DocumentMetadata, 'url' | 'finalUrl' | 'fetchedAt' | 'pageTitle' | 'byline' | 'published' | 'siteName'> {
  lang?: string;
}

export interface Article {
  /** The article's headline ('' when the input has none). */
  title: string;
  /** In reading order; the first is the title block when there is a title. */
  blocks: ArticleBlock[];
  provenance: ArticleProvenance;
  /** What the reader fixed in its input (NULs removed), one line each; absent when nothing. */
  notes?: string[];
}
