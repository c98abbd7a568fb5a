/**
 * `da2en serve`'s /v1/articles with a URL that answers plain text or Markdown (text/plain,
 * text/markdown), served by a loopback server: once refused (502, "not an HTML page") where the CLI
 * read the same URL, it is now read as the CLI reads it (src/io/read-article.ts readUrl): text/plain
 * as the text field is, text/markdown as Markdown, in the charset its Content-Type names (else
 * detected). Answers that are not text are still refused, and the fetch policy is unchanged. The
 * real engine: the echo builder model, which copies its input, so every translation is known exactly.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerEngine } from '../../src/server/engine.js';
import { encodeWindows1252 } from '../helpers/news-server.js';
import { echoEngine, listen, postJson, type JsonBody, type RunningServer } from '../helpers/test-server.js';

const TEXT = 'Færgerne sejler igen\n\nStormen er ovre, og færgerne til Bornholm sejler igen i dag.\n\nRederiet siger “undskyld” for ventetiden.\n';
const MARKDOWN = '# Færgerne sejler igen\n\nStormen er **ovre**.\n\n- Bornholm\n- Ærø\n';
const TEXT_PARAGRAPHS = ['Færgerne sejler igen', 'Stormen er ovre, og færgerne til Bornholm sejler igen i dag.', 'Rederiet siger “undskyld” for ventetiden.'];

const ROUTES: Record<string, [string, Buffer | string]> = {
  '/artikel.txt': ['text/plain; charset=utf-8', TEXT],
  '/arkiv.txt': ['text/plain; charset=ISO-8859-1', encodeWindows1252(TEXT)],
  '/uden-charset.txt': ['text/plain', encodeWindows1252(TEXT)],
  '/forkert-charset.txt': ['text/plain; charset=utf-8', encodeWindows1252(TEXT)],
  '/tom.txt': ['text/plain; charset=utf-8', ' \n\n\t\n'],
  '/noter.md': ['text/markdown; charset=utf-8', MARKDOWN],
  '/noter.markdown': ['text/x-markdown', MARKDOWN],
  '/kun-kode.md': ['text/markdown; charset=utf-8', '---\ntitle: x\n---\n\n```\nkode\n```\n'],
  '/data.json': ['application/json', '{"tekst":"Hej"}'],
};

describe('da2en serve: /v1/articles with a URL that answers text or Markdown', () => {
  let engine: ServerEngine;
  let site: http.Server;
  let base: string;
  const asked: string[] = [];
  let trusting: RunningServer; // --allow-private-fetch: may fetch the loopback site
  let guarded: RunningServer; // the default policy: public addresses only

  beforeAll(async () => {
    engine = await echoEngine();
    site = http.createServer((req, res) => {
      asked.push(req.url ?? '');
      if (req.url === '/flyttet') return void res.writeHead(302, { location: '/artikel.txt' }).end();
      const route = ROUTES[req.url ?? ''];
      if (!route) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
      res.writeHead(200, { 'content-type': route[0] }).end(route[1]);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    trusting = await listen(engine, { fetch: { enabled: true, allowPrivate: true } });
    guarded = await listen(engine, { fetch: { enabled: true, allowPrivate: false } });
  }, 180_000);

  afterAll(async () => {
    await Promise.all([trusting?.close(), guarded?.close(), new Promise<void>((resolve) => (site ? site.close(() => resolve()) : resolve()))]);
    await engine?.dispose();
  });

  const sources = (doc: JsonBody) => doc.paragraphs.map((p: { source: string }) => p.source);

  it('text/plain: read as the text field is, translated, with where it came from in the metadata', async () => {
    const url = `${base}/artikel.txt`;
    const r = await postJson(`${trusting.url}/v1/articles`, { url });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json.title.source).toBe('Færgerne sejler igen');
    expect(sources(r.json)).toEqual(TEXT_PARAGRAPHS);
    for (const p of r.json.paragraphs) expect(p.target).toBe(p.source); // the echo model
    // As the CLI's JSON for a text input: no inputFormat; and, as for a page, the URL and when.
    expect(r.json.metadata).toMatchObject({ url });
    expect(r.json.metadata.inputFormat).toBeUndefined();
    expect(Date.parse(r.json.metadata.fetchedAt)).toBeGreaterThan(Date.now() - 600_000);
    // The same text sent in the text field gives the same paragraphs.
    expect(sources((await postJson(`${trusting.url}/v1/articles`, { text: TEXT })).json)).toEqual(TEXT_PARAGRAPHS);
  });

  it('text/plain in the charset its Content-Type names (ISO-8859-1 read as Windows-1252), else detected; a redirect is followed', async () => {
    for (const route of ['/arkiv.txt', '/uden-charset.txt']) {
      const r = await postJson(`${trusting.url}/v1/articles`, { url: `${base}${route}` });
      expect(r.status, `${route}: ${JSON.stringify(r.json)}`).toBe(200);
      expect(sources(r.json), route).toEqual(TEXT_PARAGRAPHS);
    }
    const moved = await postJson(`${trusting.url}/v1/articles`, { url: `${base}/flyttet` });
    expect(moved.status, JSON.stringify(moved.json)).toBe(200);
    expect(moved.json.metadata).toMatchObject({ url: `${base}/flyttet`, finalUrl: `${base}/artikel.txt` });
  });

  it('text/markdown (and text/x-markdown): read as Markdown, its structure kept', async () => {
    for (const route of ['/noter.md', '/noter.markdown']) {
      const url = `${base}${route}`;
      const r = await postJson(`${trusting.url}/v1/articles`, { url });
      expect(r.status, `${route}: ${JSON.stringify(r.json)}`).toBe(200);
      expect(r.json.metadata).toMatchObject({ inputFormat: 'md', url });
      expect(r.json.paragraphs.map((p: { kind: string; source: string }) => [p.kind, p.source])).toEqual([
        ['heading', 'Færgerne sejler igen'],
        ['text', 'Stormen er ovre.'],
        ['list-item', 'Bornholm'],
        ['list-item', 'Ærø'],
      ]);
    }
  });

  it('streamed as the reading page asks for it (NDJSON, with files): start, the paragraphs in order, done', async () => {
    const response = await fetch(`${trusting.url}/v1/articles`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/x-ndjson' },
      body: JSON.stringify({ url: `${base}/artikel.txt`, render: ['html', 'md'] }),
    });
    expect(response.status).toBe(200);
    const events = (await response.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({ event: 'start', paragraphs: 3, metadata: { url: `${base}/artikel.txt` } });
    expect(events.filter((e) => e.event === 'paragraph').map((e) => e.paragraph.source)).toEqual(TEXT_PARAGRAPHS);
    expect(events.at(-1)).toMatchObject({ event: 'done', files: { html: expect.stringContaining('Bornholm'), md: expect.stringContaining('Bornholm') } });
  });

  it('still refused: an answer that is not text (502), text with nothing to translate (422), text that is not in its charset (400), one line each', async () => {
    const cases: [string, number, string][] = [
      // Not "… save the text and pass the file instead", the CLI's way out.
      ['/data.json', 502, `${base}/data.json: the server sent application/json, which is not a web page, plain text or Markdown; send the article's text in the "text" field`],
      ['/tom.txt', 422, `${base}/tom.txt: the server sent no text (nothing but white space or invisible characters); nothing to translate`],
      ['/kun-kode.md', 422, `${base}/kun-kode.md: no text to translate (front matter, rules, images without alt text and code blocks are not translated)`],
      // Not "… pass --encoding cp1252", an option an HTTP client does not have.
      ['/forkert-charset.txt', 400, `${base}/forkert-charset.txt is not valid UTF-8 (first bad byte at offset 1); if it is Windows-1252 (or Latin-1), set the "encoding" field to cp1252, or send its text, decoded, in the "text" field`],
    ];
    for (const [route, status, error] of cases) {
      const r = await postJson(`${trusting.url}/v1/articles`, { url: `${base}${route}` });
      expect([r.status, r.json], route).toEqual([status, { error }]);
    }
  });

  it('the default policy still never fetches a private address: 403, and the site is not asked', async () => {
    const before = asked.length;
    for (const route of ['/artikel.txt', '/noter.md']) {
      const r = await postJson(`${guarded.url}/v1/articles`, { url: `${base}${route}` });
      expect(r.status, `${route}: ${JSON.stringify(r.json)}`).toBe(403);
    }
    expect(asked.length).toBe(before);
  });
});
