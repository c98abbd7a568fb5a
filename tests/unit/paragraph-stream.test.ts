import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CP1252_NOTICE, type InputEncoding } from '../../src/io/decode-text.js';
import { decodeText } from '../helpers/whole-text-decoder.js';
import { firstBadUtf8Byte } from '../../src/io/decode-text.js';
import { openParagraphStream, paragraphsFromBytes, readParagraphsFromFile } from '../../src/io/paragraph-stream.js';
import { normalizeInput, segmentDocument, splitParagraphs, splitParagraphStream } from '../../src/segmentation/index.js';
import { pick, prng } from '../helpers/prng.js';

const utf8 = (s: string) => Buffer.from(s, 'utf8');

/** What the whole-file path finds: paragraphs of the decoded, normalised text. */
function expected(bytes: Uint8Array, encoding: InputEncoding = 'auto'): string[] {
  return splitParagraphs(normalizeInput(decodeText(bytes, encoding).text)).map((lines) => lines.join('\n'));
}

/** `bytes` cut into pieces of 1..maxPiece bytes. */
async function* pieces(bytes: Uint8Array, rand: () => number, maxPiece: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; ) {
    const n = 1 + Math.floor(rand() * maxPiece);
    yield bytes.subarray(i, i + n);
    i += n;
  }
}

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const p of it) out.push(p);
  return out;
}

const BITS = ['Hej', 'verden', 'æøå', 'ÆØÅ', '🎉', '€', ' ', ' ', '  ', '\t', '\u00a0', '\n', '\n', '\r\n', '\r', '\n\n', '\r\n\r\n', '\r\r', '\n \n', '\n\t\n\n', 'date 2021-07', '- ', '# ', '\u0000', '\ufeff', '.'];

function randomText(rand: () => number): string {
  let s = rand() < 0.2 ? '\ufeff' : '';
  const n = Math.floor(rand() * 60);
  for (let i = 0; i < n; i++) s += pick(rand, BITS);
  return s;
}

