/**
 * The input encodings the CLI accepts, the error for bytes that are not text in one, and the
 * check that tells a binary file from text. The decoding itself streams (paragraph-stream.ts).
 */

import { Da2enError } from '../errors.js';

export type InputEncoding = 'auto' | 'utf8' | 'latin1' | 'utf16le' | 'utf16be';

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
