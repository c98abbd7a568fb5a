/** Reading a saved page or a Markdown file: decoded as text is, refused in one line when it holds nothing to translate. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { inputUserError, isDa2enError } from '../../src/errors.js';
import { extractArticle, NoArticleError } from '../../src/input/index.js';
import { readArticle, type ReadArticleOptions } from '../../src/io/read-article.js';
import { CP1252_NOTICE } from '../../src/io/decode-text.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-read-article-'));
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const PDF = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj', 'latin1');
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]);
/** "# Rødgrød med fløde\n\nHan sagde “hej”." in Windows-1252. */
const CP1252_MD = Buffer.from([...Buffer.from('# R'), 0xf8, ...Buffer.from('dgr'), 0xf8, ...Buffer.from('d med fl'), 0xf8, ...Buffer.from('de\n\nHan sagde '), 0x93, ...Buffer.from('hej'), 0x94, 0x2e, 0x0a]);

function file(name: string, contents: string | Uint8Array): string {
  const p = path.join(dir, name);
  writeFileSync(p, contents);
  return p;
}

/** What the CLI makes of a read failure: the error kind (its exit code) and the one line. */
async function failure(input: string, format: 'html' | 'md' | 'url', options: ReadArticleOptions = {}): Promise<{ kind: string; message: string }> {
  try {
    await readArticle(input, format, options);
  } catch (err) {
    const user = inputUserError(err);
    if (!isDa2enError(user)) throw err;
    return { kind: user.kind, message: user.message };
  }
  throw new Error(`${input} was read`);
}

describe('a saved page that is not one', () => {
  it('plain text read as HTML has no article (exit 7), from a file or standard input', async () => {
    const text = file('a.da.txt', 'Hej med dig. Det er en god dag.\n');
    expect(await failure(text, 'html')).toEqual({ kind: 'no-article', message: `${text}: no article text found in the page; to translate all of its text, use the text input format` });
    expect(await failure(file('plain.html', 'Hej med dig.'), 'html')).toMatchObject({ kind: 'no-article' });
    expect(await failure('-', 'html', { stdin: Readable.from([Buffer.from('Hej med dig.\n')]) })).toEqual({
      kind: 'no-article',
      message: 'standard input: no article text found in the page; to translate all of its text, use the text input format',
    });
  });

  it('extractArticle: text without markup, or nothing, is a page without an article, not a crash', () => {
    for (const html of ['hej', '', 'Hej med dig. '.repeat(40), '<!doctype html>hej']) {
      expect(() => extractArticle(html, { inputName: 'the html field' }), JSON.stringify(html)).toThrow(NoArticleError);
    }
  });

  it('a PNG, PDF or ZIP named .html is refused as binary (exit 3), as a text input is', async () => {
    for (const [name, bytes, what] of [
      ['img.html', PNG, 'a PNG image'],
      ['doc.htm', PDF, 'a PDF document'],
      ['z.html', ZIP, 'a ZIP archive (or a .docx/.odt document)'],
    ] as const) {
      const p = file(name, bytes);
      expect(await failure(p, 'html')).toEqual({ kind: 'input', message: `${p} looks like ${what}, not a text file` });
    }
  });

  it('an empty or whitespace-only page is an empty input (exit 3)', async () => {
    expect(await failure(file('empty.html', ' \n\t'), 'html')).toMatchObject({ kind: 'input', message: expect.stringMatching(/empty\.html: empty/) });
  });

  it('--encoding other than auto stands for the charset a header would give', async () => {
    const body = `<html><body><article><h1>Rødgrød</h1>${'<p>Han sagde “hej” til Søren, og de spiste rødgrød med fløde i haven.</p>'.repeat(4)}</article></body></html>`;
    const utf16 = Buffer.from(body, 'utf16le');
    const p = file('u16.html', utf16);
    expect(await failure(p, 'html')).toEqual({ kind: 'input', message: `${p} looks like UTF-16LE text without a byte order mark; set the encoding option to utf16le` });
    const article = await readArticle(p, 'html', { encoding: 'utf16le' });
    expect(article.blocks.some((b) => b.text.includes('Han sagde “hej” til Søren'))).toBe(true);
  });
});

