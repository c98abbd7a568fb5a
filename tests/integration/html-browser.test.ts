/**
 * Opens the rendered HTML in real headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core; no browser is ever downloaded) and checks the layout and that content
 * cannot execute.
 *
 * Needs Chromium: `apt-get install -y chromium` (Debian/Ubuntu), or point CHROMIUM_PATH at a
 * Chromium/Chrome binary. Where none is installed (a laptop without apt) the suite is skipped
 * with a notice, so `npm test` still passes on a fresh clone anywhere; CI (.ci/run) installs
 * Chromium and sets DA2EN_REQUIRE_BROWSER=1, which turns a missing browser into a failure.
 * DA2EN_SKIP_BROWSER=1 skips it explicitly.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALIGN_SCRIPT, renderHtml } from '../../src/rendering/index.js';
import { fixtureDocument } from '../helpers/bilingual-fixture.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const REQUIRED = process.env.DA2EN_REQUIRE_BROWSER === '1';
const SKIP = process.env.DA2EN_SKIP_BROWSER === '1' || (!REQUIRED && !existsSync(CHROMIUM));
if (SKIP && !REQUIRED) {
  process.stderr.write(`\n[html-browser] skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)\n`);
}
export const SCREENSHOT_DESKTOP = join(tmpdir(), 'da2en-html-desktop.png');
export const SCREENSHOT_PHONE = join(tmpdir(), 'da2en-html-phone.png');

interface Box { top: number; bottom: number; left: number; right: number }
interface PairBoxes { da: Box; en: Box; pair: Box }

/** Evaluated in the page as a string: the project compiles without the DOM lib. */
const PAIR_BOXES_JS = `Array.from(document.querySelectorAll('section.pair'), (s) => {
  const box = (el) => {
    if (!el) throw new Error('missing cell');
    const r = el.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
  };
  return { da: box(s.querySelector('.cell.da')), en: box(s.querySelector('.cell.en')), pair: box(s) };
})`;

async function pairBoxes(page: Page): Promise<PairBoxes[]> {
  return (await page.evaluate(PAIR_BOXES_JS)) as PairBoxes[];
}

describe.skipIf(SKIP)('HTML output in headless Chromium', () => {
  let browser: Browser | undefined;
  let dir = '';
  let url = '';
  const requests: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}. Install it (Debian/Ubuntu: sudo apt-get install -y chromium), ` +
          'or set CHROMIUM_PATH to a Chromium/Chrome binary (DA2EN_REQUIRE_BROWSER=1 makes this a failure).',
      );
    }
    dir = mkdtempSync(join(tmpdir(), 'da2en-html-'));
    const file = join(dir, 'doc.html');
    writeFileSync(file, renderHtml(fixtureDocument()));
    url = pathToFileURL(file).href;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(width: number, height: number): Promise<Page> {
    const page = await browser!.newPage({ viewport: { width, height } });
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(url);
    return page;
  }

  it('desktop: every Danish paragraph and its English partner start on the same row', async () => {
    const page = await open(1200, 900);
    const boxes = await pairBoxes(page);
    expect(boxes.length).toBe(fixtureDocument().paragraphs.length);
    for (const [i, b] of boxes.entries()) {
      expect(Math.abs(b.da.top - b.en.top), `pair ${i}`).toBeLessThanOrEqual(1);
      expect(b.en.left, `pair ${i}`).toBeGreaterThanOrEqual(b.da.right);
      if (i > 0) expect(b.da.top, `pair ${i}`).toBeGreaterThanOrEqual(boxes[i - 1]!.pair.bottom - 1);
    }
    await page.screenshot({ path: SCREENSHOT_DESKTOP, fullPage: true });
    await page.close();
  });

  it('phone (375px): columns stack and each English paragraph sits directly below its Danish one', async () => {
    const page = await open(375, 800);
    const boxes = await pairBoxes(page);
    for (const [i, b] of boxes.entries()) {
      expect(b.en.top, `pair ${i}`).toBeGreaterThanOrEqual(b.da.bottom - 1);
      expect(b.en.top - b.da.bottom, `pair ${i}`).toBeLessThan(24);
      expect(Math.abs(b.en.left - b.da.left), `pair ${i}`).toBeLessThanOrEqual(1);
      const next = boxes[i + 1];
      if (next) expect(next.da.top, `pair ${i}`).toBeGreaterThanOrEqual(b.en.bottom);
    }
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: SCREENSHOT_PHONE, fullPage: true });
    await page.close();
  });

  it('print: pairs stay side by side on paper', async () => {
    const page = await open(800, 1000);
    await page.emulateMedia({ media: 'print' });
    for (const b of await pairBoxes(page)) expect(Math.abs(b.da.top - b.en.top)).toBeLessThanOrEqual(1);
    await page.close();
  });

  it('right-to-left text reads right to left: an Arabic quote is an RTL block, a Danish paragraph holding a Hebrew name stays LTR', async () => {
    const doc = fixtureDocument();
    const arabic = '"مرحبا بكم في الدنمارك!" sagde han.';
    const danish = 'Han citerede "שלום עולם" på hebraisk, 3 gange.';
    doc.paragraphs = [
      { ...doc.paragraphs[1]!, index: 0, source: arabic, target: arabic, chunks: [] },
      { ...doc.paragraphs[1]!, index: 1, source: danish, target: 'He quoted "שלום עולם" in Hebrew, 3 times.', chunks: [] },
    ];
    const file = join(dir, 'bidi.html');
    writeFileSync(file, renderHtml(doc));
    const page = await browser!.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(pathToFileURL(file).href);
    const directions = await page.evaluate(`Array.from(document.querySelectorAll('section.pair .text'), (e) => getComputedStyle(e).direction)`);
    // Before dir="auto" every block inherited the page's "ltr": the Arabic sentence's "!" and quotes sat at the wrong end.
    expect(directions).toEqual(['rtl', 'rtl', 'ltr', 'ltr']);
    await page.close();
  });

  it('content <script> did not execute, nothing was loaded, text is shown literally', async () => {
    const page = await open(1200, 900);
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
    // One script: the page's own sentence alignment (allowed by its hash in the CSP).
    expect(await page.locator('script').count()).toBe(1);
    expect(await page.locator('script').textContent()).toBe(ALIGN_SCRIPT);
    expect(await page.locator('.cell.da').nth(3).innerText()).toContain('<script>window.__pwned = 1;');
    expect(dialogs).toEqual([]);
    expect(requests.every((r) => r === url)).toBe(true);
    expect(await page.title()).toBe('Mayor <b>wants</b> to build new bridge');
    await page.close();
  });
});
