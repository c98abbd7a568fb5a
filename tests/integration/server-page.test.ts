/**
 * The reading page at `/` in real headless Chromium (Debian's /usr/bin/chromium through
 * playwright-core, as html-browser.test.ts; the same skip rules: CI sets DA2EN_REQUIRE_BROWSER=1),
 * against a server with the real engine (echo builder model in a worker thread).
 */
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerEngine } from '../../src/server/engine.js';
import { encodeWindows1252 } from '../helpers/news-server.js';
import { echoEngine, listen, type RunningServer } from '../helpers/test-server.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const REQUIRED = process.env.DA2EN_REQUIRE_BROWSER === '1';
const SKIP = process.env.DA2EN_SKIP_BROWSER === '1' || (!REQUIRED && !existsSync(CHROMIUM));
if (SKIP && !REQUIRED) process.stderr.write(`\n[server-page] skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)\n`);

const HOSTILE = 'Farlig tekst <img src=x onerror="window.__pwned=1"> og <script>window.__pwned=2</script> slut.';
const PARAGRAPHS = [
  'Færgen sejler igen',
  ...Array.from({ length: 14 }, (_, i) => `Afsnit ${i + 1} om færgen. Det regner i dag, og færgen sejler igen efter stormen.`),
  HOSTILE,
];

interface Box { top: number; left: number; right: number; bottom: number }

