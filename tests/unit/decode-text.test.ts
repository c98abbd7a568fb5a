import { describe, expect, it } from 'vitest';
import { sniffBinary } from '../../src/io/decode-text.js';
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

  it('reports the byte offset of invalid UTF-8 and suggests latin1', () => {
    const bytes = new Uint8Array([...utf8('Hej med dig'), 0xe6, 0x20, ...utf8('ble')]);
    expect(() => decodeText(bytes)).toThrow(/offset 11.*--encoding latin1/);
    expect(decodeText(bytes, 'latin1').text).toBe('Hej med digæ ble');
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
