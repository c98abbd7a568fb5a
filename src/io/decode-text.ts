/**
 * Decoding: the input encodings da2en accepts, the check that tells a binary file from text, the
 * error for bytes that are not text in the encoding, and the streaming decoder (bytes in pieces →
 * text in pieces) that every input is read through.
 */
import { TextDecoder } from 'node:util';

import { CP1252_NOTICE, CP1252_WINDOW, firstBadUtf8Byte, looksLikeCp1252 } from '../cp1252-detection.js';
import { Da2enError, SETTING_WORDS, type SettingName } from '../errors.js';

// Text inputs and web pages detect Windows-1252 alike; these were born here and are still imported from here.
export { CP1252_NOTICE, CP1252_WINDOW, firstBadUtf8Byte, looksLikeCp1252 } from '../cp1252-detection.js';

/**
 * 'auto' is UTF-8, UTF-16 with a BOM, or Windows-1252 detected (see `looksLikeCp1252`).
 * 'windows-1252' is another name for 'cp1252'; 'latin1' is read as Windows-1252, its superset.
 */
export const INPUT_ENCODINGS = ['auto', 'utf8', 'cp1252', 'windows-1252', 'latin1', 'utf16le', 'utf16be'] as const;

export type InputEncoding = (typeof INPUT_ENCODINGS)[number];

export const DEFAULT_ENCODING: InputEncoding = 'auto';

/** An encoding given through the library, checked against the list: an unknown one would be read as UTF-8 without a word. */
export function checkInputEncoding(encoding: unknown): InputEncoding {
  if (!(INPUT_ENCODINGS as readonly unknown[]).includes(encoding)) {
    throw new Da2enError('usage', `unknown input encoding ${JSON.stringify(encoding)}; choose one of ${INPUT_ENCODINGS.join(', ')}`);
  }
  return encoding as InputEncoding;
}

/**
 * Bytes that are not text in the chosen encoding; the message reads after the input's name.
 * `problem` is what is wrong without the advice that follows it in the message ("; pass --encoding
 * cp1252"), for front ends whose users have another way out (the server's clients).
 */
export class DecodeError extends Da2enError {
  override readonly name: string = 'DecodeError';
  readonly problem: string;

  constructor(message: string, options?: { cause?: unknown; problem?: string; settings?: readonly SettingName[] }) {
    super('input', message, options);
    this.problem = options?.problem ?? message;
  }
}

/** Bytes inspected before choosing the decoder (what `sniffBinary` looks at). */
const SNIFF_BYTES = 8192;

