/**
 * Bytes of a web page → text, by the HTML standard's rules (html-encoding-sniffer): a byte order
 * mark first, then the charset of the Content-Type header, then a <meta charset> or
 * <meta http-equiv="Content-Type"> in the first 1024 bytes. Labels map as browsers map them:
 * "iso-8859-1" and "latin1" mean Windows-1252, whose 0x80–0x9F bytes are “ ” – € and friends.
 * Decoding goes through whatwg-encoding: Node's own TextDecoder('windows-1252') turns those bytes
 * into C1 control characters (Node 20.20: 0x93 → U+0093), which would lose every quotation mark of
 * an old Danish archive page.
 *
 * When none of those declares a charset, valid UTF-8 is UTF-8. Otherwise a <meta> charset further
 * in decides (browsers switch to it when their parser meets it), and failing that the bytes are
 * judged as a text input's are: Windows-1252 with the same notice, else damaged UTF-8, refused with
 * the offset of its first bad byte. The standard's own fallback, UTF-8 here, turned every æøå of an
 * old page saved without a charset into U+FFFD, and a damaged one's bad bytes too, without a word.
 *
 * A page that declares UTF-8 is read as UTF-8 whatever its bytes, as a browser reads it (bad bytes
 * become U+FFFD): one stray byte in a live page's script should not cost its article. A notice
 * with the offset says so, as the Windows-1252 one does.
 */
import sniffHtmlEncoding from 'html-encoding-sniffer';
import { decode, labelToName } from 'whatwg-encoding';
import { CP1252_NOTICE, firstBadUtf8Byte, wholeLooksLikeCp1252 } from '../../cp1252-detection.js';
import { UndecodablePageError } from '../errors.js';
import { SETTING_WORDS } from '../../setting-words.js';

export interface DecodedPage {
  text: string;
  /** The encoding used, by its standard name ("UTF-8", "windows-1252", …). */
  encoding: string;
  /** What was guessed rather than declared (Windows-1252 detected), or bytes the declared UTF-8 does not read, one line each. */
  notes: string[];
}

/** The charset parameter of a Content-Type header value, if any. */
export function charsetOf(contentType: string | undefined): string | undefined {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return m?.[1];
}

/** What the sniffer answers when nothing declares a charset (it returns the default as given). */
const UNDECLARED = 'undeclared';

/** `inputName` names the page in the error for damaged UTF-8 (a file's path, a URL). */
export function decodeHtml(bytes: Uint8Array, contentType?: string, inputName = 'the page'): DecodedPage {
  const transport = charsetOf(contentType);
  const transportName = transport ? labelToName(transport) : null;
  const declared = sniffHtmlEncoding(bytes, {
    ...(transportName ? { transportLayerEncodingLabel: transportName } : {}),
    defaultEncoding: UNDECLARED,
  });
  if (declared !== UNDECLARED) return declaredAs(bytes, declared);
  const bad = firstBadUtf8Byte(bytes, true);
  if (bad < 0) return decoded(bytes, 'UTF-8');
  const late = lateMetaCharset(bytes);
  if (late) return declaredAs(bytes, late);
  if (wholeLooksLikeCp1252(bytes)) return decoded(bytes, 'windows-1252', [CP1252_NOTICE]);
  throw new UndecodablePageError(inputName, bad);
}

function declaredAs(bytes: Uint8Array, encoding: string): DecodedPage {
  const bad = encoding === 'UTF-8' ? firstBadUtf8Byte(bytes, true) : -1;
  if (bad < 0) return decoded(bytes, encoding);
  return decoded(bytes, encoding, [`declares UTF-8 but is not valid UTF-8 (first bad byte at offset ${bad}): bad bytes read as U+FFFD, as a browser shows them (${SETTING_WORDS.otherEncoding})`]);
}

function decoded(bytes: Uint8Array, encoding: string, notes: string[] = []): DecodedPage {
  // whatwg-encoding decodes from a Uint8Array and strips a BOM that matches the encoding.
  return { text: decode(bytes, encoding), encoding, notes };
}

/** The charset of the first <meta> past the standard's 1024-byte prescan that declares one. */
function lateMetaCharset(bytes: Uint8Array): string | undefined {
  const ascii = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  for (const m of ascii.matchAll(/<meta[\s/]/gi)) {
    // The sniffer's prescan, started at this <meta>, reads its attributes as the standard does.
    const found = sniffHtmlEncoding(bytes.subarray(m.index), { defaultEncoding: UNDECLARED });
    if (found !== UNDECLARED) return found;
  }
  return undefined;
}