describe.skipIf(SKIP)('reading page in headless Chromium', () => {
  let engine: ServerEngine;
  let srv: RunningServer;
  let fetching: RunningServer; // --allow-private-fetch: may fetch the loopback site below
  let site: http.Server; // a text file and a Markdown file, as a web server sends them
  let siteUrl: string;
  let browser: Browser;
  const dialogs: string[] = [];
  const foreign: string[] = [];
  const cspErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
    engine = await echoEngine();
    // Small model calls, so the paragraphs arrive over several of them.
    srv = await listen(engine, { limits: { batchTokens: 4096, maxBatchSize: 2 } });
    fetching = await listen(engine, { fetch: { enabled: true, allowPrivate: true } });
    site = http.createServer((req, res) => {
      if (req.url === '/artikel.txt') return void res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(PARAGRAPHS.slice(0, 3).join('\n\n'));
      if (req.url === '/uden-charset.txt') return void res.writeHead(200, { 'content-type': 'text/plain' }).end(encodeWindows1252(PARAGRAPHS.slice(0, 3).join('\n\n')));
      if (req.url === '/noter.md') return void res.writeHead(200, { 'content-type': 'text/markdown; charset=utf-8' }).end('# Færgen sejler igen\n\nDet regner i **dag**.\n');
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([srv?.close(), fetching?.close(), new Promise<void>((resolve) => (site ? site.close(() => resolve()) : resolve()))]);
    await engine?.dispose();
  });

  async function openPage(width: number, server = srv): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 900 }, acceptDownloads: true });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('request', (r) => {
      if (!r.url().startsWith(server.url) && !r.url().startsWith('blob:')) foreign.push(r.url());
    });
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    const response = await page.goto(`${server.url}/`);
    expect(response?.headers()['content-security-policy']).toMatch(/default-src 'none'; script-src 'self'/);
    return page;
  }

  it('paste, translate: pairs render as they arrive, side by side, text shown literally, nothing runs', async () => {
    const page = await openPage(1200);
    // Record what the pairs area looked like at each change while the request was running.
    await page.evaluate(`(() => {
      window.__seen = [];
      const pairs = document.getElementById('pairs');
      new MutationObserver(() => window.__seen.push([pairs.dataset.state, pairs.querySelectorAll('section.pair').length]))
        .observe(pairs, { childList: true, attributes: true });
    })()`);
    await page.fill('#text', PARAGRAPHS.join('\n\n'));
    await page.click('#go');
    await page.waitForSelector('#pairs[data-state="done"]', { timeout: 60_000 });

    const seen = (await page.evaluate('window.__seen')) as [string, number][];
    const whileRunning = seen.filter(([state, n]) => state === 'running' && n > 0 && n < PARAGRAPHS.length);
    expect(whileRunning.length, JSON.stringify(seen)).toBeGreaterThan(0);

    const boxes = (await page.evaluate(`Array.from(document.querySelectorAll('section.pair'), (s) => {
      const box = (el) => { const r = el.getBoundingClientRect(); return { top: r.top, left: r.left, right: r.right, bottom: r.bottom }; };
      return { da: box(s.querySelector('.cell.da')), en: box(s.querySelector('.cell.en')) };
    })`)) as { da: Box; en: Box }[];
    expect(boxes).toHaveLength(PARAGRAPHS.length);
    for (const [i, b] of boxes.entries()) {
      expect(Math.abs(b.da.top - b.en.top), `pair ${i}`).toBeLessThanOrEqual(1);
      expect(b.en.left, `pair ${i}`).toBeGreaterThanOrEqual(b.da.right);
    }
    const da = await page.locator('section.pair .cell.da .text').allInnerTexts();
    const en = await page.locator('section.pair .cell.en .text').allInnerTexts();
    expect(da).toEqual(PARAGRAPHS);
    expect(en).toEqual(PARAGRAPHS); // the echo model copies its input
    // Each text block takes its direction from its text, as in the HTML output (an Arabic quote reads right to left).
    expect(await page.locator('section.pair .text[dir="auto"]').count()).toBe(2 * PARAGRAPHS.length);
    expect(await page.locator('#title').innerText()).toBe('Færgen sejler igen');
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(foreign).toEqual([]);
    expect(cspErrors).toEqual([]);
    // Same look as the HTML output: its stylesheet lays out the pairs.
    expect(await page.evaluate(`getComputedStyle(document.querySelector('main.pairs')).display`)).toBe('grid');

    // The downloads are the files the CLI writes.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#dl-html')]);
    expect(download.suggestedFilename()).toBe('f-rgen-sejler-igen.da-en.html');
    const html = readFileSync((await download.path())!, 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html.match(/<section class="pair/g)).toHaveLength(PARAGRAPHS.length);
    expect(html).toContain('&lt;script&gt;window.__pwned=2&lt;/script&gt;');
    const [md] = await Promise.all([page.waitForEvent('download'), page.click('#dl-md')]);
    expect(readFileSync((await md.path())!, 'utf8')).toMatch(/\| Dansk \| English \|/);
    await page.close();
  });

  it('phone width: the columns stack', async () => {
    const page = await openPage(375);
    await page.fill('#text', 'Overskrift\n\nDet regner i dag.');
    await page.click('#go');
    await page.waitForSelector('#pairs[data-state="done"]', { timeout: 60_000 });
    const [da, en] = (await page.evaluate(`(() => { const s = document.querySelector('section.pair:last-of-type');
      return [s.querySelector('.cell.da').getBoundingClientRect().bottom, s.querySelector('.cell.en').getBoundingClientRect().top]; })()`)) as number[];
    expect(en!).toBeGreaterThanOrEqual(da! - 1);
    await page.close();
  });

  it("the address of a text file or a Markdown file: read as the CLI reads it (was: 'not an HTML page')", async () => {
    const page = await openPage(1200, fetching);
    await page.fill('#url', `${siteUrl}/artikel.txt`);
    await page.click('#go');
    await page.waitForSelector('#pairs[data-state="done"], #status.error', { timeout: 60_000 });
    expect(await page.locator('#status.error').count(), await page.locator('#status').innerText()).toBe(0);
    expect(await page.locator('section.pair .cell.da .text').allInnerTexts()).toEqual(PARAGRAPHS.slice(0, 3));
    expect(await page.locator('#title').innerText()).toBe('Færgen sejler igen');
    await page.fill('#url', `${siteUrl}/noter.md`);
    await page.click('#go');
    await page.waitForSelector('#pairs[data-state="done"] section.pair.kind-text', { timeout: 60_000 });
    expect(await page.locator('section.pair .cell.da .text').allInnerTexts()).toEqual(['Færgen sejler igen', 'Det regner i dag.']);
    expect(await page.locator('section.pair.kind-heading').count()).toBe(1);
    expect(foreign).toEqual([]);
    await page.close();
  });

  it('the notices an answer carries are listed under the status line, as text; a clean answer lists none', async () => {
    const page = await openPage(1200, fetching);
    await page.fill('#url', `${siteUrl}/uden-charset.txt`);
    await page.click('#go');
    await page.waitForSelector('#pairs[data-state="done"], #status.error', { timeout: 60_000 });
    expect(await page.locator('#status.error').count(), await page.locator('#status').innerText()).toBe(0);
    expect(await page.locator('section.pair .cell.da .text').allInnerTexts()).toEqual(PARAGRAPHS.slice(0, 3));
    // In the API's words, one item each, as plain text (no markup made from it).
    expect(await page.locator('#notices:not(.hidden) li').allTextContents()).toEqual(['not valid UTF-8: read as Windows-1252 (choose another with the "encoding" field)']);
    expect(await page.locator('#notices li *').count()).toBe(0);
    // As it advises: the page's encoding choice goes with the address, and nothing is detected then.
    await page.selectOption('#encoding', 'cp1252');
    await page.click('#go');
    await page.waitForSelector('#pairs[data-state="done"], #status.error', { timeout: 60_000 });
    expect(await page.locator('#status.error').count(), await page.locator('#status').innerText()).toBe(0);
    expect(await page.locator('section.pair .cell.da .text').allInnerTexts()).toEqual(PARAGRAPHS.slice(0, 3));
    expect(await page.locator('#notices li').count()).toBe(0);

    // The next answer has its own: NULs removed from pasted text, then none at all.
    await page.fill('#url', '');
    await page.fill('#text', 'Færgen\u0000 sejler igen.');
    await page.click('#go');
    await page.waitForSelector('#pairs[data-state="done"]', { timeout: 60_000 });
    expect(await page.locator('#notices li').allTextContents()).toEqual(['removed 1 NUL character(s)']);
    await page.fill('#text', 'Færgen sejler igen.');
    await page.click('#go');
    await page.waitForSelector('#pairs[data-state="done"]', { timeout: 60_000 });
    expect(await page.locator('#notices li').count()).toBe(0);
    expect(await page.locator('#notices.hidden').count()).toBe(1);
    expect(cspErrors).toEqual([]);
    await page.close();
  });

  it('an error from the server is shown in the status line', async () => {
    const page = await openPage(1200);
    await page.fill('#url', 'http://127.0.0.1:1/');
    await page.click('#go');
    await page.waitForSelector('#status.error');
    expect(await page.locator('#status').innerText()).not.toBe('');
    await page.close();
  });
});
