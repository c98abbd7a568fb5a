import { describe, expect, it } from 'vitest';
import { CP1252_NOTICE, decodeCp1252, looksLikeCp1252, sniffBinary } from '../../src/io/decode-text.js';
import { decodeText } from '../helpers/whole-text-decoder.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('decodeText', () => {
  it('reads UTF-8 and strips a BOM', () => {
    expect(decodeText(utf8('Hej verden')).text).toBe('Hej verden');
    const withBom = decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('Æble')]));
    expect(withBom.text).toBe('Æble');
    expect(withBom.encoding).toBe('utf-8 (BOM)');
  });

  it('decodes UTF-16 with a BOM, both byte orders', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Søren', 'utf16le')]);
    expect(decodeText(le).text).toBe('Søren');
    const be = Buffer.from(Buffer.from('Søren', 'utf16le')).swap16();
    expect(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), be])).text).toBe('Søren');
  });

  it('reports the byte offset of invalid UTF-8 in a UTF-8 file and suggests cp1252', () => {
    const bytes = new Uint8Array([...utf8('Hej med dig ø'), 0xe6, 0x20, ...utf8('ble')]);
    expect(() => decodeText(bytes)).toThrow(/offset 14.*--encoding cp1252/);
    expect(() => decodeText(bytes, 'utf8')).toThrow(/offset 14.*--encoding cp1252/);
  });

  it('Windows-1252: € – ” ’ are kept (latin1 is read as its superset), and auto detects it', () => {
    // "Prisen: 5 € – ”god” og dét’s" in Windows-1252
    const bytes = new Uint8Array([...utf8('Prisen: 5 '), 0x80, 0x20, 0x96, 0x20, 0x94, ...utf8('god'), 0x94, ...utf8(' og d'), 0xe9, 0x74, 0x92, 0x73]);
    const want = 'Prisen: 5 € – ”god” og dét’s';
    for (const enc of ['cp1252', 'windows-1252', 'latin1'] as const) {
      expect(decodeCp1252(bytes)).toBe(want);
      expect(decodeText(bytes, enc).text).toBe(want);
    }
    expect(decodeText(bytes, 'latin1').text).not.toMatch(/[\u0080-\u009f]/);
    const auto = decodeText(bytes);
    expect(auto.text).toBe(want);
    expect(auto.encoding).toBe('windows-1252 (detected)');
    expect(auto.notes).toEqual([CP1252_NOTICE]);
  });

  it('the detection rule: not UTF-8, no UTF-8 sequence, no byte Windows-1252 leaves undefined', () => {
    expect(looksLikeCp1252(new Uint8Array([0xe6, 0x20, 0x80]), true)).toBe(true);
    expect(looksLikeCp1252(utf8('æ€'), true)).toBe(false); // valid UTF-8
    expect(looksLikeCp1252(new Uint8Array([...utf8('ø'), 0xe6]), true)).toBe(false); // damaged UTF-8
    expect(looksLikeCp1252(new Uint8Array([0xe6, 0x81]), true)).toBe(false); // 0x81 is undefined in Windows-1252
    // a UTF-8 sequence cut by the end of the window is not a bad byte until the input ends
    expect(looksLikeCp1252(new Uint8Array([0x41, 0xc3]), false)).toBe(false);
    expect(looksLikeCp1252(new Uint8Array([0x41, 0xc3]), true)).toBe(true);
  });

  it('recognises binary files', () => {
    expect(sniffBinary(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]))).toBe('PNG image');
    expect(sniffBinary(new Uint8Array(100).fill(1))).toBe('binary data');
    expect(() => decodeText(new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31]))).toThrow(/PDF document/);
  });

  it('removes stray NUL characters from text and says so', () => {
    const out = decodeText(utf8('Hej\u0000 verden\u0000'));
    expect(out.text).toBe('Hej verden');
    expect(out.notes).toEqual(['removed 2 NUL character(s)']);
  });
});
