/** A URL's text/plain or text/markdown answer: the bytes and the encoding a text input reads them in (src/io/fetched-text.ts). */
import { describe, expect, it } from 'vitest';
import { decodeBytes } from '../../src/io/decode-text.js';
import { textAnswer } from '../../src/io/fetched-text.js';

const text = async (body: Uint8Array, contentType: string, requested: Parameters<typeof textAnswer>[2] = 'auto') => {
  const answer = textAnswer(body, contentType, requested);
  return { encoding: answer.encoding, text: (await decodeBytes(answer.bytes, answer.encoding)).text };
};

describe('textAnswer', () => {
  it('reads the charset of the Content-Type: ISO-8859-1 as Windows-1252, UTF-8, and others as a browser does', async () => {
    expect(await text(Uint8Array.of(0x53, 0xf8, 0x20, 0x93, 0x6a, 0x94), 'text/plain; charset=ISO-8859-1')).toEqual({ encoding: 'cp1252', text: 'Sø “j”' });
    expect(await text(Buffer.from('Sø', 'utf8'), 'text/plain;charset="utf-8"')).toEqual({ encoding: 'utf8', text: 'Sø' });
    // ISO-8859-15: 0xA4 is €, which no encoding of the text reader's own names so.
    expect(await text(Uint8Array.of(0x35, 0x20, 0xa4), 'text/plain; charset=iso-8859-15')).toEqual({ encoding: 'utf8', text: '5 €' });
  });

  it('a byte order mark wins over the header, no or an unknown charset is detected as a text file is, and --encoding stands', async () => {
    expect(await text(Uint8Array.of(0xef, 0xbb, 0xbf, 0x53, 0xc3, 0xb8), 'text/plain; charset=windows-1252')).toEqual({ encoding: 'auto', text: 'Sø' });
    expect((await text(Uint8Array.of(0x53, 0xf8), 'text/plain')).encoding).toBe('auto');
    expect((await text(Uint8Array.of(0x53, 0xf8), 'text/plain; charset=no-such-charset')).encoding).toBe('auto');
    expect(await text(Buffer.from('Sø', 'utf8'), 'text/plain; charset=ISO-8859-1', 'utf8')).toEqual({ encoding: 'utf8', text: 'Sø' });
  });
});
