/**
 * A web page's bytes → text: its declared charset first (BOM, Content-Type header, <meta> in the
 * first 1024 bytes, as the HTML standard has it); with none, valid UTF-8 is UTF-8, a <meta> charset
 * further in decides, and otherwise the bytes are judged as a text input's are.
 */
import { describe, expect, it } from 'vitest';
import { CP1252_NOTICE } from '../../src/io/decode-text.js';
import { decodeHtml, InputFileError } from '../../src/input/index.js';
import { encodeWindows1252 } from '../helpers/news-server.js';

const ARTICLE = '<h1>Gammel artikel</h1><p>Den handler om “søen” ved Køge, hvor både ænder og søstjerner bor – hele året rundt. Pris: 5 €.</p>';
const page = (head: string, body = ARTICLE) => `<html><head>${head}<title>Gammel side</title></head><body>${body}</body></html>`;
/** More than the 1024 bytes the standard's prescan reads, before the <meta>. */
const LONG_HEAD = `<meta name="description" content="${'x'.repeat(1100)}">`;

describe('a page that declares no charset', () => {
  it('in Windows-1252 (a saved file, or a header without charset) is read as Windows-1252, with the text input notice', () => {
    const bytes = encodeWindows1252(page(''));
    for (const contentType of [undefined, 'text/html']) {
      expect(decodeHtml(bytes, contentType), String(contentType)).toEqual({ text: page(''), encoding: 'windows-1252', notes: [CP1252_NOTICE] });
    }
  });

  it('in valid UTF-8 is read as UTF-8, without a notice', () => {
    expect(decodeHtml(Buffer.from(page('')), 'text/html')).toEqual({ text: page(''), encoding: 'UTF-8', notes: [] });
  });

  it('a <meta> charset after the first 1024 bytes decides, as a declaration (no notice)', () => {
    const html = page(`${LONG_HEAD}<meta charset="windows-1252">`);
    expect(decodeHtml(encodeWindows1252(html))).toEqual({ text: html, encoding: 'windows-1252', notes: [] });
    // ISO-8859-15 has € at 0xA4, where Windows-1252 has ¤: only the <meta> can tell.
    const latin9 = Buffer.from(page(`${LONG_HEAD}<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-15">`, '<p>Pris: 5 \xa4 for ænder</p>'), 'latin1');
    const decoded = decodeHtml(latin9);
    expect(decoded.encoding).toBe('ISO-8859-15');
    expect(decoded.text).toContain('Pris: 5 € for ænder');
  });

  it('a declared charset still wins over what the bytes look like', () => {
    const bytes = encodeWindows1252(page(''));
    expect(decodeHtml(bytes, 'text/html; charset=utf-8')).toMatchObject({ encoding: 'UTF-8' });
    expect(decodeHtml(encodeWindows1252(page('<meta charset="iso-8859-1">')))).toMatchObject({ encoding: 'windows-1252', notes: [] });
  });
});

describe('damaged UTF-8 (one stray byte in a UTF-8 page)', () => {
  const html = page('', '<p>Kommunen måler vandkvaliteten i havnen hver dag.</p>');
  const damaged = (head = '') => {
    const bytes = Buffer.from(page(head, '<p>Kommunen måler vandkvaliteten i havnen hver dag.</p>'));
    const at = bytes.indexOf('vandkvaliteten');
    return { bytes: Buffer.concat([bytes.subarray(0, at), Buffer.from([0xe6]), bytes.subarray(at)]), at };
  };

  it('declaring no charset (a saved file, a header without one), it is refused with the offset, as a text input is', () => {
    const { bytes, at } = damaged();
    for (const contentType of [undefined, 'text/html']) {
      let thrown: unknown;
      try {
        decodeHtml(bytes, contentType, 'side.html');
      } catch (err) {
        thrown = err;
      }
      expect(thrown, String(contentType)).toBeInstanceOf(InputFileError);
      expect((thrown as Error).message).toBe(`side.html: not valid UTF-8 and no charset declared (first bad byte at offset ${at}); if it is Windows-1252 (or Latin-1), set the encoding option to cp1252`);
    }
  });

  it('declaring UTF-8 (<meta> or header), it is read as a browser reads it, with a notice giving the offset', () => {
    const inMeta = damaged('<meta charset="utf-8">');
    const viaHeader = damaged();
    for (const [{ bytes, at }, contentType] of [[inMeta, undefined], [viaHeader, 'text/html; charset=utf-8']] as const) {
      const decoded = decodeHtml(bytes, contentType);
      expect(decoded.encoding).toBe('UTF-8');
      expect(decoded.text).toContain('måler \ufffdvandkvaliteten');
      expect(decoded.notes).toEqual([`declares UTF-8 but is not valid UTF-8 (first bad byte at offset ${at}): bad bytes read as U+FFFD, as a browser shows them (choose another with the encoding option)`]);
    }
    expect(decodeHtml(Buffer.from(html), 'text/html; charset=utf-8').notes).toEqual([]);
  });
});
