/**
 * /v1/articles with web input: an article's HTML in the request, or a URL the server fetches
 * (from a loopback news server, tests/helpers/news-server.ts) under its fetch policy — off with
 * --no-fetch, and never to a private address unless --allow-private-fetch. The real engine: the
 * echo builder model, which copies its input, so every translation is known exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerEngine } from '../../src/server/engine.js';
import { page, startNewsServer, type NewsServer } from '../helpers/news-server.js';
import { echoEngine, listen, postJson, type JsonBody, type RunningServer } from '../helpers/test-server.js';

describe('da2en serve: /v1/articles with HTML and URL input', () => {
  let engine: ServerEngine;
  let news: NewsServer;
  let trusting: RunningServer; // --allow-private-fetch: may fetch the loopback news server
  let guarded: RunningServer; // the default policy: public addresses only
  let noFetch: RunningServer; // --no-fetch

  beforeAll(async () => {
    engine = await echoEngine();
    news = await startNewsServer();
    trusting = await listen(engine, { fetch: { enabled: true, allowPrivate: true }, charLimit: 50_000 });
    guarded = await listen(engine, { fetch: { enabled: true, allowPrivate: false } });
    noFetch = await listen(engine, { fetch: { enabled: false, allowPrivate: false } });
  }, 180_000);

  afterAll(async () => {
    await Promise.all([trusting?.close(), guarded?.close(), noFetch?.close(), news?.close()]);
    await engine?.dispose();
  });

  const kinds = (doc: JsonBody) => doc.paragraphs.map((p: { kind: string }) => p.kind);

  it('html: the article is extracted, one paragraph per block with its structure, translated in order', async () => {
    const r = await postJson(`${trusting.url}/v1/articles`, { html: page('dr-like.html') });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const doc = r.json;
    expect(doc.title.source).toBe('Storm lukker færgeruter til Bornholm');
    expect(doc.metadata.inputFormat).toBe('html');
    expect(kinds(doc)).toContain('heading');
    const heading = doc.paragraphs.find((p: { source: string }) => p.source === 'Sådan bliver du berørt');
    expect(heading).toMatchObject({ kind: 'heading', structured: true, level: 2 });
    // The page's navigation and comments are not the article.
    expect(doc.paragraphs.some((p: { source: string }) => /Kommentarer/.test(p.source))).toBe(false);
    for (const p of doc.paragraphs) {
      expect(p.target).toBe(p.source); // the echo model: every paragraph came back, paired with itself
    }
    expect(doc.paragraphs.map((p: { index: number }) => p.index)).toEqual([...doc.paragraphs.keys()]);
  });

  it('html rendered (?format=html): headings as headings, no script from the page', async () => {
    const r = await fetch(`${trusting.url}/v1/articles?format=html`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ html: page('dr-like.html').replace('</h1>', '</h1><script>alert(1)</script><img src=x onerror="alert(2)">') }),
    });
    expect(r.status).toBe(200);
    const html = await r.text();
    expect(html).toMatch(/<h2 class="text" dir="auto">(?:<span[^>]*>)?Sådan bliver du berørt/);
    expect(html).not.toMatch(/alert\(/);
  });

  it('url: fetched, extracted and translated, with where it came from in the metadata', async () => {
    const url = `${news.url}/nyheder/storm`;
    const r = await postJson(`${trusting.url}/v1/articles`, { url });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json.metadata).toMatchObject({ inputFormat: 'url', url });
    expect(r.json.metadata.fetchedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(r.json.title.source).toBe('Storm lukker færgeruter til Bornholm');
    expect(kinds(r.json)).toContain('heading');
  });

  it('url with credentials: the answer and its error lines name it with the password hidden', async () => {
    const at = (route: string, password = 'hemmelig-kode') => `${news.url.replace('://', `://ana:${password}@`)}${route}`;
    const r = await postJson(`${trusting.url}/v1/articles?format=json`, { url: at('/nyheder/storm') });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json.metadata).toMatchObject({ url: at('/nyheder/storm', '***') });
    const html = await fetch(`${trusting.url}/v1/articles?format=html`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: at('/nyheder/storm') }) });
    for (const body of [JSON.stringify(r.json), await html.text()]) expect(body).not.toContain('hemmelig-kode');
    for (const route of ['/findes-ikke', '/forside', '/skadet-utf8']) {
      const failed = await postJson(`${trusting.url}/v1/articles`, { url: at(route) });
      expect(failed.json.error, route).toContain(`${at(route, '***')}: `);
      expect(failed.json.error, route).not.toContain('hemmelig-kode');
    }
  });

  it('url streamed as NDJSON: start, the paragraphs in order, done', async () => {
    const r = await fetch(`${trusting.url}/v1/articles`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/x-ndjson' },
      body: JSON.stringify({ url: `${news.url}/nyheder/storm` }),
    });
    const events = (await r.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({ event: 'start', metadata: { inputFormat: 'url' } });
    const indexes = events.filter((e) => e.event === 'paragraph').map((e) => e.paragraph.index);
    expect(indexes).toEqual([...Array(events[0].paragraphs).keys()]);
    expect(events.at(-1).event).toBe('done');
  });

  it('the default policy never fetches a private address: 403, and the news server is not asked', async () => {
    const before = news.paths.length;
    for (const url of [`${news.url}/nyheder/storm`, 'http://localhost:9/', 'http://[::1]:9/', 'http://169.254.169.254/latest/meta-data/']) {
      const r = await postJson(`${guarded.url}/v1/articles`, { url });
      expect(r.status, `${url}: ${JSON.stringify(r.json)}`).toBe(403);
      expect(r.json.error).toMatch(/address|private/i);
    }
    expect(news.paths.length).toBe(before);
  });

  it('--no-fetch: URL input refused (403); HTML and text still work', async () => {
    const r = await postJson(`${noFetch.url}/v1/articles`, { url: `${news.url}/nyheder/storm` });
    expect(r).toMatchObject({ status: 403, json: { error: expect.stringMatching(/--no-fetch/) } });
    expect((await postJson(`${noFetch.url}/v1/articles`, { html: page('dr-like.html') })).status).toBe(200);
  });

  it('fetch failures and pages without an article: one line in the {"error"} shape, a status per cause', async () => {
    const cases: [string, number, RegExp][] = [
      ['ftp://example.com/x', 400, /http or https/],
      ['not a url', 400, /not a valid URL/],
      [`${news.url}/findes-ikke`, 502, /404|not found/i],
      [`${news.url}/fejl`, 502, /503|server/i],
      [`${news.url}/forside`, 422, /no article text/],
      [`${news.url}/loop-a`, 502, /redirect/i],
      // Was: "… pass --encoding cp1252", an option an HTTP client does not have; then "… send the page's
      // text in the html field", which the reading page, where the same line is shown, cannot do.
      [`${news.url}/skadet-utf8`, 400, /not valid UTF-8 and no charset declared \(first bad byte at offset 21\); if it is Windows-1252 \(or Latin-1\), set the "encoding" field to cp1252 \(on the reading page: the encoding choice\), or send its text decoded: the article in the "text" field \(on the reading page: paste it\) or the page in the "html" field$/],
    ];
    for (const [url, status, message] of cases) {
      const r = await postJson(`${trusting.url}/v1/articles`, { url });
      expect(r.status, `${url}: ${JSON.stringify(r.json)}`).toBe(status);
      expect(Object.keys(r.json)).toEqual(['error']);
      expect(r.json.error).toMatch(message);
      expect(r.json.error).not.toMatch(/\n|--input-format|--encoding/);
    }
  });

  it('html with no article in it: 422; an article over the character limit: 413', async () => {
    expect((await postJson(`${trusting.url}/v1/articles`, { html: page('front-page.html') })).status).toBe(422);
    // Markup-less text and an empty string give the HTML parser no document at all: no article either, not a 500.
    for (const html of ['hej', 'Hej med dig. Det er en god dag.', '']) {
      const none = await postJson(`${trusting.url}/v1/articles`, { html });
      expect([none.status, none.json.error], JSON.stringify(html)).toEqual([422, expect.stringMatching(/^the html field: no article text found in the page/)]);
    }
    const long = `<html><body><article><h1>Lang</h1>${'<p>Et meget langt afsnit om vejret i Danmark i dag og i morgen.</p>'.repeat(1200)}</article></body></html>`;
    const r = await postJson(`${trusting.url}/v1/articles`, { html: long });
    expect(r.status).toBe(413);
  });
});
