/**
 * Reads an article as a stream and yields its paragraphs one at a time, so memory is bounded by
 * the largest paragraph rather than by the file.
 *
 * The paragraphs are exactly those `segmentDocument` finds in the whole decoded text (tested
 * against a whole-buffer decoder, tests/helpers/whole-text-decoder.ts): the bytes are decoded in
 * the chosen encoding ('auto': UTF-8, or UTF-16 with a BOM, after binary sniffing), invalid UTF-8
 * is a DecodeError naming the offset of its first bad byte, NULs are removed, a
 * leading BOM is dropped, CRLF / CR / LF all end a line, each line is trimmed, and one or more
 * blank lines end a paragraph. A paragraph is yielded as its trimmed lines joined with "\n".
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { TextDecoder } from 'node:util';
import { Da2enError } from '../errors.js';
import { DecodeError, sniffBinary, startsWith, type InputEncoding } from './decode-text.js';

export interface ParagraphStreamOptions {
  /** 'auto' (default) is UTF-8, or UTF-16 with a BOM. */
  encoding?: InputEncoding;
}

/** The paragraphs of one input, with how far reading has got (for progress and an ETA). */
export interface ParagraphSource extends AsyncIterable<string> {
  /** The input's name (a path, or "-" for stdin). */
  readonly name: string;
  /** Bytes read from the input so far. */
  readonly bytesRead: number;
  /** The input's size when known (a regular file), else undefined (a pipe). */
  readonly totalBytes: number | undefined;
  /** How the bytes are being decoded, once known (e.g. `utf-8 (BOM)`, `latin1`). */
  readonly encoding: string | undefined;
  /** What was found and fixed on the way (NULs removed); complete after the last paragraph. */
  readonly notes: readonly string[];
}

/** Bytes inspected before choosing the decoder (what `sniffBinary` looks at). */
const SNIFF_BYTES = 8192;

/**
 * Offset of the first byte of the first ill-formed UTF-8 sequence in `bytes` (its lead byte when
 * the sequence is cut short), or -1 when there is none. With `final` false, a sequence cut by the
 * end of `bytes` is not an error. `bytes` must start at a sequence boundary.
 */
export function firstBadUtf8Byte(bytes: Uint8Array, final: boolean): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= bytes.length) return final ? i : -1;
      const c = bytes[i + k]!;
      if (c < lo || c > hi) return i;
      lo = 0x80;
      hi = 0xbf;
    }
    i += need + 1;
  }
  return -1;
}

/** The incomplete UTF-8 sequence at the end of validly decoded bytes (empty when it ends complete). */
function incompleteTail(bytes: Uint8Array): Uint8Array {
  for (let i = bytes.length - 1; i >= Math.max(0, bytes.length - 3); i--) {
    const b = bytes[i]!;
    if (b < 0x80) break;
    if (b >= 0xc0) {
      const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return i + length > bytes.length ? bytes.slice(i) : new Uint8Array(0);
    }
  }
  return new Uint8Array(0);
}

function invalidUtf8(offset: number, cause: unknown): DecodeError {
  return new DecodeError(`is not valid UTF-8 (first bad byte at offset ${offset}); if it is Latin-1/Windows-1252, pass --encoding latin1`, { cause });
}

class StreamedParagraphs implements ParagraphSource {
  bytesRead = 0;
  encoding: string | undefined;
  readonly notes: string[] = [];
  private started = false;

