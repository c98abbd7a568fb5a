/**
 * Contract tests of `da2en serve`'s HTTP API against a server on a loopback port, with the real
 * engine (the echo builder model in a worker thread: it copies its input, so every expected
 * translation is known exactly). LibreTranslate's side is checked with a LibreTranslate client from
 * npm (`libretranslate`) and with raw HTTP in both body encodings LibreTranslate accepts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { translate as libreTranslate } from 'libretranslate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTranslationMemory, type TranslationMemoryStore } from '../../src/cache/index.js';
import { ALIGN_SCRIPT_HASH } from '../../src/rendering/index.js';
import type { ServerEngine } from '../../src/server/engine.js';
import { echoEngine, listen, postForm, postJson, type JsonBody, type RunningServer } from '../helpers/test-server.js';

const ARTICLE = 'Færgen sejler igen\n\nFærgen til Ærø sejler igen efter stormen. Det oplyser rederiet.\n\n- Vi er glade, siger direktøren.';

describe('da2en serve: API contract', () => {
  let engine: ServerEngine;
  let open: RunningServer;
  let keyed: RunningServer;
  let corsServer: RunningServer;
  let memory: TranslationMemoryStore;
  let cacheDir = '';

  beforeAll(async () => {
    engine = await echoEngine();
    cacheDir = mkdtempSync(join(tmpdir(), 'da2en-serve-api-'));
    memory = openTranslationMemory(cacheDir);
    open = await listen(engine, { memory, charLimit: 2000 });
    keyed = await listen(engine, { apiKeys: new Set(['k-123']) });
    corsServer = await listen(engine, { corsOrigin: 'https://reader.example' });
  });

  afterAll(async () => {
    await Promise.all([open?.close(), keyed?.close(), corsServer?.close()]);
    await engine?.dispose();
    await memory?.close();
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  });

  describe('with the libretranslate npm client', () => {
    it('translates through /languages and /translate', async () => {
      const text = await libreTranslate({ query: 'Det regner i dag.', source: 'da', target: 'en', apiurl: open.url });
      expect(text).toBe('Det regner i dag.');
    });

    it('source auto', async () => {
      const text = await libreTranslate({ query: 'Hvorfor? Ja.', source: 'auto', target: 'en', apiurl: open.url });
      expect(text).toBe('Hvorfor? Ja.');
    });

    it('an unsupported target is refused by the client from our /languages', async () => {
      await expect(libreTranslate({ query: 'Hej', source: 'da', target: 'xx', apiurl: open.url })).rejects.toThrow(/not found/);
    });
  });

  describe('LibreTranslate endpoints, raw HTTP', () => {
    it('GET /languages: [{code, name, targets}]', async () => {
      const r = await fetch(`${open.url}/languages`);
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual([
        { code: 'da', name: 'Danish', targets: ['en'] },
        { code: 'en', name: 'English', targets: [] },
      ]);
    });

    it('POST /translate, JSON body: paragraphs and line breaks kept', async () => {
      const r = await postJson(`${open.url}/translate`, { q: ARTICLE, source: 'da', target: 'en' });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ translatedText: ARTICLE });
    });

    it('POST /translate, form body (and CRLF normalised as LibreTranslate does)', async () => {
      const r = await postForm(`${open.url}/translate`, { q: 'Det regner i dag.\r\nHvorfor?', source: 'da', target: 'en', format: 'text' });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ translatedText: 'Det regner i dag.\nHvorfor?' });
    });

    it('q as an array gives an array, in order; auto adds detectedLanguage per text', async () => {
      const q = ['Ja.', 'Kommunen bygger en ny skole til næsten fire hundrede elever.', 'Hvorfor?'];
      const r = await postJson(`${open.url}/translate`, { q, source: 'auto', target: 'en' });
      expect(r.status).toBe(200);
      expect(r.json.translatedText).toEqual(q);
      expect(r.json.detectedLanguage).toHaveLength(3);
      for (const d of r.json.detectedLanguage) expect(d).toEqual({ language: 'da', confidence: expect.any(Number) });
      expect(r.json.detectedLanguage[1].confidence).toBeGreaterThan(50);
    });

    it('a leading "date YYYY-MM" is text to translate, not an article\'s date marker (text, array and html)', async () => {
      const q = 'date 2024-05 Mødet er i morgen.';
      expect((await postJson(`${open.url}/translate`, { q, source: 'da', target: 'en' })).json).toEqual({ translatedText: q });
      expect((await postJson(`${open.url}/translate`, { q: [q, 'To.'], source: 'da', target: 'en' })).json).toEqual({ translatedText: [q, 'To.'] });
      const html = `<p>${q}</p>`;
      expect((await postJson(`${open.url}/translate`, { q: html, source: 'da', target: 'en', format: 'html' })).json).toEqual({ translatedText: html });
    });

    it('format html: the markup stays, the text is translated, scripts are not sent to the model', async () => {
      const q = '<p class="lead">Det regner <b>i dag</b>.</p><ul><li>Ja.</li></ul><script>var hej = 1;</script>';
      const before = ((await (await fetch(`${open.url}/health`)).json()) as JsonBody).totals.modelRows;
      const r = await postJson(`${open.url}/translate`, { q, source: 'da', target: 'en', format: 'html' });
      expect(r.status).toBe(200);
      expect(r.json.translatedText).toBe(q);
      const after = ((await (await fetch(`${open.url}/health`)).json()) as JsonBody).totals;
      // Three text nodes at most (cache hits from other tests are fine); never the script.
      expect(after.modelRows - before).toBeLessThanOrEqual(3);
    });

    it('format html: inert markup stays inert (mutation XSS), and markup nested past the bound is a 400 in one line, not a 500', async () => {
      const q = '<p>Hej <title>med dig &lt;/title&gt;&lt;img src=x onerror=alert(1)&gt;</title></p>';
      const r = await postJson(`${open.url}/translate`, { q, source: 'da', target: 'en', format: 'html' });
      expect(r.status).toBe(200);
      expect(r.json.translatedText).toBe(q);
      // Once refused (linkedom ended the end tag early); to the standard's parser its attribute is part of the end tag.
      const endTag = await postJson(`${open.url}/translate`, { q: '<p>Hej</p title="><img src=x onerror=alert(1)>">', source: 'da', target: 'en', format: 'html' });
      expect(endTag.status).toBe(200);
      expect(endTag.json.translatedText).toBe('<p>Hej</p>');
      const deep = await postJson(`${open.url}/translate`, { q: `${'<b>'.repeat(600)}Hej med dig`, source: 'da', target: 'en', format: 'html' });
      expect(deep.status).toBe(400);
      expect(deep.json).toEqual({ error: 'the HTML is nested too deeply (more than 512 elements inside one another); send flatter markup' });
    });

    it('unknown fields are ignored, as LibreTranslate does (alternatives among them)', async () => {
      const r = await postJson(`${open.url}/translate`, { q: 'Ja.', source: 'da', target: 'en', alternatives: 3, apiKey: '', foo: [1] });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ translatedText: 'Ja.' });
    });

    it('POST /detect: [{confidence, language}], Danish first for Danish text', async () => {
      const r = await postForm(`${open.url}/detect`, { q: 'Statsministeren mødte i går formændene for partierne for at tale om økonomien.' });
      expect(r.status).toBe(200);
      expect(r.json[0]).toEqual({ language: 'da', confidence: expect.any(Number) });
      const en = await postJson(`${open.url}/detect`, { q: 'The prime minister met the party leaders yesterday to talk about the economy and the schools, and they agreed on a new plan for the coming year.' });
      expect(en.json[0].language).toBe('en');
    });

    it('GET /frontend/settings has LibreTranslate\'s fields', async () => {
      const r = (await (await fetch(`${open.url}/frontend/settings`)).json()) as JsonBody;
      expect(r).toMatchObject({
        charLimit: 2000,
        apiKeys: false,
        keyRequired: false,
        suggestions: false,
        filesTranslation: false,
        supportedFilesFormat: [],
        language: { source: { code: 'da', name: 'Danish' }, target: { code: 'en', name: 'English' } },
      });
      expect(typeof r.frontendTimeout).toBe('number');
    });
  });

  describe('errors: LibreTranslate\'s {"error": "..."} shape and statuses', () => {
    const cases: [string, unknown, number, RegExp][] = [
      ['unsupported target', { q: 'Hej', source: 'da', target: 'de' }, 400, /^de is not supported$/],
      ['reversed pair', { q: 'Hi', source: 'en', target: 'da' }, 400, /not available as a source language/],
      ['unknown source', { q: 'Hej', source: 'xx', target: 'en' }, 400, /^xx is not supported$/],
      ['missing q', { source: 'da', target: 'en' }, 400, /^Invalid request: missing q parameter$/],
      ['missing target', { q: 'Hej', source: 'da' }, 400, /^Invalid request: missing target parameter$/],
      ['bad format', { q: 'Hej', source: 'da', target: 'en', format: 'xml' }, 400, /^xml format is not supported$/],
      ['q not text', { q: { a: 1 }, source: 'da', target: 'en' }, 400, /q must be a string/],
      ['JSON that is not an object', '[1,2]', 400, /^Invalid JSON format/],
      ['malformed JSON', '{"q": "Hej", ', 400, /^Invalid JSON format/],
      ['over the character limit', { q: 'æ'.repeat(2001), source: 'da', target: 'en' }, 413, /^Invalid request: request \(2001\) exceeds text limit \(2000\)$/],
    ];
    it.each(cases)('%s', async (_name, body, status, message) => {
      const r = await postJson(`${open.url}/translate`, body);
      expect(r.status).toBe(status);
      expect(Object.keys(r.json)).toEqual(['error']);
      expect(r.json.error).toMatch(message);
    });

    it('a JSON body that is not UTF-8: 400, not translated with U+FFFD in place of its letters', async () => {
      for (const contentType of ['application/json', 'application/json; charset=latin1']) {
        const body = Buffer.concat([Buffer.from('{"q":"bl'), Buffer.from([0xe5]), Buffer.from('b'), Buffer.from([0xe6]), Buffer.from('r","source":"da","target":"en"}')]);
        const r = await fetch(`${open.url}/translate`, { method: 'POST', headers: { 'content-type': contentType }, body });
        expect(r.status).toBe(400);
        expect(await r.json()).toEqual({ error: 'Invalid JSON format: the body is not valid UTF-8; send it in UTF-8' });
      }
      // Its own parser's checks are kept.
      const proto = await postJson(`${open.url}/translate`, '{"q":"Hej","source":"da","target":"en","__proto__":{"x":1}}');
      expect(proto.status).toBe(400);
    });

    it('a body over the size limit: 413 before it is parsed', async () => {
      const r = await postJson(`${open.url}/translate`, { q: 'x'.repeat(200_000), source: 'da', target: 'en' });
      expect(r.status).toBe(413);
      expect(r.json.error).toMatch(/too large/i);
    });

    it('a body over the size limit from a client that sends all of it before reading: the 413, not a broken pipe', async () => {
      // Python's urllib sends Connection: close and its whole body, then reads. The server answered at
      // once and closed with megabytes unread: the client's send failed (EPIPE) and it never saw the 413.
      const port = Number(new URL(open.url).port);
      const body = Buffer.from(JSON.stringify({ q: 'Hej', source: 'da', target: 'en', pad: ' '.repeat(6 * 1024 * 1024) }));
      // A length given, and chunks (the limit found mid-way).
      for (const [path, chunked] of [['/translate', false], ['/v1/articles', false], ['/translate', true]] as const) {
        const answer = await new Promise<string>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1');
          const received: Buffer[] = [];
          socket.on('data', (d: Buffer) => received.push(d));
          socket.on('error', reject);
          socket.on('close', () => resolve(Buffer.concat(received).toString('utf8')));
          const framing = chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${body.length}`;
          socket.write(`POST ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\n${framing}\r\n\r\n`);
          if (!chunked) socket.write(body);
          else {
            for (let at = 0; at < body.length; at += 65536) {
              const piece = body.subarray(at, at + 65536);
              socket.write(`${piece.length.toString(16)}\r\n`);
              socket.write(piece);
              socket.write('\r\n');
            }
            socket.write('0\r\n\r\n');
          }
        });
        expect(answer, `${path}${chunked ? ', chunked' : ''}`).toMatch(/^HTTP\/1\.1 413 /);
        expect(answer.endsWith('{"error":"Request body is too large"}')).toBe(true);
      }
    });

    it('an unknown route: 404 in the same shape', async () => {
      const r = await fetch(`${open.url}/nope`);
      expect(r.status).toBe(404);
      expect(await r.json()).toEqual({ error: 'Not found: GET /nope' });
    });

    it('an unsupported body type: 415', async () => {
      const r = await fetch(`${open.url}/translate`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<q/>' });
      expect(r.status).toBe(415);
      expect(((await r.json()) as JsonBody).error).toMatch(/content type/i);
    });

    it('a text/plain body: 415 too, even with the fields in the query (Fastify parses text/plain by default)', async () => {
      const r = await fetch(`${open.url}/translate?q=Hej&source=da&target=en`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
      expect(r.status).toBe(415);
      expect(Object.keys((await r.json()) as JsonBody)).toEqual(['error']);
    });

    it('a URL that cannot be decoded: 400 in the same shape, never sniffed, the path not echoed', async () => {
      const r = await fetch(`${open.url}/%zz%3Chtml%3E%3Cscript%3Ealert(1)%3C/script%3E`);
      expect(r.status).toBe(400);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await r.json()).toEqual({ error: 'Invalid request: the URL cannot be decoded (check its % escapes)' });
      // It is answered before routing, where the CORS plugin sets its header: --cors still holds.
      const cors = await fetch(`${corsServer.url}/%zz`, { headers: { origin: 'https://reader.example' } });
      expect(cors.status).toBe(400);
      expect(cors.headers.get('access-control-allow-origin')).toBe('https://reader.example');
      expect(cors.headers.get('x-content-type-options')).toBe('nosniff');
      await cors.text();
    });
  });

  describe('API keys', () => {
    it('no key: 401; an unknown key: 403; a good key in JSON, form or Bearer: 200', async () => {
      const body = { q: 'Ja.', source: 'da', target: 'en' };
      const none = await postJson(`${keyed.url}/translate`, body);
      expect(none.status).toBe(401);
      expect(none.json.error).toMatch(/API key/);
      const bad = await postJson(`${keyed.url}/translate`, { ...body, api_key: 'nope' });
      expect(bad).toMatchObject({ status: 403, json: { error: 'Invalid API key' } });
      expect((await postJson(`${keyed.url}/translate`, { ...body, api_key: 'k-123' })).json).toEqual({ translatedText: 'Ja.' });
      expect((await postForm(`${keyed.url}/translate`, { ...body, api_key: 'k-123' })).json).toEqual({ translatedText: 'Ja.' });
      expect((await postJson(`${keyed.url}/translate`, body, { authorization: 'Bearer k-123' })).status).toBe(200);
      expect((await postJson(`${keyed.url}/v1/articles`, { text: 'Ja.' })).status).toBe(401);
      expect((await postJson(`${keyed.url}/detect`, { q: 'Ja.', api_key: 'k-123' })).status).toBe(200);
    });

    it('/languages and /frontend/settings need no key; settings say one is required', async () => {
      expect((await fetch(`${keyed.url}/languages`)).status).toBe(200);
      expect((await (await fetch(`${keyed.url}/frontend/settings`)).json()) as JsonBody).toMatchObject({ apiKeys: true, keyRequired: true });
    });
  });

  describe('CORS', () => {
    it('off by default: no Access-Control-Allow-Origin', async () => {
      const r = await fetch(`${open.url}/languages`, { headers: { origin: 'https://evil.example' } });
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('--cors ORIGIN allows that origin, and preflights answer', async () => {
      const r = await fetch(`${corsServer.url}/languages`, { headers: { origin: 'https://reader.example' } });
      expect(r.headers.get('access-control-allow-origin')).toBe('https://reader.example');
      const pre = await fetch(`${corsServer.url}/translate`, {
        method: 'OPTIONS',
        headers: { origin: 'https://reader.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      expect(pre.status).toBeLessThan(300);
      expect(pre.headers.get('access-control-allow-origin')).toBe('https://reader.example');
    });

    it('--cors: a page on that origin may read /v1/articles\' own headers (notices, model calls) and Retry-After', async () => {
      const r = await fetch(`${corsServer.url}/v1/articles`, {
        method: 'POST',
        headers: { origin: 'https://reader.example', 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'Et a\u0000b afsnit.' }),
      });
      expect(r.status).toBe(200);
      expect(r.headers.get('access-control-allow-origin')).toBe('https://reader.example');
      const exposed = (r.headers.get('access-control-expose-headers') ?? '').split(',').map((h) => h.trim().toLowerCase());
      expect(exposed).toEqual(expect.arrayContaining(['x-da2en-notices', 'x-da2en-model-calls', 'retry-after']));
      // The headers it lets the page read are there to be read.
      expect(JSON.parse(r.headers.get('x-da2en-notices')!)).toEqual(['removed 1 NUL character(s)']);
      expect(Number(r.headers.get('x-da2en-model-calls'))).toBeGreaterThan(0);
      await r.text();
    });
  });

  describe('/v1/articles and /health', () => {
    it('returns the JSON document model: paragraphs, sentence alignment, QA', async () => {
      const r = await postJson(`${open.url}/v1/articles`, { text: ARTICLE });
      expect(r.status).toBe(200);
      const doc = r.json;
      expect(doc).toMatchObject({ format: 'da2en-bilingual', version: 1, title: { source: 'Færgen sejler igen', target: 'Færgen sejler igen' } });
      expect(doc.paragraphs.map((p: { source: string }) => p.source)).toEqual(ARTICLE.split('\n\n'));
      const body = doc.paragraphs[1];
      expect(body.chunks.map((c: { text: string; target: string }) => [c.text, c.target])).toEqual([
        ['Færgen til Ærø sejler igen efter stormen.', 'Færgen til Ærø sejler igen efter stormen.'],
        ['Det oplyser rederiet.', 'Det oplyser rederiet.'],
      ]);
      expect(doc.paragraphs[2]).toMatchObject({ kind: 'quote', prefix: '- ' });
      expect(doc.qa).toMatchObject({ paragraphs: 3 });
      expect(Array.isArray(body.qa)).toBe(true);
      expect(Number(r.headers.get('x-da2en-model-calls'))).toBeGreaterThanOrEqual(0);
    });

    it('?format=html answers with the HTML file, as the CLI writes it', async () => {
      const r = await fetch(`${open.url}/v1/articles?format=html`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: ARTICLE }) });
      expect(r.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await r.text();
      expect(html).toMatch(/^<!DOCTYPE html>/);
      expect(html.match(/<section class="pair/g)).toHaveLength(3);
    });

    it('answers that carry the input are never sniffed; a rendered file runs under its own CSP', async () => {
      const text = 'Det <script>alert(1)</script> regner.';
      for (const format of ['html', 'md', 'txt', 'en', 'json']) {
        const r = await fetch(`${open.url}/v1/articles?format=${format}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
        expect(r.status).toBe(200);
        expect(r.headers.get('x-content-type-options'), format).toBe('nosniff');
        const csp = r.headers.get('content-security-policy') ?? '';
        expect(csp, format).toMatch(/frame-ancestors 'none'/);
        // The HTML file's own policy: its one alignment script by hash, and no other script.
        if (format === 'html') expect(csp).toContain(`script-src '${ALIGN_SCRIPT_HASH}'`);
        else expect(csp, format).toMatch(/^default-src 'none'/);
        await r.text();
      }
      const streamed = await fetch(`${open.url}/v1/articles`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/x-ndjson' }, body: JSON.stringify({ text }) });
      expect(streamed.headers.get('x-content-type-options')).toBe('nosniff');
      await streamed.text();
      // Errors and LibreTranslate's answers echo text too; the CORS headers stay as they were.
      const refused = await postJson(`${open.url}/v1/articles`, { text, colour: '<b>' });
      expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
      const translated = await postJson(`${open.url}/translate`, { q: text, source: 'da', target: 'en' });
      expect(translated).toMatchObject({ status: 200, json: { translatedText: text } });
      expect(translated.headers.get('x-content-type-options')).toBe('nosniff');
      const cors = await fetch(`${corsServer.url}/translate`, { method: 'POST', headers: { origin: 'https://reader.example', 'content-type': 'application/json' }, body: JSON.stringify({ q: 'Ja.', source: 'da', target: 'en' }) });
      expect(cors.headers.get('access-control-allow-origin')).toBe('https://reader.example');
      expect(cors.headers.get('x-content-type-options')).toBe('nosniff');
      await cors.text();
    });

    it('NULs are removed from text and html as the CLI removes them from a file: in no output', async () => {
      const text = await postJson(`${open.url}/v1/articles`, { text: 'Et a\u0000b afsnit.\n\u0000\nTo.' });
      expect(text.json.paragraphs.map((p: { source: string; target: string }) => [p.source, p.target])).toEqual([['Et ab afsnit.', 'Et ab afsnit.'], ['To.', 'To.']]);
      for (const format of ['html', 'md', 'txt', 'en']) {
        const r = await fetch(`${open.url}/v1/articles?format=${format}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Et a\u0000b afsnit.' }) });
        expect(await r.text()).not.toContain('\u0000');
      }
      const words = 'Et afsnit med nok ord til at være en artikel, som Readability vil læse, og så en sætning mere.';
      const page = await postJson(`${open.url}/v1/articles`, { html: `<html><body><article><h1>Tit\u0000el</h1><p>${words.replace('nok', 'n\u0000ok')}</p><p>${words}</p></article></body></html>` });
      expect(page.json.paragraphs.map((p: { target: string }) => p.target)).toEqual(['Titel', words, words]);
      // The date marker is read with a NUL before or inside it, as the CLI reads it from a file.
      // And after a line of only invisible characters, which is blank (was: "date 2024-05" a paragraph, where the CLI found the date).
      for (const marked of ['\u0000date 2024-05\n\nTitel\n\nBrødtekst her.', 'date\u0000 2024-05\n\nTitel\n\nBrødtekst her.', '\u200b\ndate 2024-05\n\nTitel\n\nBrødtekst her.']) {
        const dated = await postJson(`${open.url}/v1/articles`, { text: marked });
        expect(dated.json.metadata.date, JSON.stringify(marked)).toBe('2024-05');
        expect(dated.json.title.source).toBe('Titel');
        expect(dated.json.paragraphs.map((p: { source: string }) => p.source)).toEqual(['Titel', 'Brødtekst her.']);
      }
      const nothing = await postJson(`${open.url}/v1/articles`, { text: '\u0000\n\u0000' });
      expect(nothing.status).toBe(400);
      expect(nothing.json.error).toMatch(/text is empty/);
    });

    it('streams NDJSON: start, one event per paragraph in order, done (with the files asked for)', async () => {
      const text = Array.from({ length: 12 }, (_, i) => `Afsnit nummer ${i + 1} handler om vejret.`).join('\n\n');
      const r = await fetch(`${open.url}/v1/articles`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/x-ndjson' }, body: JSON.stringify({ text, render: ['md'] }) });
      expect(r.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      const events = (await r.text()).trim().split('\n').map((l) => JSON.parse(l));
      expect(events[0]).toMatchObject({ event: 'start', paragraphs: 12 });
      const paragraphs = events.filter((e) => e.event === 'paragraph').map((e) => e.paragraph.index);
      expect(paragraphs).toEqual([...Array(12).keys()]);
      const done = events.at(-1);
      expect(done.event).toBe('done');
      expect(done.document.paragraphs).toHaveLength(12);
      expect(done.files.md).toMatch(/\| Dansk \| English \|/);
    });

    it('an explicit ?format= wins over Accept: application/x-ndjson: the file asked for, not the stream', async () => {
      const ndjson = { 'content-type': 'application/json', accept: 'application/x-ndjson' };
      const plain = await fetch(`${open.url}/v1/articles?format=en`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: ARTICLE }) });
      const expected = await plain.text();
      const en = await fetch(`${open.url}/v1/articles?format=en`, { method: 'POST', headers: ndjson, body: JSON.stringify({ text: ARTICLE }) });
      expect(en.status).toBe(200);
      expect(en.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await en.text()).toBe(expected);
      // A client whose Accept lists NDJSON among others too; and json is a format like the others.
      const json = await fetch(`${open.url}/v1/articles?format=json`, { method: 'POST', headers: { ...ndjson, accept: 'application/x-ndjson, */*' }, body: JSON.stringify({ text: ARTICLE }) });
      expect(json.headers.get('content-type')).toMatch(/^application\/json/);
      expect(JSON.parse(await json.text())).toMatchObject({ format: 'da2en-bilingual', paragraphs: expect.any(Array) });
      // Without a format the header still asks for the stream.
      const streamed = await fetch(`${open.url}/v1/articles`, { method: 'POST', headers: ndjson, body: JSON.stringify({ text: ARTICLE }) });
      expect(streamed.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      expect(JSON.parse((await streamed.text()).split('\n')[0]!)).toMatchObject({ event: 'start' });
    });

    it('rejects unknown fields, a missing input and two inputs at once (400), other body types (415)', async () => {
      const unknown = await postJson(`${open.url}/v1/articles`, { text: 'Ja.', colour: 'blue' });
      expect(unknown).toMatchObject({ status: 400, json: { error: expect.stringMatching(/additional properties "colour"/) } });
      expect((await postJson(`${open.url}/v1/articles`, {})).status).toBe(400);
      const blank = await postJson(`${open.url}/v1/articles`, { text: ' \n\t ' });
      expect(blank.status).toBe(400);
      expect(blank.json.error).toMatch(/text is empty/);
      // A line of only invisible characters is blank, as it is to a reader and to the CLI.
      const invisible = await postJson(`${open.url}/v1/articles`, { text: '\u200b\n\u2060\n\u00ad' });
      expect(invisible.status).toBe(400);
      expect(invisible.json.error).toMatch(/text is empty/);
      const split = await postJson(`${open.url}/v1/articles`, { text: 'Første afsnit.\n\u200b\nAndet afsnit.' });
      expect(split.json.paragraphs.map((p: { source: string }) => p.source)).toEqual(['Første afsnit.', 'Andet afsnit.']);
      expect((await postJson(`${open.url}/v1/articles`, { text: 'Ja.', url: 'https://example.com/' })).status).toBe(400);
      expect((await postJson(`${open.url}/v1/articles`, { text: 42 })).json.error).toMatch(/body\.text must be string/);
      const form = await postForm(`${open.url}/v1/articles`, { text: 'Ja.' }).catch(() => null);
      expect(form?.status).toBe(415);
    });

    it('/health: model loaded, queue depth, totals', async () => {
      const h = (await (await fetch(`${open.url}/health`)).json()) as JsonBody;
      expect(h).toMatchObject({ status: 'ok', model: { loaded: true, dtype: 'q8' }, queue: { requests: 0, waitingSentences: 0 } });
      expect(h.totals.modelCalls).toBeGreaterThan(0);
    });

    it('the translation memory is shared: a text another request translated comes from it', async () => {
      const text = 'Solen skinner over Aarhus i dag.';
      await postJson(`${open.url}/translate`, { q: text, source: 'da', target: 'en' });
      const r = await postJson(`${open.url}/v1/articles`, { text });
      expect(r.json.paragraphs[0].chunks[0].origin).toBe('cache');
    });
  });
});
