/**
 * A URL's plain-text or Markdown answer (text/plain, text/markdown) as a text input: its bytes and
 * the encoding they are read in, by the rules a text file follows (decode-text.ts) with the HTTP
 * header in the place a page's charset has. `--encoding` other than auto stands, as for a file; else
 * a byte order mark wins (auto reads it); else the Content-Type's charset (an old archive's
 * ISO-8859-1 is Windows-1252, as browsers read it); else auto: UTF-8, or Windows-1252 detected with
 * a notice.
 */
import { decode, isSupported, labelToName } from 'whatwg-encoding';
import { charsetOf } from '../input/html/decode-html.js';
import { startsWith, type InputEncoding } from './decode-text.js';

export interface TextAnswer {
  bytes: Uint8Array;
  encoding: InputEncoding;
}

/** The charsets a text input reads itself, by their WHATWG names. */
const OWN_ENCODINGS: Readonly<Record<string, InputEncoding>> = { 'UTF-8': 'utf8', 'windows-1252': 'cp1252', 'UTF-16LE': 'utf16le', 'UTF-16BE': 'utf16be' };

export function textAnswer(body: Uint8Array, contentType: string, requested: InputEncoding): TextAnswer {
  if (requested !== 'auto') return { bytes: body, encoding: requested };
  const bom = startsWith(body, [0xef, 0xbb, 0xbf]) || startsWith(body, [0xff, 0xfe]) || startsWith(body, [0xfe, 0xff]);
  const label = charsetOf(contentType);
  const name = bom || label === undefined ? null : labelToName(label);
  // No charset, one no browser knows (or none decoded here), or a BOM: the bytes are read as a text file's are.
  if (name === null || !isSupported(name)) return { bytes: body, encoding: 'auto' };
  const own = OWN_ENCODINGS[name];
  if (own !== undefined) return { bytes: body, encoding: own };
  // Another charset (ISO-8859-15, KOI8-R…): decoded as a browser decodes it, then read as UTF-8.
  return { bytes: Buffer.from(decode(body, name), 'utf8'), encoding: 'utf8' };
}
