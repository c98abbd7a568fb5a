/**
 * `da2en serve`'s /v1/articles: how its input is read, and what reading it found. `input_format`
 * chooses as the CLI's --input-format does (auto, text, html, md), passed to the library's readUrl
 * for a URL (here a loopback site); decoding and reading notices (Windows-1252 detected, NULs
 * removed) reach the client; and refusals are worded for an HTTP client from the library errors'
 * data, not with the CLI's advice. The real engine: the echo builder model, which copies its input.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CP1252_NOTICE } from '../../src/io/decode-text.js';
import { MAX_MARKDOWN_BLOCKS } from '../../src/input/markdown/block-count.js';
import { MAX_MARKDOWN_DEPTH } from '../../src/input/markdown/nesting-depth.js';
import type { ServerEngine } from '../../src/server/engine.js';
import { encodeWindows1252, page } from '../helpers/news-server.js';
import { echoEngine, listen, postJson, type JsonBody, type RunningServer } from '../helpers/test-server.js';

const TEXT = 'Færgerne sejler igen\n\nStormen er ovre, og færgerne til Bornholm sejler igen i dag.\n';
const MARKDOWN = '# Færgerne sejler igen\n\nStormen er **ovre**.\n\n- Bornholm\n- Ærø\n';
const MARKDOWN_PARAGRAPHS = [
  ['heading', 'Færgerne sejler igen'],
  ['text', 'Stormen er ovre.'],
  ['list-item', 'Bornholm'],
  ['list-item', 'Ærø'],
];

/** The Windows-1252 notice as an API client reads it: its advice names the request's encoding field, not an option. */
const API_CP1252_NOTICE = 'not valid UTF-8: read as Windows-1252 (choose another with the "encoding" field)';

const ROUTES: Record<string, [string, Buffer | string]> = {
  '/artikel.txt': ['text/plain; charset=utf-8', MARKDOWN],
  '/noter.md': ['text/markdown; charset=utf-8', MARKDOWN],
  '/forside': ['text/html; charset=utf-8', page('front-page.html')],
  '/side': ['text/html; charset=utf-8', page('dr-like.html')],
  '/data.json': ['application/json', '{"tekst":"Hej"}'],
  '/uden-charset.txt': ['text/plain', encodeWindows1252(TEXT)],
  '/uden-charset.html': ['text/html', encodeWindows1252(page('dr-like.html').replace(/<meta charset[^>]*>/i, ''))],
  '/nul.txt': ['text/plain; charset=utf-8', 'Stormen er ovre.\u0000\n'],
  '/skadet.html': ['text/html; charset=utf-8', encodeWindows1252(page('dr-like.html'))],
};

