/**
 * segmentDocument: raw Danish text → SourceDocument (paragraphs → chunks within the budget).
 *
 * Invariants (tested):
 *  - every chunk has `countTokens(chunk.text) <= maxTokens` and `chunk.tokens` is that count;
 *  - chunk text is never empty and contains no line break and no whitespace run;
 *  - `prefix + chunks joined by their joinBefore` equals the paragraph's `text` after:
 *      0. invisible break hints (soft hyphen, zero-width space …, see normalize.ts) removed,
 *      1. soft line breaks (see lines.ts) → one space,
 *      2. every other whitespace run except hard line breaks → one space
 *         (so `normalizeWhitespace` of both sides is always equal);
 *  - the first chunk of a paragraph has joinBefore '', the first chunk of each later hard line
 *    '\n', chunks after a sentence or word boundary ' ', pieces of a split word ''.
 *  - chunk.index counts from 0 within its paragraph; paragraph.index from 0 in the document.
 */
import type { SourceChunk, SourceDocument, SourceParagraph } from '../document/types.js';
import { Da2enError } from '../errors.js';
import { removeNuls } from '../nul-characters.js';
import { packPieces, splitToBudget, type Piece, type TokenCounter } from './chunk.js';
import { classifyMarkers, looksLikeHeading } from './classify.js';
import { logicalLines } from './lines.js';
import { extractLeadingMetadata } from './metadata.js';
import { collapseInlineWhitespace, normalizeInput, removeBreakHints } from './normalize.js';
import { splitParagraphs } from './paragraphs.js';
import { splitSentences } from './sentences.js';
import { makeTitle } from './title.js';

export interface SegmentOptions {
  countTokens: TokenCounter;
  /** Upper bound for `countTokens(chunk.text)` of every chunk. */
  maxTokens: number;
  /** Pack consecutive sentences into one chunk while within budget (default false). */
  packSentences?: boolean;
  /** The input's name, copied to metadata.source. */
  source?: string;
  /**
   * Read a leading `date YYYY-MM` marker as the article's date and leave it out of the text
   * (default true). False for text that is all to be translated (LibreTranslate's `q`).
   */
  dateMarker?: boolean;
}

/** Pieces (within budget) of one logical line, the first with joinBefore ''. */
export function chunkLine(line: string, opts: SegmentOptions): Piece[] {
  const pieces: Piece[] = [];
  let join: '' | ' ' = '';
  // The source side keeps them; a line of nothing else keeps them too (it stays a chunk).
  const visible = removeBreakHints(line);
  for (const raw of splitSentences(collapseInlineWhitespace(visible.trim() === '' ? line : visible))) {
    pieces.push(...splitToBudget(raw, pieces.length === 0 ? '' : join, opts.countTokens, opts.maxTokens));
    join = /\s$/u.test(raw) ? ' ' : '';
  }
  return opts.packSentences ? packPieces(pieces, opts.countTokens, opts.maxTokens) : pieces;
}

/**
 * One paragraph. `nextLine` is the first line of the following paragraph (undefined for the
 * last), used by the heading heuristic.
 */
export function segmentParagraph(
  lines: readonly string[],
  index: number,
  nextLine: string | undefined,
  opts: SegmentOptions,
): SourceParagraph {
  const first = lines[0] ?? '';
  let { kind, prefix, body } = classifyMarkers(first);
  if (kind === 'text' && looksLikeHeading(lines, nextLine)) kind = 'heading';

  const chunks: SourceChunk[] = [];
  logicalLines([body, ...lines.slice(1)]).forEach((line, lineNo) => {
    chunkLine(line, opts).forEach((piece, i) => {
      const joinBefore = i > 0 ? piece.joinBefore : lineNo > 0 ? '\n' : '';
      chunks.push({
        index: chunks.length,
        text: piece.text,
        joinBefore,
        tokens: opts.countTokens(piece.text),
      });
    });
  });
  return { index, kind, text: lines.join('\n'), prefix, chunks };
}

export function segmentDocument(text: string, opts: SegmentOptions): SourceDocument {
  if (!(opts.maxTokens > 0)) throw new Da2enError('usage', `maxTokens must be positive, got ${opts.maxTokens}`);
  // NULs go before the date marker is looked for ("\0date 2024-05"), as a file read by the CLI loses
  // them before its paragraphs reach here; splitParagraphs would remove them only after.
  const normalized = normalizeInput(removeNuls(text).text);
  const { date, rest } = opts.dateMarker === false ? { date: undefined, rest: normalized } : extractLeadingMetadata(normalized);
  const blocks = splitParagraphs(rest);
  const paragraphs = blocks.map((lines, i) => segmentParagraph(lines, i, blocks[i + 1]?.[0], opts));
  const firstPara = paragraphs[0];
  // A title only where the article has one: a first paragraph that is a heading (marked "# …" or
  // detected as such). A lede, or an article of one paragraph, has none; its first sentence is
  // the start of the text, not a title.
  const title = firstPara?.kind === 'heading' ? makeTitle(firstPara.text.slice(firstPara.prefix.length)) : '';
  const metadata: SourceDocument['metadata'] = {};
  if (date !== undefined) metadata.date = date;
  if (opts.source !== undefined) metadata.source = opts.source;
  return { title, metadata, paragraphs };
}

/** Rebuilds the translatable text of a paragraph from its chunks (used by tests and the pipeline). */
export function joinChunks(chunks: readonly { text: string; joinBefore: string }[]): string {
  return chunks.map((c, i) => (i === 0 ? '' : c.joinBefore) + c.text).join('');
}
