/**
 * Bytes → text for article input. Pure: the caller reads the file and reports the error.
 */

export type InputEncoding = 'auto' | 'utf8' | 'latin1' | 'utf16le' | 'utf16be';

export interface DecodedText {
  text: string;
  /** What was found and how it was read, for --verbose and JSON metadata. */
  encoding: string;
  notes: string[];
}

export class DecodeError extends Error {}

const SIGNATURES: [string, number[]][] = [
  ['PNG image', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['JPEG image', [0xff, 0xd8, 0xff]],
  ['GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['PDF document', [0x25, 0x50, 0x44, 0x46, 0x2d]],
  ['ZIP archive (or a .docx/.odt document)', [0x50, 0x4b, 0x03, 0x04]],
  ['gzip archive', [0x1f, 0x8b]],
  ['ELF executable', [0x7f, 0x45, 0x4c, 0x46]],
];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
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

function sequenceLength(lead: number): number {
  return lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
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

export function decodeText(bytes: Uint8Array, encoding: InputEncoding = 'auto'): DecodedText {
  const notes: string[] = [];
  let text: string;
  let used: string;
  if (encoding === 'auto' && startsWith(bytes, [0xff, 0xfe])) {
    text = new TextDecoder('utf-16le').decode(bytes.subarray(2));
    used = 'utf-16le (BOM)';
  } else if (encoding === 'auto' && startsWith(bytes, [0xfe, 0xff])) {
    text = new TextDecoder('utf-16be').decode(bytes.subarray(2));
    used = 'utf-16be (BOM)';
  } else if (encoding === 'latin1') {
    text = new TextDecoder('latin1').decode(bytes);
    used = 'latin1';
  } else if (encoding === 'utf16le' || encoding === 'utf16be') {
    text = new TextDecoder(encoding === 'utf16le' ? 'utf-16le' : 'utf-16be').decode(bytes);
    used = encoding;
  } else {
    const binary = encoding === 'auto' ? sniffBinary(bytes) : null;
    if (binary) throw new DecodeError(`looks like a ${binary}, not a text file`);
    const hasBom = startsWith(bytes, [0xef, 0xbb, 0xbf]);
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch {
      const offset = firstInvalidUtf8(bytes);
      throw new DecodeError(`is not valid UTF-8 (first bad byte at offset ${offset}); if it is Latin-1/Windows-1252, pass --encoding latin1`);
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
