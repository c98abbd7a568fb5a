/**
 * An article of typed blocks (a web page, a Markdown file; see src/input) → a SourceDocument:
 * one paragraph per block, in order, keeping the block's type and structure (heading level, list
 * number and depth, quote depth, links). Unlike plain text, nothing is guessed here: no heading
 * heuristic, no quote dashes, no date marker: the page's markup already said what each block is.
 * Each line of a block is split into sentences and chunks exactly as a text paragraph's lines
 * are (chunkLine), footnote references ("[^1]") kept apart and as they are
 * (footnote-references.ts). Code is one chunk, kept verbatim and never translated.
 */
import type { ArticleBlock, ArticleProvenance } from '../input/article.js';
import type { DocumentMetadata, ParagraphKind, SourceChunk, SourceDocument, SourceParagraph } from '../document/types.js';
import { Da2enError } from '../errors.js';
import { chunkAroundFootnoteReferences, footnoteLabelPrefix } from './footnote-references.js';
import { chunkLine, type SegmentOptions } from './segment.js';

const KIND: Readonly<Record<ArticleBlock['type'], ParagraphKind>> = {
  title: 'heading',
  heading: 'heading',
  paragraph: 'text',
  'list-item': 'list-item',
  quote: 'quote',
  caption: 'caption',
  byline: 'byline',
  'table-cell': 'table-cell',
  code: 'code',
  // A footnote reads as a paragraph; its label is the paragraph's verbatim prefix ("[^1]: "),
  // so every output shows it on both sides and the model never sees it.
  footnote: 'text',
};

export function segmentBlock(block: ArticleBlock, index: number, opts: SegmentOptions): SourceParagraph {
  const kind = KIND[block.type];
  const prefix = block.type === 'footnote' && block.label !== undefined ? footnoteLabelPrefix(block.label) : '';
  const paragraph: SourceParagraph = { index, kind, text: prefix + block.text, prefix, chunks: [], structured: true };
  if (block.type === 'title') paragraph.level = 1;
  else if (block.level !== undefined) paragraph.level = block.level;
  if (block.type === 'list-item') paragraph.list = { ordered: Boolean(block.ordered), depth: block.depth ?? 1, ...(block.number !== undefined ? { number: block.number } : {}) };
  else if (block.depth !== undefined && block.depth > 1) paragraph.depth = block.depth;
  if (block.inListItem !== undefined) paragraph.inListItem = block.inListItem;
  if (block.lang) paragraph.lang = block.lang;
  if (block.footnote !== undefined) paragraph.footnote = block.footnote;
  if (block.links && block.links.length > 0) paragraph.links = block.links;
  if (kind === 'code') {
    paragraph.chunks = [{ index: 0, text: block.text, joinBefore: '', tokens: 0 }];
    return paragraph;
  }
  const chunks: SourceChunk[] = [];
  block.text.split('\n').forEach((line, lineNo) => {
    chunkAroundFootnoteReferences(line, (text) => chunkLine(text, opts)).forEach((piece, i) => {
      chunks.push({ index: chunks.length, text: piece.text, joinBefore: i > 0 ? piece.joinBefore : lineNo > 0 ? '\n' : '', tokens: opts.countTokens(piece.text) });
    });
  });
  paragraph.chunks = chunks;
  return paragraph;
}

/** Provenance as document metadata (absent values left out). */
export function metadataFromProvenance(p: ArticleProvenance, source?: string): DocumentMetadata {
  const m: DocumentMetadata = {};
  if (source !== undefined) m.source = source;
  if (p.url) m.url = p.url;
  if (p.finalUrl) m.finalUrl = p.finalUrl;
  if (p.fetchedAt) m.fetchedAt = p.fetchedAt;
  if (p.pageTitle) m.pageTitle = p.pageTitle;
  if (p.byline) m.byline = p.byline;
  if (p.published) m.published = p.published;
  if (p.siteName) m.siteName = p.siteName;
  return m;
}

export function segmentArticle(article: { title: string; blocks: readonly ArticleBlock[]; provenance: ArticleProvenance }, opts: SegmentOptions): SourceDocument {
  if (!(opts.maxTokens > 0)) throw new Da2enError('usage', `maxTokens must be positive, got ${opts.maxTokens}`);
  return {
    title: article.title,
    metadata: metadataFromProvenance(article.provenance, opts.source),
    paragraphs: article.blocks.map((b, i) => segmentBlock(b, i, opts)),
  };
}