describe('splitParagraphStream / paragraphsFromBytes', () => {
  it('finds the paragraphs the whole-text path finds, however the bytes are cut (random texts)', async () => {
    const rand = prng(7);
    for (let i = 0; i < 600; i++) {
      const bytes = utf8(randomText(rand));
      const got = await collect(paragraphsFromBytes(pieces(bytes, rand, 1 + Math.floor(rand() * 9))));
      expect(got, JSON.stringify(bytes.toString())).toEqual(expected(bytes));
    }
  });

  it('a line of only invisible characters is blank, as a white-space line is (every path: whole text, stream, segmentDocument)', async () => {
    // Zero-width space, U+FEFF mid-text, word joiner, a lone soft hyphen, direction marks, with white space around.
    const text = 'Første afsnit.\n\u200b\nAndet afsnit.\n \ufeff \nTredje.\n\u2060\nFjerde.\n\u00ad\nFemte.\n\u200e\u200f\u200d\n\u00ad\nSjette.\n\u200b';
    const want = ['Første afsnit.', 'Andet afsnit.', 'Tredje.', 'Fjerde.', 'Femte.', 'Sjette.'];
    expect(splitParagraphs(text).map((lines) => lines.join('\n'))).toEqual(want);
    expect(await collect(splitParagraphStream(Readable.from(text.split(''))))).toEqual(want);
    expect(await collect(paragraphsFromBytes(pieces(utf8(text), prng(3), 4)))).toEqual(want);
    const doc = segmentDocument(text, { countTokens: (s) => s.length, maxTokens: 100 });
    expect(doc.paragraphs.map((p) => p.text)).toEqual(want);
    // Visible text keeps its invisible characters (the Danish side shows the input as it is).
    expect(splitParagraphs('Blom\u00adster\u200b\n\u200bvisner')).toEqual([['Blom\u00adster\u200b', '\u200bvisner']]);
  });

  it('handles CRLF, CR-only, many blank lines and whitespace-only lines', async () => {
    const text = 'A1\r\nA2\r\n\r\n\r\n \t \r\nB1\rB2\r\r\rC\n\n\n\n\nD  \n  E\u00a0\n\u00a0\nF';
    const got = await collect(splitParagraphStream(Readable.from(text.split(''))));
    expect(got).toEqual(['A1\nA2', 'B1\nB2', 'C', 'D\nE', 'F']);
    // a CR at the end of one piece and its LF at the start of the next are one line end
    expect(await collect(splitParagraphStream(Readable.from(['a\r', '\nb\r', '\r', 'c'])))).toEqual(['a\nb', 'c']);
  });

  it('strips a BOM (UTF-8 and a U+FEFF left in the text) and reads UTF-16 with a BOM', async () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8('Æble\n\nPære')]);
    const src = paragraphsFromBytes(pieces(withBom, prng(1), 1));
    expect(await collect(src)).toEqual(['Æble', 'Pære']);
    expect(src.encoding).toBe('utf-8 (BOM)');
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Søren\r\n\r\nKierkegaard 🎉', 'utf16le')]);
    const le16 = paragraphsFromBytes(pieces(le, prng(2), 3));
    expect(await collect(le16)).toEqual(['Søren', 'Kierkegaard 🎉']);
    expect(le16.encoding).toBe('utf-16le (BOM)');
    const be = Buffer.from(Buffer.from('Søren\n\nÅ', 'utf16le')).swap16();
    expect(await collect(paragraphsFromBytes(pieces(be, prng(3), 1), { encoding: 'utf16be' }))).toEqual(['Søren', 'Å']);
  });

  it('reads latin1 (as Windows-1252: 0x80 is €) and cp1252 when asked', async () => {
    const bytes = Buffer.from([...utf8('Hej med dig'), 0xe6, 0x0a, 0x0a, ...utf8('ble'), 0x80]);
    for (const encoding of ['latin1', 'cp1252', 'windows-1252'] as const) {
      expect(await collect(paragraphsFromBytes(pieces(bytes, prng(4), 2), { encoding }))).toEqual(['Hej med digæ', 'ble€']);
      expect(expected(bytes, encoding)).toEqual(['Hej med digæ', 'ble€']);
    }
  });

  it('auto: Windows-1252 and UTF-8 told apart the same way at every cut of the bytes, and decoded text never changes meaning', async () => {
    // A long ASCII start (more than the 8 KiB sniff) puts the first non-ASCII byte past the head.
    const ascii = 'Det er en ganske almindelig dag i byen. '.repeat(230);
    const cpText = 'Prisen er 5 € – ”billig”, siger Søren’s far i Århus.';
    const cp = (s: string) => Buffer.from(Array.from(s, (c) => ({ '€': 0x80, '–': 0x96, '”': 0x94, '’': 0x92 })[c] ?? c.charCodeAt(0)));
    const cases: { bytes: Buffer; want: string[] | RegExp; encoding?: string }[] = [
      { bytes: cp(cpText), want: [cpText], encoding: 'windows-1252 (detected)' },
      { bytes: cp(`${ascii}\n\n${cpText}`), want: [ascii.trim(), cpText], encoding: 'windows-1252 (detected)' },
      { bytes: utf8(`${ascii}\n\n${cpText}`), want: [ascii.trim(), cpText], encoding: 'utf-8' },
      // UTF-8 with one bad byte: an error naming its offset, never a silent Windows-1252 read
      { bytes: Buffer.concat([utf8(`${ascii}ø `), Buffer.from([0xe6]), utf8(' ble')]), want: new RegExp(`offset ${Buffer.byteLength(`${ascii}ø `)}\\).*the encoding option to cp1252`) },
      // a Windows-1252 byte more than 8 KiB after the first non-ASCII one: UTF-8 was chosen, the error says what to do
      { bytes: Buffer.concat([utf8(`æ ${ascii}`), Buffer.from([0x80])]), want: /the encoding option to cp1252/ },
    ];
    const rand = prng(12);
    for (const c of cases) {
      if (Array.isArray(c.want)) expect(expected(c.bytes)).toEqual(c.want);
      for (const max of [1, 2, 7, 100, 5000, 20000]) {
        const src = paragraphsFromBytes(pieces(c.bytes, rand, max));
        if (c.want instanceof RegExp) {
          await expect(collect(src)).rejects.toThrow(c.want);
          expect(() => decodeText(c.bytes)).toThrow(c.want);
        } else {
          expect(await collect(src)).toEqual(c.want);
          expect(src.encoding).toBe(c.encoding);
          expect(src.notes).toEqual(c.encoding === 'utf-8' ? [] : [CP1252_NOTICE]);
        }
      }
    }
  });

  it('auto on random mixes of ASCII, UTF-8 and Windows-1252 bytes: every cut gives what the whole-buffer decoder gives', async () => {
    const rand = prng(13);
    const parts = [utf8('Hej '), utf8('æøå '), utf8('€'), utf8('\n\n'), Buffer.from([0xe6]), Buffer.from([0x80]), Buffer.from([0x96]), Buffer.from([0x81]), Buffer.from([0xc3]), Buffer.from('x'.repeat(3000))];
    let cp1252 = 0;
    for (let i = 0; i < 300; i++) {
      const bytes = Buffer.concat(Array.from({ length: Math.floor(rand() * 12) }, () => pick(rand, parts)));
      let whole: string[] | string;
      let notes: string[] = [];
      try {
        const d = decodeText(bytes);
        whole = splitParagraphs(normalizeInput(d.text)).map((lines) => lines.join('\n'));
        notes = d.notes;
        if (d.encoding.startsWith('windows-1252')) cp1252++;
      } catch (err) {
        whole = (err as Error).message;
      }
      const src = paragraphsFromBytes(pieces(bytes, rand, 1 + Math.floor(rand() * 3000)));
      let streamed: string[] | string;
      try {
        streamed = await collect(src);
      } catch (err) {
        streamed = (err as Error).message;
      }
      expect(streamed, bytes.toString('hex').slice(0, 200)).toEqual(whole);
      if (Array.isArray(whole)) expect(src.notes).toEqual(notes);
    }
    expect(cp1252).toBeGreaterThan(20);
  });

  it('removes NULs and says so', async () => {
    const src = paragraphsFromBytes(pieces(utf8('Hej\u0000 verden\u0000\n\nB'), prng(5), 2));
    expect(await collect(src)).toEqual(['Hej verden', 'B']);
    expect(src.notes).toEqual(['removed 2 NUL character(s)']);
  });

  it('keeps a multi-byte character split across chunks of a file read with a tiny highWaterMark', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-ps-'));
    const file = path.join(dir, 'a.txt');
    const text = 'Øl 🎉 på €5\n\nÆØÅ æøå\r\n🎉🎉\n';
    writeFileSync(file, text);
    for (const hwm of [1, 2, 3, 5]) {
      const src = readParagraphsFromFile(file, { highWaterMark: hwm });
      expect(await collect(src)).toEqual(['Øl 🎉 på €5', 'ÆØÅ æøå\n🎉🎉']);
      expect(src.bytesRead).toBe(Buffer.byteLength(text));
    }
  });

  it('names the offset of the first bad UTF-8 byte, as decodeText does, wherever the chunks are cut', async () => {
    const rand = prng(11);
    const good = utf8('Hej æ 🎉 € ');
    let checked = 0;
    for (let i = 0; i < 400; i++) {
      const junk = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => pick(rand, [0x80, 0xbf, 0xc3, 0xe2, 0x82, 0xf0, 0x9f, 0xed, 0xa0, 0xff, 0xc0, 0x41]));
      const bytes = Buffer.concat([good.subarray(0, Math.floor(rand() * good.length)), Buffer.from(junk), good.subarray(0, Math.floor(rand() * good.length))]);
      let whole: string | undefined;
      try {
        decodeText(bytes, 'utf8');
      } catch (err) {
        whole = (err as Error).message;
      }
      let streamed: string | undefined;
      try {
        await collect(paragraphsFromBytes(pieces(bytes, rand, 1 + Math.floor(rand() * 4)), { encoding: 'utf8' }));
      } catch (err) {
        streamed = (err as Error).message;
      }
      expect(streamed, bytes.toString('hex')).toBe(whole);
      if (whole) checked++;
    }
    expect(checked).toBeGreaterThan(200);
    const bytes = Buffer.from([...utf8('Hej med dig ø'), 0xe6, 0x20, ...utf8('ble')]);
    await expect(collect(paragraphsFromBytes(pieces(bytes, prng(1), 1)))).rejects.toThrow(/offset 14.*the encoding option to cp1252/);
    expect(firstBadUtf8Byte(utf8('ab'), true)).toBe(-1);
    expect(firstBadUtf8Byte(Buffer.from([0x61, 0xe2, 0x82]), false)).toBe(-1);
    expect(firstBadUtf8Byte(Buffer.from([0x61, 0xe2, 0x82]), true)).toBe(1);
  });

  it('UTF-16 (a BOM, or --encoding): strict, naming the offset of the first bad code point as decodeText does, wherever the chunks are cut', async () => {
    const rand = prng(17);
    const units = ['H', 'æ', 'Ø', ' ', '\n\n', '🎉', '€'];
    let checked = 0;
    let read = 0;
    for (let i = 0; i < 400; i++) {
      const le = rand() < 0.5;
      const text = Array.from({ length: Math.floor(rand() * 8) }, () => pick(rand, units)).join('');
      const after = Array.from({ length: Math.floor(rand() * 4) }, () => pick(rand, units)).join('');
      // junk: lone surrogates, a lone byte, or nothing
      const junk = pick(rand, [[], [0xd8, 0x3d], [0xdc, 0x00], [0x41], [0xd8, 0x3d, 0xd8, 0x3d], [0xdb, 0xff, 0x00]]);
      const order = (b: Buffer) => (le ? b : Buffer.from(b).swap16());
      const bytes = Buffer.concat([order(Buffer.from(text, 'utf16le')), Buffer.from(le ? [...junk].reverse() : junk), order(Buffer.from(after, 'utf16le'))]);
      const withBom = rand() < 0.5;
      const input = withBom ? Buffer.concat([Buffer.from(le ? [0xff, 0xfe] : [0xfe, 0xff]), bytes]) : bytes;
      const encoding: InputEncoding = withBom ? 'auto' : le ? 'utf16le' : 'utf16be';
      let whole: string[] | string;
      try {
        whole = expected(input, encoding);
      } catch (err) {
        whole = (err as Error).message;
      }
      let streamed: string[] | string;
      try {
        streamed = await collect(paragraphsFromBytes(pieces(input, rand, 1 + Math.floor(rand() * 5)), { encoding }));
      } catch (err) {
        streamed = (err as Error).message;
      }
      expect(streamed, `${encoding} ${input.toString('hex')}`).toEqual(whole);
      if (typeof whole === 'string') checked++;
      else read++;
    }
    expect(checked).toBeGreaterThan(100);
    expect(read).toBeGreaterThan(40);
    // Never silently U+FFFD: a lone byte at the end, an unpaired surrogate in the middle.
    const bom = Buffer.from([0xff, 0xfe]);
    await expect(collect(paragraphsFromBytes(pieces(Buffer.concat([bom, Buffer.from('Hej', 'utf16le'), Buffer.from([0x41])]), prng(2), 3)))).rejects.toThrow(/not valid UTF-16LE .*offset 8/);
    await expect(collect(paragraphsFromBytes(pieces(Buffer.concat([bom, Buffer.from('Hej', 'utf16le'), Buffer.from([0x00, 0xdc]), Buffer.from('x', 'utf16le')]), prng(3), 1)))).rejects.toThrow(/offset 8/);
  });

  it('recognises binary input in auto mode', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
    await expect(collect(paragraphsFromBytes(pieces(png, prng(1), 1)))).rejects.toThrow(/PNG image/);
    const u16 = Buffer.from('Kommunen bygger en ny skole i Århus.\n', 'utf16le');
    await expect(collect(paragraphsFromBytes(pieces(u16, prng(1), 7)))).rejects.toThrow('looks like UTF-16LE text without a byte order mark; set the encoding option to utf16le');
  });
});