const SIGNATURES: [string, number[]][] = [
  ['a PNG image', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['a JPEG image', [0xff, 0xd8, 0xff]],
  ['a GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['a PDF document', [0x25, 0x50, 0x44, 0x46, 0x2d]],
  ['a ZIP archive (or a .docx/.odt document)', [0x50, 0x4b, 0x03, 0x04]],
  ['a gzip archive', [0x1f, 0x8b]],
  ['an ELF executable', [0x7f, 0x45, 0x4c, 0x46]],
];

export function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

/** Names the kind of binary file ("a PNG image", "binary data"), or null when the bytes look like text. */
export function sniffBinary(bytes: Uint8Array): string | null {
  for (const [name, sig] of SIGNATURES) if (startsWith(bytes, sig)) return name;
  const sample = bytes.subarray(0, SNIFF_BYTES);
  let control = 0;
  for (const b of sample) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control++;
  // Text with a stray NUL or two is still text; a third of control bytes is not.
  return sample.length > 0 && control / sample.length > 0.3 ? 'binary data' : null;
}

/**
 * The byte order of UTF-16 text without a byte order mark, or null. Such text (Danish and English
 * alike: nearly every character below U+0100) has a NUL in every other byte and printable bytes
 * between them, which no binary format keeps up for long. Asked only of bytes that sniffBinary
 * finds to be binary data, so no input that reads as text is ever taken for UTF-16.
 */
export function sniffBomlessUtf16(bytes: Uint8Array): 'utf16le' | 'utf16be' | null {
  const sample = bytes.subarray(0, SNIFF_BYTES);
  const units = sample.length >> 1;
  if (units < 2) return null;
  let nulFirst = 0; // 00 xx: the high byte first, big-endian
  let nulSecond = 0; // xx 00: little-endian
  let printable = 0;
  for (let i = 0; i + 1 < sample.length; i += 2) {
    const a = sample[i]!;
    const b = sample[i + 1]!;
    const char = a === 0 && b !== 0 ? b : b === 0 && a !== 0 ? a : -1;
    if (char < 0) continue;
    if (a === 0) nulFirst++;
    else nulSecond++;
    if (char >= 0x20 || char === 0x09 || char === 0x0a || char === 0x0d) printable++;
  }
  const mostly = (n: number): boolean => n >= units * 0.7 && printable >= n * 0.9;
  return mostly(nulSecond) && nulFirst < units * 0.1 ? 'utf16le' : mostly(nulFirst) && nulSecond < units * 0.1 ? 'utf16be' : null;
}

/**
 * The error for an input whose first bytes (up to 8 KiB) are not text da2en can read unasked
 * (an image, an archive, UTF-16 without a byte order mark), or null. UTF-16 with a byte order
 * mark is text. The message reads after the input's name.
 */
export function notTextError(bytes: Uint8Array): DecodeError | null {
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) return null;
  const binary = sniffBinary(bytes);
  if (binary === null) return null;
  const utf16 = binary === 'binary data' ? sniffBomlessUtf16(bytes) : null;
  if (utf16) {
    const problem = `looks like ${utf16 === 'utf16le' ? 'UTF-16LE' : 'UTF-16BE'} text without a byte order mark`;
    return new DecodeError(`${problem}; ${SETTING_WORDS.encoding} ${utf16}`, { problem, settings: ['encoding'] });
  }
  return new DecodeError(`looks like ${binary}, not a text file`);
}

/** What a streaming decode has found so far. */
export interface DecodeState {
  /** Bytes taken from the source so far. */
  bytesRead: number;
  /** How the bytes are being decoded, once known (e.g. `utf-8 (BOM)`, `latin1`). */
  encoding: string | undefined;
  /** What was guessed on the way (Windows-1252 detected); complete after the last piece. */
  notes: string[];
}

/** Windows-1252's characters for bytes 0x80–0x9F; the five it leaves undefined map to themselves, as in browsers. */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
].map((c) => String.fromCharCode(c));

/**
 * Windows-1252 bytes → text. One byte is one character, so pieces decode independently. By table:
 * Node 20's TextDecoder('windows-1252'/'latin1') gives C1 control characters for 0x80–0x9F when not
 * streaming (€ – ” ’ became invisible and the model dropped them), and whatwg-encoding's decode
 * sniffs a BOM at the start of every piece.
 */
export function decodeCp1252(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('latin1')
    .replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!);
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

/** The UTF-16 code unit at `i` (two bytes, in the byte order given). */
function unitAt(bytes: Uint8Array, i: number, le: boolean): number {
  return le ? bytes[i]! | (bytes[i + 1]! << 8) : (bytes[i]! << 8) | bytes[i + 1]!;
}

const isHighSurrogate = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff;

/**
 * Offset of the first byte of the first ill-formed UTF-16 code point in `bytes` (an unpaired
 * surrogate, or a lone byte at the end), or -1 when there is none. With `final` false, a code
 * point cut by the end of `bytes` is not an error. `bytes` must start at a code point boundary.
 */
export function firstBadUtf16Byte(bytes: Uint8Array, le: boolean, final: boolean): number {
  let i = 0;
  while (i < bytes.length) {
    if (i + 1 >= bytes.length) return final ? i : -1;
    const unit = unitAt(bytes, i, le);
    if (isLowSurrogate(unit)) return i;
    if (!isHighSurrogate(unit)) {
      i += 2;
      continue;
    }
    if (i + 3 >= bytes.length) return final ? i : -1;
    if (!isLowSurrogate(unitAt(bytes, i + 2, le))) return i;
    i += 4;
  }
  return -1;
}

/**
 * The incomplete UTF-16 code point at the end of validly decoded bytes (a lone byte, a high
 * surrogate waiting for its partner, or both). `start`: the offset of `bytes[0]` from the first
 * code unit of the input, which tells where code units begin.
 */
function incompleteUtf16Tail(bytes: Uint8Array, start: number, le: boolean): Uint8Array {
  const whole = bytes.length - ((start + bytes.length) % 2); // end of the last whole code unit
  const from = whole >= 2 && isHighSurrogate(unitAt(bytes, whole - 2, le)) ? whole - 2 : whole;
  return bytes.slice(Math.max(0, from));
}

