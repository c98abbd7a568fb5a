/**
 * Bytes of a web page → text, by the HTML standard's rules (html-encoding-sniffer): a byte order
 * mark first, then the charset of the Content-Type header, then a <meta charset> or
 * <meta http-equiv="Content-Type"> in the first 1024 bytes, else UTF-8. Labels map as browsers
 * map them: "iso-8859-1" and "latin1" mean Windows-1252, whose 0x80–0x9F bytes are “ ” – € and
 * friends. Decoding goes through whatwg-encoding: Node's own TextDecoder('windows-1252') turns
 * those bytes into C1 control characters (Node 20.20: 0x93 → U+0093), which would lose every
 * quotation mark of an old Danish archive page.
 */
import sniffHtmlEncoding from 'html-encoding-sniffer';
import { decode, labelToName } from 'whatwg-encoding';

export interface DecodedPage {
  text: string;
  /** The encoding used, by its standard name ("UTF-8", "windows-1252", …). */
  encoding: string;
}

/** The charset parameter of a Content-Type header value, if any. */
export function charsetOf(contentType: string | undefined): string | undefined {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return m?.[1];
}

export function decodeHtml(bytes: Uint8Array, contentType?: string): DecodedPage {
  const transport = charsetOf(contentType);
  const transportName = transport ? labelToName(transport) : null;
  const encoding = sniffHtmlEncoding(bytes, {
    ...(transportName ? { transportLayerEncodingLabel: transportName } : {}),
    defaultEncoding: 'UTF-8',
  });
  // whatwg-encoding decodes from a Uint8Array and strips a BOM that matches the encoding.
  return { text: decode(bytes, encoding), encoding };
}
