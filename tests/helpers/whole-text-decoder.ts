/**
 * Whole-buffer decoding of an article, written the plain way (TextDecoder with `fatal`, then a
 * search for the failing offset): the reference the streaming reader (src/io/paragraph-stream.ts)
 * is tested against, chunk boundaries and all.
 */
import { CP1252_NOTICE, CP1252_WINDOW, DecodeError, looksLikeCp1252, notTextError, startsWith, type InputEncoding } from '../../src/io/decode-text.js';

export interface DecodedText {
  text: string;
  /** What was found and how it was read. */
  encoding: string;
  notes: string[];
}

function sequenceLength(lead: number): number {
  return lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
}

/** The longest prefix of `bytes` that decodes (a character cut by its end allowed) in `encoding`. */
function longestDecodable(bytes: Uint8Array, encoding: string): number {
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      new TextDecoder(encoding, { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}

/** UTF-16 (strict): the text, or the error naming the first byte of the bad code point; `from` is where the code units start. */
function decodeUtf16(bytes: Uint8Array, le: boolean, from: number): string {
  const encoding = le ? 'utf-16le' : 'utf-16be';
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes.subarray(from));
  } catch {
    const units = bytes.subarray(from);
    let ok = longestDecodable(units, encoding);
    // A prefix that ends inside a code point (a lone byte, a high surrogate): the bad one starts where that code point does.
    ok -= ok % 2;
    if (ok >= 2) {
      const unit = le ? units[ok - 2]! | (units[ok - 1]! << 8) : (units[ok - 2]! << 8) | units[ok - 1]!;
      if (unit >= 0xd800 && unit <= 0xdbff) ok -= 2;
    }
    throw new DecodeError(`is not valid UTF-16${le ? 'LE' : 'BE'} (an unpaired surrogate or a lone last byte at offset ${from + ok})`);
  }
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  // The longest prefix that decodes (a sequence cut by its end is allowed) ends where decoding fails.
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  // If that prefix ends inside a multi-byte sequence, the bad sequence starts at its lead byte.
  for (let i = lo - 1; i >= Math.max(0, lo - 3); i--) {
    const b = bytes[i]!;
    if (b >= 0xc0) return i + sequenceLength(b) > lo ? i : lo;
    if (b < 0x80) break;
  }
  return lo;
}

/** 'auto' on the whole buffer: no BOM, not binary, and the window from the first non-ASCII byte says Windows-1252. */
function detectsCp1252(bytes: Uint8Array): boolean {
  if (startsWith(bytes, [0xef, 0xbb, 0xbf]) || notTextError(bytes)) return false;
  const first = bytes.findIndex((b) => b >= 0x80);
  return first >= 0 && looksLikeCp1252(bytes.subarray(first, first + CP1252_WINDOW), bytes.length - first < CP1252_WINDOW);
}

export function decodeText(bytes: Uint8Array, encoding: InputEncoding = 'auto'): DecodedText {
  const notes: string[] = [];
  let text: string;
  let used: string;
  if (encoding === 'auto' && startsWith(bytes, [0xff, 0xfe])) {
    text = decodeUtf16(bytes, true, 2);
    used = 'utf-16le (BOM)';
  } else if (encoding === 'auto' && startsWith(bytes, [0xfe, 0xff])) {
    text = decodeUtf16(bytes, false, 2);
    used = 'utf-16be (BOM)';
  } else if (encoding === 'latin1' || encoding === 'cp1252' || encoding === 'windows-1252' || (encoding === 'auto' && detectsCp1252(bytes))) {
    if (encoding === 'auto') notes.push(CP1252_NOTICE);
    // Streaming mode: Node 20's one-shot decode gives C1 controls for 0x80–0x9F instead of € – ” ’.
    text = new TextDecoder('windows-1252').decode(bytes, { stream: true });
    used = encoding === 'latin1' ? 'latin1 (read as windows-1252)' : encoding === 'auto' ? 'windows-1252 (detected)' : 'windows-1252';
  } else if (encoding === 'utf16le' || encoding === 'utf16be') {
    text = decodeUtf16(bytes, encoding === 'utf16le', 0);
    used = encoding;
  } else {
    const refused = encoding === 'auto' ? notTextError(bytes) : null;
    if (refused) throw refused;
    const hasBom = startsWith(bytes, [0xef, 0xbb, 0xbf]);
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch {
      const offset = firstInvalidUtf8(bytes);
      throw new DecodeError(`is not valid UTF-8 (first bad byte at offset ${offset}); if it is Windows-1252 (or Latin-1), set the encoding option to cp1252`);
    }
    used = hasBom ? 'utf-8 (BOM)' : 'utf-8';
  }
  if (text.includes('\u0000')) {
    const count = text.split('\u0000').length - 1;
    text = text.replaceAll('\u0000', '');
    notes.push(`removed ${count} NUL character(s)`);
  }
  return { text, encoding: used, notes };
}