function invalidUtf8(offset: number, cause: unknown): DecodeError {
  const problem = `is not valid UTF-8 (first bad byte at offset ${offset})`;
  return new DecodeError(`${problem}; if it is Windows-1252 (or Latin-1), ${SETTING_WORDS.encoding} cp1252`, { cause, problem, settings: ['encoding'] });
}

function invalidUtf16(le: boolean, offset: number, cause: unknown): DecodeError {
  return new DecodeError(`is not valid UTF-16${le ? 'LE' : 'BE'} (an unpaired surrogate or a lone last byte at offset ${offset})`, { cause });
}

/** What `decodeBytes` gives: the text, how it was read, and what was found and fixed on the way. */
export interface DecodedBytes {
  text: string;
  encoding: string | undefined;
  notes: string[];
}

/**
 * A whole input already in memory (a Markdown file) → text, by the same rules and with the same
 * errors as a streamed one: one reader for every input, so each handles BOMs, `--encoding`,
 * Windows-1252 detection, binary files and bad bytes (with their offset) alike.
 */
export async function decodeBytes(bytes: Uint8Array, requested: InputEncoding): Promise<DecodedBytes> {
  const state: DecodeState = { bytesRead: 0, encoding: undefined, notes: [] };
  let text = '';
  for await (const piece of decodeStream([bytes], requested, state)) text += piece;
  return { text, encoding: state.encoding, notes: state.notes };
}

/**
 * Decodes bytes arriving in pieces (a file read in chunks, standard input) in the requested
 * encoding, piece by piece. NULs are kept: what reads the text removes them (the paragraph
 * splitter, the Markdown and page readers). 'auto': binary sniffing on the first 8 KiB, then UTF-16 by its BOM, UTF-8 by its BOM, else ASCII is passed through until the first non-ASCII
 * byte, and the 8 KiB from that byte decide between UTF-8 and Windows-1252 (`looksLikeCp1252`; a
 * notice says so). Throws DecodeError (kind 'input') for binary data or invalid UTF-8, naming the
 * offset of the first bad byte however the pieces are cut. `state` follows the bytes read, the
 * encoding chosen and what was fixed.
 */