describe('a page without a declared charset', () => {
  const html = `<html><head><title>Gammel side</title></head><body><div id="content"><h1>Gammel artikel fra arkivet</h1>${'<p>Den handler om “søen” ved Køge, hvor både ænder og søstjerner bor – hele året rundt.</p>'.repeat(3)}</div></body></html>`;
  const cp1252 = Buffer.from(html.replace(/[“”–]/g, (c) => ({ '“': '\x93', '”': '\x94', '–': '\x96' })[c]!), 'latin1');

  it('saved in Windows-1252 keeps its æøå and “quotes”, with the notice a text input gets', async () => {
    const p = file('old1252.html', cp1252);
    const notes: string[] = [];
    const article = await readArticle(p, 'html', { onNote: (n) => notes.push(n) });
    expect(article.blocks[1]).toMatchObject({ text: 'Den handler om “søen” ved Køge, hvor både ænder og søstjerner bor – hele året rundt.' });
    expect(notes).toEqual([CP1252_NOTICE]);
  });

  it('a URL whose Content-Type names no charset is read the same way, with the notice', async () => {
    const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(cp1252));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const notes: string[] = [];
      const article = await readArticle(`http://127.0.0.1:${(server.address() as AddressInfo).port}/gammel`, 'url', { onNote: (n) => notes.push(n) });
      expect(article.blocks[1]).toMatchObject({ text: 'Den handler om “søen” ved Køge, hvor både ænder og søstjerner bor – hele året rundt.' });
      expect(notes).toEqual([CP1252_NOTICE]);
    } finally {
      server.close();
    }
  });

  it('--encoding, which the notices suggest, stands for a URL\'s header charset too, as for a saved page', async () => {
    const server = http.createServer((req, res) => res.writeHead(200, { 'content-type': req.url === '/utf8' ? 'text/html; charset=utf-8' : 'text/html' }).end(cp1252));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const read = async (url: string, options: ReadArticleOptions) => {
        const notes: string[] = [];
        const article = await readArticle(url, 'url', { ...options, onNote: (n) => notes.push(n) });
        return { text: article.blocks[1]?.text, notes };
      };
      const right = 'Den handler om “søen” ved Køge, hvor både ænder og søstjerner bor – hele året rundt.';
      const declaredUtf8 = await read(`${base}/utf8`, {});
      expect(declaredUtf8.text).toContain('\ufffd');
      expect(declaredUtf8.notes).toEqual([expect.stringMatching(/^declares UTF-8 but is not valid UTF-8 .*\(choose another with the encoding option\)$/)]);
      for (const encoding of ['cp1252', 'latin1'] as const) {
        expect(await read(`${base}/utf8`, { encoding })).toEqual({ text: right, notes: [] });
        expect(await read(`${base}/none`, { encoding })).toEqual({ text: right, notes: [] });
      }
    } finally {
      server.close();
    }
  });

  it('damaged UTF-8 (one stray byte) is refused with its offset (exit 3), saved or fetched, as a text input is', async () => {
    const utf8 = Buffer.from(html);
    const at = utf8.indexOf('søstjerner');
    const damaged = Buffer.concat([utf8.subarray(0, at), Buffer.from([0xe6]), utf8.subarray(at)]);
    const reason = `not valid UTF-8 and no charset declared (first bad byte at offset ${at}); if it is Windows-1252 (or Latin-1), set the encoding option to cp1252`;
    const p = file('damaged.html', damaged);
    expect(await failure(p, 'html')).toEqual({ kind: 'input', message: `${p}: ${reason}` });
    const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(damaged));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/skadet`;
      expect(await failure(url, 'url')).toEqual({ kind: 'input', message: `${url}: ${reason}` });
    } finally {
      server.close();
    }
  });
});

describe('a Markdown file is decoded as text is', () => {
  it('--encoding cp1252, and auto detection with a notice', async () => {
    const p = file('cp.md', CP1252_MD);
    const read = await readArticle(p, 'md', { encoding: 'cp1252' });
    expect(read.title).toBe('Rødgrød med fløde');
    expect(read.blocks[1]).toMatchObject({ type: 'paragraph', text: 'Han sagde “hej”.' });
    const notes: string[] = [];
    const detected = await readArticle(p, 'md', { onNote: (n) => notes.push(n) });
    expect(detected.blocks).toEqual(read.blocks);
    expect(notes).toEqual([CP1252_NOTICE]);
  });

  it('NULs are removed before parsing (not U+FFFD), with the note a text input gets; a page loses them too', async () => {
    const notes: string[] = [];
    const md = await readArticle(file('nul.md', '# Tit\u0000el\n\nEt a\u0000b afsnit.\n'), 'md', { onNote: (n) => notes.push(n) });
    expect(md.blocks.map((b) => b.text)).toEqual(['Titel', 'Et ab afsnit.']);
    expect(notes).toEqual(['removed 2 NUL character(s)']);
    const words = 'Et afsnit med nok ord til at være en artikel, som Readability vil læse, og så en sætning mere.';
    const page = await readArticle(file('nul.html', `<html><body><article><h1>Tit\u0000el</h1><p>${words.replace('nok', 'n\u0000ok')}</p><p>${words}</p></article></body></html>`), 'html', { onNote: (n) => notes.push(n) });
    expect(JSON.stringify(page)).not.toContain('\\u0000');
    expect(page.blocks.map((b) => b.text)).toEqual(['Titel', words, words]);
    expect(notes.at(-1)).toBe('removed 2 NUL character(s)');
  });

  it('a BOM is left out; UTF-16 with a BOM is read', async () => {
    expect((await readArticle(file('bom.md', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('# Æbler\n\nTekst.\n')])), 'md')).title).toBe('Æbler');
    expect((await readArticle(file('u16.md', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('# Æbler\n\nTekst.\n', 'utf16le')])), 'md')).title).toBe('Æbler');
  });

  it('invalid UTF-8 names the byte offset; a PNG named .md is a PNG (exit 3)', async () => {
    const damaged = Buffer.concat([Buffer.from('# Overskrift\n\nHej med dig ø'), Buffer.from([0xe6]), Buffer.from(' ble\n')]);
    const p = file('damaged.md', damaged);
    expect(await failure(p, 'md')).toEqual({
      kind: 'input',
      message: `${p} is not valid UTF-8 (first bad byte at offset ${damaged.indexOf(0xe6)}); if it is Windows-1252 (or Latin-1), set the encoding option to cp1252`,
    });
    const png = file('png.md', PNG);
    expect(await failure(png, 'md')).toEqual({ kind: 'input', message: `${png} looks like a PNG image, not a text file` });
  });

  it('with nothing to translate (front matter, a rule, an image or link without text, code) it is an input error like an empty file (exit 3)', async () => {
    for (const [name, md] of [
      ['fm.md', '---\ntitle: x\n---\n'],
      ['fm-no-newline.md', '---\ntitle: x\n---'],
      ['hr.md', '***\n'],
      ['img.md', '![](a.png)\n'],
      ['link.md', '[]()\n'],
      ['code.md', '```js\nconst x = 1;\n```\n'],
    ] as const) {
      const p = file(name, md);
      expect(await failure(p, 'md'), name).toEqual({
        kind: 'input',
        message: `${p}: no text to translate (front matter, rules, images without alt text and code blocks are not translated)`,
      });
    }
    expect(await failure(file('empty.md', '\n \n'), 'md')).toMatchObject({ kind: 'input', message: expect.stringMatching(/empty\.md: empty/) });
    // Only invisible characters, as in a text file (was: translated as two paragraphs of a zero-width space and a word joiner).
    expect(await failure(file('invisible.md', '\u200b\n\n\u2060\n'), 'md')).toMatchObject({ kind: 'input', message: expect.stringMatching(/invisible\.md: empty \(nothing but white space or invisible characters\)/) });
    const hr = file('invisible-blocks.md', '***\n\n\u200b\n\n> \u00ad\n');
    expect(await failure(hr, 'md')).toMatchObject({ kind: 'input', message: `${hr}: no text to translate (front matter, rules, images without alt text and code blocks are not translated)` });
    // An image with alt text is something to translate.
    expect((await readArticle(file('alt.md', '![Et billede af havnen](a.png)\n'), 'md')).blocks).toEqual([{ type: 'paragraph', text: 'Et billede af havnen' }]);
  });
});

describe('a Markdown or HTML input larger than it may be', () => {
  it('is refused in one line that says the limit is for these formats (exit 3)', async () => {
    const big = file('big.md', `# Titel\n\n${'Et afsnit. '.repeat(20)}\n`);
    expect(await failure(big, 'md', { maxBytes: 100 })).toEqual({ kind: 'input', message: `${big}: larger than 100 bytes, the most a Markdown or HTML input may have (text inputs have no limit)` });
  });
});
