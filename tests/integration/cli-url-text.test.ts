/**
 * A URL that answers with plain text or Markdown (text/plain, text/markdown), served by a loopback
 * server: once refused as "not an HTML page" (exit 25) even with --input-format text, it is now read
 * as a text file or a Markdown file is, in the charset its Content-Type names (else detected as a
 * text file's is). A web page asked for as Markdown, and answers that are not text, are still refused.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BilingualJson } from '../../src/rendering/json.js';
import { builtModel } from '../../tools/builder-models.js';
import { encodeWindows1252 } from '../helpers/news-server.js';
import { runCli } from '../helpers/run-cli.js';

const TEXT = 'Færgerne sejler igen\n\nStormen er ovre, og færgerne til Bornholm sejler igen i dag.\n\nRederiet siger “undskyld” for ventetiden.\n';
const MARKDOWN = '# Færgerne sejler igen\n\nStormen er **ovre**.\n\n- Bornholm\n- Ærø\n';

const ROUTES: Record<string, [string, Buffer | string]> = {
  '/artikel.txt': ['text/plain; charset=utf-8', TEXT],
  '/arkiv.txt': ['text/plain; charset=ISO-8859-1', encodeWindows1252(TEXT)],
  '/uden-charset.txt': ['text/plain', encodeWindows1252(TEXT)],
  '/noter.md': ['text/markdown; charset=utf-8', MARKDOWN],
  '/noter-som-tekst.txt': ['text/plain; charset=utf-8', MARKDOWN],
  '/side': ['text/html; charset=utf-8', '<!doctype html><html><body><p>Hej</p></body></html>'],
  '/data.json': ['application/json', '{"tekst":"Hej"}'],
};

let model: string;
let dir: string;
let server: http.Server;
let base: string;

beforeAll(async () => {
  model = await builtModel('tiny');
  dir = mkdtempSync(path.join(os.tmpdir(), 'da2en-url-text-'));
  server = http.createServer((req, res) => {
    const route = ROUTES[req.url ?? ''];
    if (!route) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
    res.writeHead(200, { 'content-type': route[0] }).end(route[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** With --quiet, unless `loud`: stderr then holds errors alone. */
async function translate(url: string, extra: string[] = [], loud = false) {
  const out = mkdtempSync(path.join(dir, 'out-'));
  const r = await runCli([url, '--model', model, '--offline', '--no-cache', '--format', 'json', '--out-dir', out, ...(loud ? [] : ['--quiet']), ...extra]);
  const files = readdirSync(out);
  const json = files.length === 1 ? (JSON.parse(readFileSync(path.join(out, files[0]!), 'utf8')) as BilingualJson) : undefined;
  return { ...r, files, json };
}

const TEXT_PARAGRAPHS = ['Færgerne sejler igen', 'Stormen er ovre, og færgerne til Bornholm sejler igen i dag.', 'Rederiet siger “undskyld” for ventetiden.'];

describe('a text/plain URL', () => {
  it('is read as a text file is with --input-format text, and without it (auto)', async () => {
    for (const extra of [['--input-format', 'text'], []]) {
      const r = await translate(`${base}/artikel.txt`, extra);
      expect([r.code, r.stderr], extra.join(' ')).toEqual([0, '']);
      expect(r.files).toEqual(['artikel.txt.da-en.json']);
      // As a text file's: the URL is its source, and no inputFormat.
      expect(r.json!.metadata).toMatchObject({ source: `${base}/artikel.txt` });
      expect(r.json!.metadata.inputFormat).toBeUndefined();
      expect(r.json!.title.source).toBe('Færgerne sejler igen');
      expect(r.json!.paragraphs.map((p) => p.source)).toEqual(TEXT_PARAGRAPHS);
    }
  });

  it('in the charset its Content-Type names (ISO-8859-1 read as Windows-1252), else detected with a notice as a text file is', async () => {
    const declared = await translate(`${base}/arkiv.txt`, ['--input-format', 'text']);
    expect([declared.code, declared.stderr]).toEqual([0, '']);
    expect(declared.json!.paragraphs.map((p) => p.source)).toEqual(TEXT_PARAGRAPHS);
    const detected = await translate(`${base}/uden-charset.txt`, ['--input-format', 'text'], true);
    expect(detected.code, detected.stderr).toBe(0);
    expect(detected.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('wrote '))).toEqual([`${base}/uden-charset.txt: not valid UTF-8: read as Windows-1252 (pass --encoding to choose another)`]);
    expect(detected.json!.paragraphs.map((p) => p.source)).toEqual(TEXT_PARAGRAPHS);
  });

  it('is read as Markdown with --input-format md', async () => {
    const r = await translate(`${base}/noter-som-tekst.txt`, ['--input-format', 'md']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.json!.metadata).toMatchObject({ inputFormat: 'md', url: `${base}/noter-som-tekst.txt` });
    expect(r.json!.paragraphs.map((p) => [p.kind, p.source])).toEqual([['heading', 'Færgerne sejler igen'], ['text', 'Stormen er ovre.'], ['list-item', 'Bornholm'], ['list-item', 'Ærø']]);
  });

  it('is still refused as a web page (--input-format html): exit 25', async () => {
    const r = await translate(`${base}/artikel.txt`, ['--input-format', 'html']);
    expect([r.code, r.stderr.trim()]).toEqual([25, `da2en: ${base}/artikel.txt: the server sent text/plain, not an HTML page; save the text and pass the file instead`]);
  });
});

describe('a text/markdown URL', () => {
  it('is read as Markdown (auto), its provenance kept; --input-format text reads it as text', async () => {
    const md = await translate(`${base}/noter.md`);
    expect([md.code, md.stderr]).toEqual([0, '']);
    expect(md.json!.metadata).toMatchObject({ source: `${base}/noter.md`, inputFormat: 'md', url: `${base}/noter.md` });
    expect(Date.parse(md.json!.metadata.fetchedAt!)).toBeGreaterThan(Date.now() - 600_000);
    expect(md.json!.paragraphs.map((p) => p.kind)).toEqual(['heading', 'text', 'list-item', 'list-item']);
    const text = await translate(`${base}/noter.md`, ['--input-format', 'text']);
    expect([text.code, text.stderr]).toEqual([0, '']);
    expect(text.json!.metadata.inputFormat).toBeUndefined();
    expect(text.json!.paragraphs.map((p) => p.source)).toEqual(['# Færgerne sejler igen', 'Stormen er **ovre**.', '- Bornholm\n- Ærø']);
  });
});

describe('still refused', () => {
  it('a web page as Markdown (exit 2), an answer that is not text even with --input-format text (exit 25)', async () => {
    const page = await translate(`${base}/side`, ['--input-format', 'md']);
    expect([page.code, page.stderr.trim()]).toEqual([2, `da2en: ${base}/side: the server sent an HTML page, which is read as a web page, not as Markdown; leave out --input-format md`]);
    const json = await translate(`${base}/data.json`, ['--input-format', 'text']);
    expect(json.code).toBe(25);
    expect(json.stderr).toMatch(/sent application\/json, not an HTML page/);
    expect(json.files).toEqual([]);
  });
});
