import { createHash } from 'node:crypto';
import { openParagraphStream, type ParagraphStreamOptions } from './paragraph-stream.js';

export interface InputScan {
  /** Paragraphs the input holds (what a translation of it will yield). */
  paragraphs: number;
  /** What decoding found and fixed (NULs removed, …), as the paragraph stream reports it. */
  notes: readonly string[];
  /** Size in bytes. */
  bytes: number;
  /** sha256 of the paragraphs as they will be translated (what a re-run of the same text shares). */
  digest: string;
}

/**
 * Reads a file through once, as the translation will, without keeping it: every way the input
 * can fail (missing, a directory, binary, bad UTF-8 anywhere, empty) is found before the model
 * loads or earlier inputs are translated, and the paragraph count gives the progress bar its total.
 * Memory stays bounded by the largest paragraph. Not for standard input, which cannot be read twice.
 * `contents`: the input's bytes, already here (a URL's plain-text answer), read under `file` as its name.
 */
export async function scanInput(file: string, options: ParagraphStreamOptions & { contents?: Iterable<Uint8Array> } = {}): Promise<InputScan> {
  const source = await openParagraphStream(file, { ...options, highWaterMark: 1 << 20 });
  let paragraphs = 0;
  const hash = createHash('sha256');
  for await (const paragraph of source) {
    paragraphs++;
    hash.update(paragraph).update('\0');
  }
  return { paragraphs, notes: source.notes, bytes: source.bytesRead, digest: hash.digest('hex') };
}