  constructor(
    readonly name: string,
    readonly totalBytes: number | undefined,
    private readonly source: AsyncIterable<Uint8Array | string>,
    private readonly requested: InputEncoding,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<string> {
    if (this.started) throw new Error('a paragraph stream can be read only once');
    this.started = true;
    return splitParagraphStream(this.decode());
  }

  /** Decoded text, piece by piece (NULs removed). */
  private async *decode(): AsyncGenerator<string> {
    let decoder: TextDecoder | undefined;
    let utf8 = false;
    let singleByte = false;
    let head: Uint8Array[] = [];
    let headLength = 0;
    let consumed = 0; // bytes handed to the decoder so far
    let tail: Uint8Array = new Uint8Array(0); // incomplete UTF-8 sequence at the end of what was decoded
    let nuls = 0;

    const clean = (text: string): string => {
      if (!text.includes('\u0000')) return text;
      const parts = text.split('\u0000');
      nuls += parts.length - 1;
      return parts.join('');
    };
    const choose = (bytes: Uint8Array): Uint8Array => {
      const enc = this.requested;
      if (enc === 'auto' && startsWith(bytes, [0xff, 0xfe])) {
        decoder = new TextDecoder('utf-16le');
        this.encoding = 'utf-16le (BOM)';
        consumed = 2;
        return bytes.subarray(2);
      }
      if (enc === 'auto' && startsWith(bytes, [0xfe, 0xff])) {
        decoder = new TextDecoder('utf-16be');
        this.encoding = 'utf-16be (BOM)';
        consumed = 2;
        return bytes.subarray(2);
      }
      if (enc === 'latin1') {
        decoder = new TextDecoder('latin1');
        singleByte = true;
        this.encoding = 'latin1';
      } else if (enc === 'utf16le' || enc === 'utf16be') {
        decoder = new TextDecoder(enc === 'utf16le' ? 'utf-16le' : 'utf-16be');
        this.encoding = enc;
      } else {
        const binary = enc === 'auto' ? sniffBinary(bytes) : null;
        if (binary) throw new DecodeError(`looks like a ${binary}, not a text file`);
        decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
        utf8 = true;
        this.encoding = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 'utf-8 (BOM)' : 'utf-8';
      }
      return bytes;
    };
    const feed = (bytes: Uint8Array, final: boolean): string => {
      let text: string;
      try {
        // latin1 is one byte per character: decoded without `stream`, like a whole-buffer decode (on Node 20
        // the two differ: without it 0x80–0x9F become C1 controls, with it Windows-1252 characters).
        text = final || singleByte ? decoder!.decode(bytes) : decoder!.decode(bytes, { stream: true });
      } catch (err) {
        if (!utf8) throw err;
        const withTail = new Uint8Array(tail.length + bytes.length);
        withTail.set(tail);
        withTail.set(bytes, tail.length);
        const at = firstBadUtf8Byte(withTail, final);
        throw invalidUtf8(consumed - tail.length + Math.max(0, at), err);
      }
      if (utf8) {
        if (bytes.length >= 3) tail = incompleteTail(bytes);
        else {
          const joined = new Uint8Array(tail.length + bytes.length);
          joined.set(tail);
          joined.set(bytes, tail.length);
          tail = incompleteTail(joined);
        }
      }
      consumed += bytes.length;
      return clean(text);
    };

    for await (const piece of this.source) {
      const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
      this.bytesRead += bytes.length;
      if (!decoder) {
        head.push(bytes);
        headLength += bytes.length;
        if (headLength < SNIFF_BYTES) continue;
        const first = choose(Buffer.concat(head));
        head = [];
        yield feed(first, false);
      } else {
        yield feed(bytes, false);
      }
    }
    if (!decoder) yield feed(choose(Buffer.concat(head)), false);
    yield feed(new Uint8Array(0), true);
    if (nuls > 0) this.notes.push(`removed ${nuls} NUL character(s)`);
  }
}

/**
 * Splits decoded text pieces into paragraphs (see the module comment): memory is one partial
 * line plus the current paragraph, however the pieces are cut.
 */
export async function* splitParagraphStream(texts: AsyncIterable<string>): AsyncGenerator<string> {
  let partial: string[] = []; // pieces of the line being read
  let lines: string[] = []; // lines of the paragraph being read
  let carryCR = false; // a piece ended in CR: its LF, if any, is in the next piece
  let atStart = true;
  for await (let text of texts) {
    if (text === '') continue;
    if (atStart) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      atStart = false;
    }
    if (carryCR) text = `\r${text}`;
    carryCR = text.endsWith('\r');
    if (carryCR) text = text.slice(0, -1);
    if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      partial.push(text.slice(start, nl));
      start = nl + 1;
      const line = partial.join('').trim();
      partial = [];
      if (line !== '') lines.push(line);
      else if (lines.length > 0) {
        yield lines.join('\n');
        lines = [];
      }
    }
    if (start < text.length) partial.push(text.slice(start));
  }
  const last = partial.join('').trim();
  if (last !== '') lines.push(last);
  if (lines.length > 0) yield lines.join('\n');
}

