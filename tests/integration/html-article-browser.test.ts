/**
 * A structured article (the DR-like test page, translated by the CLI with the builder's tiny
 * model) opened in real headless Chromium: headings, list items and quotes render as such in
 * both columns, pairs start on the same row, hovering or focusing a sentence highlights its
 * counterpart, and the page makes no network request. Needs Chromium like html-browser.test.ts
 * (same switches: DA2EN_REQUIRE_BROWSER, DA2EN_SKIP_BROWSER, CHROMIUM_PATH).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtModel } from '../../tools/builder-models.js';
import { page as testPage } from '../helpers/news-server.js';
import { runCli } from '../helpers/run-cli.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const REQUIRED = process.env.DA2EN_REQUIRE_BROWSER === '1';
const SKIP = process.env.DA2EN_SKIP_BROWSER === '1' || (!REQUIRED && !existsSync(CHROMIUM));
if (SKIP && !REQUIRED) process.stderr.write(`\n[html-article-browser] skipped: no Chromium at ${CHROMIUM}\n`);
export const SCREENSHOT_ARTICLE = join(tmpdir(), 'da2en-html-article.png');

describe.skipIf(SKIP)('a structured article in headless Chromium', () => {
  let browser: Browser | undefined;
  let dir = '';
  let url = '';
  let page: Page;
  const requests: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
    dir = mkdtempSync(join(tmpdir(), 'da2en-article-html-'));
    const input = join(dir, 'storm.html');
    writeFileSync(input, testPage('dr-like.html'));
    const model = await builtModel('tiny');
    const r = await runCli([input, '--model', model, '--offline', '--no-cache', '--quiet', '--format', 'html', '--out-dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    url = pathToFileURL(join(dir, readdirSync(dir).find((f) => f.endsWith('.da-en.html'))!)).href;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('request', (req) => requests.push(req.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.goto(url);
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('headings, list items and quotes render as such in both columns', async () => {
    for (const side of ['da', 'en']) {
      expect(await page.locator(`.kind-heading.level-2 .cell.${side} h2`).count()).toBe(2);
      expect(await page.locator(`.kind-list-item .cell.${side} ul.text > li`).count()).toBe(3);
      expect(await page.locator(`.kind-quote .cell.${side} blockquote`).count()).toBe(1);
      expect(await page.locator(`.kind-caption .cell.${side}`).count()).toBe(1);
    }
    // A list item is drawn with its bullet.
    expect(await page.evaluate(`getComputedStyle(document.querySelector('.kind-list-item .cell.da li')).display`)).toBe('list-item');
    expect(await page.locator('.kind-heading.level-2 .cell.da h2').first().innerText()).toBe('Sådan bliver du berørt');
  });

  it('every Danish block and its English partner start on the same row', async () => {
    const boxes = (await page.evaluate(`Array.from(document.querySelectorAll('section.pair'), (s) => [s.querySelector('.cell.da').getBoundingClientRect().top, s.querySelector('.cell.en').getBoundingClientRect().top])`)) as [number, number][];
    expect(boxes.length).toBe(15);
    for (const [i, [da, en]] of boxes.entries()) expect(Math.abs(da - en), `pair ${i}`).toBeLessThanOrEqual(1);
  });

  it('hovering a sentence highlights its counterpart, and only it; moving away clears it', async () => {
    const ids = (await page.evaluate(`Array.from(document.querySelectorAll('.cell.da .s'), (s) => s.dataset.s)`)) as string[];
    const enIds = (await page.evaluate(`Array.from(document.querySelectorAll('.cell.en .s'), (s) => s.dataset.s)`)) as string[];
    expect(ids.length).toBeGreaterThan(15);
    expect(enIds).toEqual(ids); // sentence i of each Danish block has its English sentence i
    const id = ids.find((s) => s.startsWith('4-'))!; // a sentence of the first body paragraph
    await page.locator(`.cell.da .s[data-s="${id}"]`).hover();
    expect(await page.locator(`.cell.en .s[data-s="${id}"]`).getAttribute('class')).toBe('s hl');
    expect(await page.locator('.s.hl').count()).toBe(2);
    await page.screenshot({ path: SCREENSHOT_ARTICLE, fullPage: false });
    await page.mouse.move(5, 5);
    expect(await page.locator('.s.hl').count()).toBe(0);
  });

  it('keyboard: Tab reaches a sentence and its counterpart is highlighted', async () => {
    await page.keyboard.press('Tab');
    const focused = (await page.evaluate(`document.activeElement && document.activeElement.dataset.s`)) as string;
    expect(focused).toMatch(/^\d+-\d+$/);
    expect(await page.locator(`.s.hl[data-s="${focused}"]`).count()).toBe(2);
    // Tab on (Danish sentence, then its English partner, then the next pair's) until another sentence has focus.
    // (A QA badge's <summary> in between takes focus too; it is not a sentence.)
    let now: string | undefined = focused;
    for (let i = 0; i < 8 && (now === focused || now === undefined); i++) {
      await page.keyboard.press('Tab');
      now = (await page.evaluate(`document.activeElement && document.activeElement.dataset.s`)) as string | undefined;
    }
    expect(now).not.toBe(focused);
    expect(await page.locator(`.s.hl[data-s="${focused}"]`).count()).toBe(0);
    expect(await page.locator(`.s.hl[data-s="${now}"]`).count()).toBe(2);
  });

  it('the page made no network request and broke no CSP rule', () => {
    expect(requests).toEqual([url]);
    expect(consoleErrors).toEqual([]);
  });
});