describe('da2en serve: /v1/articles input_format, notices and errors worded for HTTP', () => {
  let engine: ServerEngine;
  let site: http.Server;
  let base: string;
  let server: RunningServer;

  beforeAll(async () => {
    engine = await echoEngine();
    site = http.createServer((req, res) => {
      const route = ROUTES[req.url ?? ''];
      if (!route) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
      res.writeHead(200, { 'content-type': route[0] }).end(route[1]);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    server = await listen(engine, { fetch: { enabled: true, allowPrivate: true } });
  }, 180_000);

  afterAll(async () => {
    await Promise.all([server?.close(), new Promise<void>((resolve) => (site ? site.close(() => resolve()) : resolve()))]);
    await engine?.dispose();
  });

  const articles = (body: unknown) => postJson(`${server.url}/v1/articles`, body);
  const kindsAndSources = (doc: JsonBody) => doc.paragraphs.map((p: { kind: string; source: string }) => [p.kind, p.source]);

  it('input_format chooses how a URL answer is read: text/plain as Markdown (md), Markdown as text (text), a page whole (text)', async () => {
    const asMarkdown = await articles({ url: `${base}/artikel.txt`, input_format: 'md' });
    expect(asMarkdown.status, JSON.stringify(asMarkdown.json)).toBe(200);
    expect(asMarkdown.json.metadata).toMatchObject({ inputFormat: 'md', url: `${base}/artikel.txt` });
    expect(kindsAndSources(asMarkdown.json)).toEqual(MARKDOWN_PARAGRAPHS);
    // auto: the same answer is plain text, its markers kept as they stand.
    const auto = await articles({ url: `${base}/artikel.txt`, input_format: 'auto' });
    expect(auto.json.metadata.inputFormat).toBeUndefined();
    expect(auto.json.paragraphs.map((p: { source: string }) => p.source)).toContain('# Færgerne sejler igen');

    const asText = await articles({ url: `${base}/noter.md`, input_format: 'text' });
    expect(asText.status, JSON.stringify(asText.json)).toBe(200);
    expect(asText.json.metadata.inputFormat).toBeUndefined();
    expect(asText.json.paragraphs.map((p: { source: string }) => p.source).join('\n')).toContain('**ovre**');

    // A front page has no article (422 without input_format); with text, all of its visible text.
    expect((await articles({ url: `${base}/forside` })).status).toBe(422);
    const whole = await articles({ url: `${base}/forside`, input_format: 'text' });
    expect(whole.status, JSON.stringify(whole.json)).toBe(200);
    expect(whole.json.metadata).toMatchObject({ inputFormat: 'url', url: `${base}/forside` });
    expect(whole.json.paragraphs.length).toBeGreaterThan(1);
  });

  it('input_format for the text and html fields: Markdown text parsed as Markdown, a page whole; what does not fit the field is a 400', async () => {
    const md = await articles({ text: MARKDOWN, input_format: 'md' });
    expect(md.status, JSON.stringify(md.json)).toBe(200);
    expect(md.json.metadata.inputFormat).toBe('md');
    expect(kindsAndSources(md.json)).toEqual(MARKDOWN_PARAGRAPHS);
    const onlyCode = await articles({ text: '```\nkode\n```\n', input_format: 'md' });
    expect([onlyCode.status, onlyCode.json.error]).toEqual([422, 'the text field: no text to translate (front matter, rules, images without alt text and code blocks are not translated)']);

    expect((await articles({ html: page('front-page.html') })).status).toBe(422);
    const whole = await articles({ html: page('front-page.html'), input_format: 'text' });
    expect(whole.status, JSON.stringify(whole.json)).toBe(200);
    expect(whole.json.metadata.inputFormat).toBe('html');

    const cases: [unknown, string][] = [
      [{ text: 'Hej', input_format: 'markdown' }, 'Invalid request: body.input_format must be equal to one of the allowed values: auto, text, html, md'],
      [{ url: `${base}/side`, input_format: 'url' }, 'Invalid request: body.input_format must be equal to one of the allowed values: auto, text, html, md'],
      [{ html: page('dr-like.html'), input_format: 'md' }, 'Invalid request: the html field is read as a web page, not as Markdown; send Markdown in the "text" field with "input_format": "md"'],
      [{ text: '<p>Hej</p>', input_format: 'html' }, 'Invalid request: "input_format": "html" reads a web page; send the page in the "html" field instead of "text"'],
    ];
    for (const [body, error] of cases) {
      const r = await articles(body);
      expect([r.status, r.json], JSON.stringify(body)).toEqual([400, { error }]);
    }
  });

  it('notices from reading reach the client: the JSON answer, the stream (start and done), the X-Da2en-Notices header', async () => {
    const text = await articles({ url: `${base}/uden-charset.txt` });
    expect(text.status, JSON.stringify(text.json)).toBe(200);
    expect(text.json.notices).toEqual([API_CP1252_NOTICE]);
    expect(JSON.parse(text.headers.get('x-da2en-notices')!)).toEqual([API_CP1252_NOTICE]);
    expect(text.json.paragraphs[1].source).toBe('Stormen er ovre, og færgerne til Bornholm sejler igen i dag.');

    const pageAnswer = await articles({ url: `${base}/uden-charset.html` });
    expect(pageAnswer.status, JSON.stringify(pageAnswer.json)).toBe(200);
    expect(pageAnswer.json.notices).toEqual([API_CP1252_NOTICE]);

    // A page that declares UTF-8 and is not: read as a browser shows it, with U+FFFD for its bad bytes (lossy), and said.
    const lossy = await articles({ url: `${base}/skadet.html` });
    expect(lossy.status, JSON.stringify(lossy.json)).toBe(200);
    expect(lossy.json.notices).toEqual([expect.stringMatching(/^declares UTF-8 but is not valid UTF-8 \(first bad byte at offset \d+\): bad bytes read as U\+FFFD/)]);

    const nul = await articles({ url: `${base}/nul.txt` });
    expect(nul.json.notices).toEqual(['removed 1 NUL character(s)']);
    expect((await articles({ text: 'Stormen\u0000 er ovre.' })).json.notices).toEqual(['removed 1 NUL character(s)']);

    // Nothing found: no notices field, no header (the answer is the CLI's JSON as it was).
    const clean = await articles({ url: `${base}/noter.md` });
    expect(clean.json).not.toHaveProperty('notices');
    expect(clean.headers.get('x-da2en-notices')).toBeNull();

    const streamed = await fetch(`${server.url}/v1/articles`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/x-ndjson' },
      body: JSON.stringify({ url: `${base}/uden-charset.txt` }),
    });
    const events = (await streamed.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({ event: 'start', notices: [API_CP1252_NOTICE] });
    expect(events.at(-1)).toMatchObject({ event: 'done', notices: [API_CP1252_NOTICE] });

    // A rendered file is the file as it is: the notices come in the header.
    const file = await fetch(`${server.url}/v1/articles?format=md`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: `${base}/uden-charset.txt` }) });
    expect(file.status).toBe(200);
    expect(JSON.parse(file.headers.get('x-da2en-notices')!)).toEqual([API_CP1252_NOTICE]);
    expect(await file.text()).not.toContain('Windows-1252');
  });

  it('refusals are worded for an HTTP client (no CLI options), with the statuses they had', async () => {
    const cases: [unknown, number, string][] = [
      [{ url: `${base}/data.json` }, 502, `${base}/data.json: the server sent application/json, which is not a web page, plain text or Markdown; send the article's text in the "text" field`],
      [
        { url: `${base}/artikel.txt`, input_format: 'html' },
        502,
        `${base}/artikel.txt: the server sent text/plain, not the HTML page "input_format": "html" asks for; leave input_format out to read a plain-text or Markdown answer as such`,
      ],
      [{ url: `${base}/side`, input_format: 'md' }, 400, `${base}/side: the server sent an HTML page, which is read as a web page, not as Markdown; leave out "input_format": "md"`],
      [{ url: `${base}/forside` }, 422, `${base}/forside: no article text found in the page; to translate all of its text, set "input_format": "text"`],
    ];
    for (const [body, status, error] of cases) {
      const r = await articles(body);
      expect([r.status, r.json], JSON.stringify(body)).toEqual([status, { error }]);
    }
  });

  it('the Windows-1252 notice names the encoding field, and that field reads a URL answer as the CLI\'s --encoding does', async () => {
    const detected = await articles({ url: `${base}/uden-charset.txt` });
    expect(detected.json.notices).toEqual([API_CP1252_NOTICE]);
    expect(detected.json.notices[0]).not.toBe(CP1252_NOTICE);

    // As the notice advises: named, nothing is detected and nothing said.
    const named = await articles({ url: `${base}/uden-charset.txt`, encoding: 'cp1252' });
    expect(named.status, JSON.stringify(named.json)).toBe(200);
    expect(named.json).not.toHaveProperty('notices');
    expect(named.headers.get('x-da2en-notices')).toBeNull();
    expect(named.json.paragraphs[1].source).toBe('Stormen er ovre, og færgerne til Bornholm sejler igen i dag.');
    const namedPage = await articles({ url: `${base}/uden-charset.html`, encoding: 'latin1' });
    expect(namedPage.status, JSON.stringify(namedPage.json)).toBe(200);
    expect(namedPage.json).not.toHaveProperty('notices');

    // UTF-8 asked of Windows-1252 bytes: refused, with the field that reads them.
    const strict = await articles({ url: `${base}/uden-charset.txt`, encoding: 'utf8' });
    expect([strict.status, strict.json.error]).toEqual([
      400,
      `${base}/uden-charset.txt is not valid UTF-8 (first bad byte at offset 1); if it is Windows-1252 (or Latin-1), set the "encoding" field to cp1252, or send its text, decoded, in the "text" field`,
    ]);

    const cases: [unknown, string][] = [
      [{ url: `${base}/uden-charset.txt`, encoding: 'ascii' }, 'Invalid request: body.encoding must be equal to one of the allowed values: auto, utf8, cp1252, windows-1252, latin1, utf16le, utf16be'],
      [{ text: TEXT, encoding: 'cp1252' }, 'Invalid request: "encoding" reads the bytes of a URL\'s answer; the text and html fields are already text, so leave it out'],
      [{ html: page('dr-like.html'), encoding: 'utf8' }, 'Invalid request: "encoding" reads the bytes of a URL\'s answer; the text and html fields are already text, so leave it out'],
    ];
    for (const [body, error] of cases) {
      const r = await articles(body);
      expect([r.status, r.json], JSON.stringify(body).slice(0, 80)).toEqual([400, { error }]);
    }
    // The default may be said for any field.
    expect((await articles({ text: TEXT, encoding: 'auto' })).status).toBe(200);
  });

  it('refusals that name a setting name the request field: Markdown with too many blocks, nested too deep', async () => {
    const manyBlocks = Array.from({ length: MAX_MARKDOWN_BLOCKS + 1 }, (_, i) => `> Citat ${i}`).join('\n\n');
    const deep = `${'> '.repeat(MAX_MARKDOWN_DEPTH + 1)}Dybt citat.\n`;
    for (const text of [manyBlocks, deep]) {
      const r = await articles({ text, input_format: 'md' });
      expect(r.status, JSON.stringify(r.json)).toBe(400);
      expect(r.json.error).toMatch(/^the text field: .*; to translate all of its text, set "input_format": "text"$/);
    }
  });
});