describe('openParagraphStream', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-ops-'));

  it('reports size and progress for a file, and the CLI one-line errors', async () => {
    const file = path.join(dir, 'ok.txt');
    writeFileSync(file, 'A\n\nB\n');
    const src = await openParagraphStream(file);
    expect(src.totalBytes).toBe(5);
    expect(await collect(src)).toEqual(['A', 'B']);
    expect(src.bytesRead).toBe(5);

    await expect(openParagraphStream(path.join(dir, 'missing.txt'))).rejects.toThrow(/cannot read .*missing\.txt: no such file/);
    await expect(openParagraphStream(dir)).rejects.toThrow(/is a directory/);

    const blank = path.join(dir, 'blank.txt');
    writeFileSync(blank, ' \n\r\n\t');
    await expect(collect(await openParagraphStream(blank))).rejects.toThrow(/blank\.txt is empty/);

    const bad = path.join(dir, 'bad.txt');
    // UTF-8 "ø" first: a start with no UTF-8 sequence at all would be read as Windows-1252 (0xff is ÿ)
    writeFileSync(bad, Buffer.from([0xc3, 0xb8, 0x0a, 0xff]));
    await expect(collect(await openParagraphStream(bad))).rejects.toThrow(/bad\.txt is not valid UTF-8 \(first bad byte at offset 3\)/);
  });

  it('reads standard input', async () => {
    const src = await openParagraphStream('-', { stdin: Readable.from([utf8('Et\n'), utf8('\nTo')]) });
    expect(src.totalBytes).toBeUndefined();
    expect(await collect(src)).toEqual(['Et', 'To']);
  });
});
