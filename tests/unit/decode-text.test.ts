import { describe, expect, it } from 'vitest';
import { CP1252_NOTICE, decodeBytes, decodeCp1252, firstBadUtf16Byte, looksLikeCp1252, notTextError, sniffBinary } from '../../src/io/decode-text.js';
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
    expect(() => decodeText(bytes)).toThrow(/offset 14.*the encoding option to cp1252/);
    expect(() => decodeText(bytes, 'utf8')).toThrow(/offset 14.*the encoding option to cp1252/);
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
    expect(sniffBinary(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]))).toBe('a PNG image');
    expect(sniffBinary(new Uint8Array(100).fill(1))).toBe('binary data');
    expect(() => decodeText(new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31]))).toThrow(/PDF document/);
  });

  it('says what a binary file looks like in a sentence that reads', () => {
    expect(notTextError(new Uint8Array(100).fill(1))?.message).toBe('looks like binary data, not a text file');
    expect(notTextError(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]))?.message).toBe('looks like an ELF executable, not a text file');
    expect(notTextError(utf8('Hej med dig.'))).toBeNull();
  });

  it('UTF-16 without a byte order mark is refused with the --encoding that reads it; with a BOM it is text', () => {
    const danish = 'Kommunen bygger en ny skole i Århus. Den åbner i 2027, siger Søren – “endelig”.\n';
    const le = Buffer.from(danish, 'utf16le');
    const be = Buffer.from(le).swap16();
    expect(notTextError(le)?.message).toBe('looks like UTF-16LE text without a byte order mark; set the encoding option to utf16le');
    expect(notTextError(be)?.message).toBe('looks like UTF-16BE text without a byte order mark; set the encoding option to utf16be');
    expect(() => decodeText(le)).toThrow(/UTF-16LE text without a byte order mark; set the encoding option to utf16le/);
    expect(decodeText(le, 'utf16le').text).toBe(danish);
    expect(notTextError(Buffer.concat([Buffer.from([0xff, 0xfe]), le]))).toBeNull();
    expect(notTextError(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toBeNull();
    // Text with a stray NUL is text, and binary data with NULs in it is not taken for UTF-16.
    expect(notTextError(utf8('Hej\u0000 med dig.'))).toBeNull();
    expect(notTextError(new Uint8Array(64).map((_, i) => (i % 2 ? 0 : 3)))?.message).toBe('looks like binary data, not a text file');
  });

  it('UTF-16 is strict: an unpaired surrogate or a lone last byte is refused with its offset, not read as U+FFFD', () => {
    const bom = Buffer.from([0xff, 0xfe]);
    const hej = Buffer.from('Hej', 'utf16le');
    const lone = Buffer.concat([bom, hej, Buffer.from([0x3d, 0xd8]), Buffer.from('x', 'utf16le')]); // a high surrogate, then no low one
    expect(() => decodeText(lone)).toThrow('is not valid UTF-16LE (an unpaired surrogate or a lone last byte at offset 8)');
    const odd = Buffer.concat([bom, hej, Buffer.from([0x41])]);
    expect(() => decodeText(odd)).toThrow(/UTF-16LE .*offset 8/);
    const lowFirst = Buffer.from(Buffer.concat([hej, Buffer.from([0x00, 0xdc])])).swap16(); // big-endian, a low surrogate alone
    expect(() => decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), lowFirst]))).toThrow(/UTF-16BE .*offset 8/);
    expect(() => decodeText(Buffer.concat([hej, Buffer.from([0x41])]), 'utf16le')).toThrow(/UTF-16LE .*offset 6/);
    // A pair is fine, and a pair or a byte cut by the end of a piece is not an error until the input ends.
    expect(decodeText(Buffer.concat([bom, Buffer.from('🎉', 'utf16le')])).text).toBe('🎉');
    expect(firstBadUtf16Byte(Buffer.from([0x3d, 0xd8, 0x89]), true, false)).toBe(-1);
    expect(firstBadUtf16Byte(Buffer.from([0x3d, 0xd8, 0x89]), true, true)).toBe(0);
    expect(firstBadUtf16Byte(Buffer.from([0x41, 0x00, 0x00, 0xdc]), true, false)).toBe(2);
  });

  it('decodeBytes: a whole input read by the streaming rules (BOM, encoding, detection, binary, offsets)', async () => {
    expect(await decodeBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('Æble')]), 'auto')).toEqual({ text: 'Æble', encoding: 'utf-8 (BOM)', notes: [] });
    expect(await decodeBytes(new Uint8Array([0x52, 0xf8, 0x64]), 'auto')).toEqual({ text: 'Rød', encoding: 'windows-1252 (detected)', notes: [CP1252_NOTICE] });
    expect((await decodeBytes(new Uint8Array([0x52, 0xf8, 0x64]), 'cp1252')).text).toBe('Rød');
    await expect(decodeBytes(new Uint8Array([...utf8('Hej med dig ø'), 0xe6, 0x20]), 'utf8')).rejects.toThrow(/offset 14/);
    await expect(decodeBytes(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), 'auto')).rejects.toThrow('looks like a PNG image, not a text file');
  });

  it('removes stray NUL characters from text and says so', () => {
    const out = decodeText(utf8('Hej\u0000 verden\u0000'));
    expect(out.text).toBe('Hej verden');
    expect(out.notes).toEqual(['removed 2 NUL character(s)']);
  });
});