export async function* decodeStream(source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array>, requested: InputEncoding, state: DecodeState): AsyncGenerator<string> {
  // undecided: sniffing the head; pending: ASCII so far (auto), waiting for the window after the
  // first non-ASCII byte; then one decoder for the rest of the input.
  let mode: 'undecided' | 'pending' | 'utf8' | 'cp1252' | 'utf16' = 'undecided';
  const pending = (): boolean => mode === 'pending'; // read after choose() changed it
  let decoder: TextDecoder | undefined;
  let head: Uint8Array[] = [];
  let headLength = 0;
  let consumed = 0; // bytes decoded so far
  let tail: Uint8Array = new Uint8Array(0); // incomplete UTF-8 sequence (or UTF-16 code point) at the end of what was decoded
  let le = true; // UTF-16's byte order
  let unitsFrom = 0; // UTF-16: the offset of the first code unit (after a BOM left out)
  /** `atStart`: a BOM here is the input's own, and is left out; later, U+FEFF is text. */
  const useUtf8 = (encoding: string, atStart: boolean): void => {
    decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: !atStart });
    mode = 'utf8';
    state.encoding = encoding;
  };
  const useCp1252 = (encoding: string): void => {
    mode = 'cp1252';
    state.encoding = encoding;
  };
  /** Picks the decoder from the head; returns the bytes to decode (a UTF-16 BOM left out). */
  const choose = (bytes: Uint8Array): Uint8Array => {
    const enc = requested;
    if (enc === 'auto' && (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff]))) {
      le = bytes[0] === 0xff;
      // fatal: an unpaired surrogate or a lone last byte is refused, as bad UTF-8 is, never read as U+FFFD.
      decoder = new TextDecoder(le ? 'utf-16le' : 'utf-16be', { fatal: true });
      mode = 'utf16';
      state.encoding = le ? 'utf-16le (BOM)' : 'utf-16be (BOM)';
      consumed = 2;
      unitsFrom = 2;
      return bytes.subarray(2);
    }
    // Latin-1 text never uses 0x80–0x9F (C1 controls, invisible, dropped by the model), while
    // Windows-1252 puts € – ” ’ there: like browsers, latin1 is read as Windows-1252, its superset.
    if (enc === 'cp1252' || enc === 'windows-1252') useCp1252('windows-1252');
    else if (enc === 'latin1') useCp1252('latin1 (read as windows-1252)');
    else if (enc === 'utf16le' || enc === 'utf16be') {
      le = enc === 'utf16le';
      decoder = new TextDecoder(le ? 'utf-16le' : 'utf-16be', { fatal: true });
      mode = 'utf16';
      state.encoding = enc;
    } else {
      const refused = enc === 'auto' ? notTextError(bytes) : null;
      if (refused) throw refused;
      const bom = startsWith(bytes, [0xef, 0xbb, 0xbf]);
      if (enc === 'auto' && !bom) mode = 'pending';
      else useUtf8(bom ? 'utf-8 (BOM)' : 'utf-8', true);
    }
    return bytes;
  };
  const feed = (bytes: Uint8Array, final: boolean): string => {
    if (mode === 'cp1252') {
      consumed += bytes.length;
      return decodeCp1252(bytes);
    }
    let text: string;
    try {
      text = final ? decoder!.decode(bytes) : decoder!.decode(bytes, { stream: true });
    } catch (err) {
      const withTail = new Uint8Array(tail.length + bytes.length);
      withTail.set(tail);
      withTail.set(bytes, tail.length);
      const at = mode === 'utf8' ? firstBadUtf8Byte(withTail, final) : firstBadUtf16Byte(withTail, le, final);
      const offset = consumed - tail.length + Math.max(0, at);
      throw mode === 'utf8' ? invalidUtf8(offset, err) : invalidUtf16(le, offset, err);
    }
    // The tail ends within the last 3 bytes: when this piece is shorter, it may reach into the last tail.
    if (bytes.length >= 3) tail = mode === 'utf8' ? incompleteTail(bytes) : incompleteUtf16Tail(bytes, consumed - unitsFrom, le);
    else {
      const joined = new Uint8Array(tail.length + bytes.length);
      joined.set(tail);
      joined.set(bytes, tail.length);
      tail = mode === 'utf8' ? incompleteTail(joined) : incompleteUtf16Tail(joined, consumed - tail.length - unitsFrom, le);
    }
    consumed += bytes.length;
    return text;
  };

  // 'pending': the bytes from the first non-ASCII byte on, until there are CP1252_WINDOW of them.
  let window: Uint8Array[] = [];
  let windowLength = 0;
  /** ASCII passed through while pending, and the rest kept for the decision; decides when the window is full. */
  const pend = (bytes: Uint8Array): string => {
    let ascii = '';
    if (windowLength === 0) {
      const first = bytes.findIndex((b) => b >= 0x80);
      const end = first < 0 ? bytes.length : first;
      ascii = Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('latin1');
      consumed += end;
      bytes = bytes.subarray(end);
    }
    if (bytes.length > 0) {
      window.push(bytes);
      windowLength += bytes.length;
    }
    return windowLength >= CP1252_WINDOW ? ascii + decide(false) : ascii;
  };
  /** Chooses from the window and decodes it. */
  const decide = (final: boolean): string => {
    const bytes = Buffer.concat(window);
    window = [];
    windowLength = 0;
    if (bytes.length > 0 && looksLikeCp1252(bytes.subarray(0, CP1252_WINDOW), final)) {
      useCp1252('windows-1252 (detected)');
      state.notes.push(CP1252_NOTICE);
    } else useUtf8('utf-8', consumed === 0);
    return feed(bytes, false);
  };

  for await (const piece of source) {
    const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    state.bytesRead += bytes.length;
    if (mode === 'undecided') {
      head.push(bytes);
      headLength += bytes.length;
      if (headLength < SNIFF_BYTES) continue;
      const first = choose(Buffer.concat(head));
      head = [];
      yield pending() ? pend(first) : feed(first, false);
    } else if (mode === 'pending') {
      yield pend(bytes);
    } else {
      yield feed(bytes, false);
    }
  }
  if (mode === 'undecided') {
    const first = choose(Buffer.concat(head));
    yield pending() ? pend(first) : feed(first, false);
  }
  if (pending()) yield decide(true);
  yield feed(new Uint8Array(0), true);
}
