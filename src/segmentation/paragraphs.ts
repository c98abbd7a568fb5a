/**
 * Paragraph splitting, the one implementation for a whole text and for a stream of pieces:
 *
 * - NUL characters are removed (counted in `nulsRemoved`), whichever entry point the text came from;
 * - a leading BOM (U+FEFF) is removed;
 * - CRLF, CR and LF all end a line;
 * - every line is trimmed on both sides (JavaScript's `\s`: tabs and U+00A0 count too);
 * - a line that is empty after trimming, or holds only characters that show nothing (zero-width
 *   space, U+FEFF, word joiner, a lone soft hyphen …: see isBlank), is blank, as a reader sees it;
 *   one or more blank lines end a paragraph;
 * - single line breaks inside a paragraph are kept.
 *
 * The splitter keeps one partial line and the current paragraph, however the pieces are cut, so
 * a stream's memory is bounded by its largest paragraph.
 */

import { removeNuls } from '../nul-characters.js';
import { isBlank } from './normalize.js';

/** Takes text piece by piece and hands back each paragraph (its trimmed lines) once it is complete. */
export class ParagraphSplitter {
  private partial: string[] = []; // pieces of the line being read
  private lines: string[] = []; // lines of the paragraph being read
  private carryCR = false; // a piece ended in CR: its LF, if any, is in the next piece
  private atStart = true;
  private nuls = 0;

  /** NUL characters removed so far. */
  get nulsRemoved(): number {
    return this.nuls;
  }

  /** The paragraphs this piece completes (often none). */
  push(piece: string): string[][] {
    const done: string[][] = [];
    const cleaned = removeNuls(piece);
    this.nuls += cleaned.removed;
    let text = cleaned.text;
    if (text === '') return done;
    if (this.atStart) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.atStart = false;
    }
    if (this.carryCR) text = `\r${text}`;
    this.carryCR = text.endsWith('\r');
    if (this.carryCR) text = text.slice(0, -1);
    if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      this.partial.push(text.slice(start, nl));
      start = nl + 1;
      const line = this.partial.join('').trim();
      this.partial = [];
      if (!isBlank(line)) this.lines.push(line);
      else if (this.lines.length > 0) {
        done.push(this.lines);
        this.lines = [];
      }
    }
    if (start < text.length) this.partial.push(text.slice(start));
    return done;
  }

  /** The last paragraph, if the text did not end with a blank line. */
  end(): string[][] {
    const last = this.partial.join('').trim();
    this.partial = [];
    if (!isBlank(last)) this.lines.push(last);
    const rest = this.lines.length > 0 ? [this.lines] : [];
    this.lines = [];
    return rest;
  }
}

/** The paragraphs of a whole text, each a list of trimmed, non-empty lines. */
export function splitParagraphs(text: string): string[][] {
  const splitter = new ParagraphSplitter();
  return [...splitter.push(text), ...splitter.end()];
}

/** The paragraphs of text arriving in pieces, each yielded as its lines joined with "\n" (`splitter`: to read its NUL count). */
export async function* splitParagraphStream(texts: AsyncIterable<string>, splitter = new ParagraphSplitter()): AsyncGenerator<string> {
  for await (const text of texts) for (const lines of splitter.push(text)) yield lines.join('\n');
  for (const lines of splitter.end()) yield lines.join('\n');
}