/**
 * Paragraphs from a stream of bytes (a file or stdin stream, or any iterable of chunks). Throws
 * DecodeError while iterating when the bytes are not text in the requested encoding.
 */
export function paragraphsFromBytes(
  bytes: AsyncIterable<Uint8Array | string>,
  options: ParagraphStreamOptions & { name?: string; totalBytes?: number } = {},
): ParagraphSource {
  return new StreamedParagraphs(options.name ?? '-', options.totalBytes, bytes, options.encoding ?? 'auto');
}

/** Paragraphs of a file, read `highWaterMark` bytes at a time (default 64 KiB). */
export function readParagraphsFromFile(file: string, options: ParagraphStreamOptions & { highWaterMark?: number; totalBytes?: number } = {}): ParagraphSource {
  const stream = createReadStream(file, { highWaterMark: options.highWaterMark ?? 64 * 1024 });
  return paragraphsFromBytes(stream, { ...options, name: file });
}

/**
 * What the CLI reads its inputs with: opens a path or "-" (stdin) and yields its
 * paragraphs, with one clear Da2enError line (kind 'input') for every way it can fail: a
 * missing or unreadable file or a directory (thrown here, before anything is read), bytes that
 * are not text in the encoding, and an input with no text at all (thrown while iterating).
 */
export async function openParagraphStream(
  name: string,
  options: ParagraphStreamOptions & { stdin?: NodeJS.ReadableStream; highWaterMark?: number } = {},
): Promise<ParagraphSource> {
  const label = name === '-' ? 'standard input' : name;
  let inner: ParagraphSource;
  if (name === '-') {
    inner = paragraphsFromBytes((options.stdin ?? process.stdin) as AsyncIterable<Uint8Array | string>, { ...options, name });
  } else {
    let size: number;
    try {
      const info = await stat(name);
      if (info.isDirectory()) throw new Da2enError('input', `${name} is a directory; give the path of a text file`);
      size = info.size;
    } catch (err) {
      if (err instanceof Da2enError) throw err;
      throw new Da2enError('input', `cannot read ${name}: ${whyUnreadable(err)}`, { cause: err });
    }
    inner = readParagraphsFromFile(name, { ...options, totalBytes: size });
  }
  async function* checked(): AsyncGenerator<string> {
    let count = 0;
    try {
      for await (const paragraph of inner) {
        count++;
        yield paragraph;
      }
    } catch (err) {
      if (err instanceof DecodeError) throw new Da2enError('input', `${label} ${err.message}`, { cause: err });
      const code = (err as NodeJS.ErrnoException).code;
      if (typeof code === 'string' && name !== '-') throw new Da2enError('input', `cannot read ${name}: ${whyUnreadable(err)}`, { cause: err });
      throw err;
    }
    if (count === 0) throw new Da2enError('input', `${label} is empty (nothing but whitespace); nothing to translate`);
  }
  const paragraphs = checked();
  return {
    name,
    get bytesRead() {
      return inner.bytesRead;
    },
    totalBytes: inner.totalBytes,
    get encoding() {
      return inner.encoding;
    },
    get notes() {
      return inner.notes;
    },
    [Symbol.asyncIterator]: () => paragraphs,
  };
}

function whyUnreadable(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (err as Error).message;
}
