/**
 * Decoding: the input encodings da2en accepts, the check that tells a binary file from text, the
 * error for bytes that are not text in the encoding, and the streaming decoder (bytes in pieces →
 * text in pieces) that every input is read through.
 */
import { TextDecoder } from 'node:util';

import { Da2enError } from '../errors.js';

/** 'auto' is UTF-8, or UTF-16 with a BOM. */
export const INPUT_ENCODINGS = ['auto', 'utf8', 'latin1', 'utf16le', 'utf16be'] as const;

export type InputEncoding = (typeof INPUT_ENCODINGS)[number];

export const DEFAULT_ENCODING: InputEncoding = 'auto';

/** Bytes that are not text in the chosen encoding; the message reads after the input's name. */
export class DecodeError extends Da2enError {
  override readonly name: string = 'DecodeError';

  constructor(message: string, options?: { cause?: unknown }) {
    super('input', message, options);
  }
}

const SIGNATURES: [string, number[]][] = [
  ['PNG image', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['JPEG image', [0xff, 0xd8, 0xff]],
  ['GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['PDF document', [0x25, 0x50, 0x44, 0x46, 0x2d]],
  ['ZIP archive (or a .docx/.odt document)', [0x50, 0x4b, 0x03, 0x04]],
  ['gzip archive', [0x1f, 0x8b]],
  ['ELF executable', [0x7f, 0x45, 0x4c, 0x46]],
];

export function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

/** Names the kind of binary file, or null when the bytes look like text. */
export function sniffBinary(bytes: Uint8Array): string | null {
  for (const [name, sig] of SIGNATURES) if (startsWith(bytes, sig)) return name;
  const sample = bytes.subarray(0, 8192);
  let control = 0;
  for (const b of sample) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control++;
  // Text with a stray NUL or two is still text; a third of control bytes is not.
  return sample.length > 0 && control / sample.length > 0.3 ? 'binary data' : null;
}

/** What a streaming decode has found so far. */
export interface DecodeState {
  /** Bytes taken from the source so far. */
  bytesRead: number;
  /** How the bytes are being decoded, once known (e.g. `utf-8 (BOM)`, `latin1`). */
  encoding: string | undefined;
  /** What was found and fixed on the way (NULs removed); complete after the last piece. */
  notes: string[];
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

/**
 * Decodes bytes arriving in pieces (a file read in chunks, standard input) in the requested
 * encoding ('auto': UTF-8, or UTF-16 with a BOM, after binary sniffing), piece by piece, with
 * NULs removed. Throws DecodeError (kind 'input') for binary data or invalid UTF-8, naming the
 * offset of the first bad byte however the pieces are cut. `state` follows the bytes read, the
 * encoding chosen and what was fixed.
 */
export async function* decodeStream(source: AsyncIterable<Uint8Array | string>, requested: InputEncoding, state: DecodeState): AsyncGenerator<string> {
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
    const enc = requested;
    if (enc === 'auto' && startsWith(bytes, [0xff, 0xfe])) {
      decoder = new TextDecoder('utf-16le');
      state.encoding = 'utf-16le (BOM)';
      consumed = 2;
      return bytes.subarray(2);
    }
    if (enc === 'auto' && startsWith(bytes, [0xfe, 0xff])) {
      decoder = new TextDecoder('utf-16be');
      state.encoding = 'utf-16be (BOM)';
      consumed = 2;
      return bytes.subarray(2);
    }
    if (enc === 'latin1') {
      decoder = new TextDecoder('latin1');
      singleByte = true;
      state.encoding = 'latin1';
    } else if (enc === 'utf16le' || enc === 'utf16be') {
      decoder = new TextDecoder(enc === 'utf16le' ? 'utf-16le' : 'utf-16be');
      state.encoding = enc;
    } else {
      const binary = enc === 'auto' ? sniffBinary(bytes) : null;
      if (binary) throw new DecodeError(`looks like a ${binary}, not a text file`);
      decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
      utf8 = true;
      state.encoding = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 'utf-8 (BOM)' : 'utf-8';
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

  for await (const piece of source) {
    const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    state.bytesRead += bytes.length;
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
  if (nuls > 0) state.notes.push(`removed ${nuls} NUL character(s)`);
}
