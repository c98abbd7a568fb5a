/**
 * The server extracts articles from pages in worker threads (src/server/extraction-pool.ts), off
 * its event loop: the article that comes back is the one extractArticle makes in-process, and a
 * request that ends while its page is being extracted (here: its time limit) ends the worker too.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoArticleError } from '../../src/input/errors.js';
import { extractArticle } from '../../src/input/html/extract-article.js';
import { ExtractionPool } from '../../src/server/extraction-pool.js';
import type { ServerEngine } from '../../src/server/engine.js';
import { page } from '../helpers/news-server.js';
import { echoEngine, listen, postJson, type RunningServer } from '../helpers/test-server.js';

/** 570 KB of nested links: Readability spends seconds of CPU on it. */
const SLOW_PAGE = `<html><body>${'<div class="c"><a href="#">x</a></div>'.repeat(15_000)}</body></html>`;

const never = new AbortController().signal;

describe('page extraction in worker threads', () => {
  const pool = new ExtractionPool(1);
  afterAll(() => pool.close());

  it.each(['dr-like.html', 'politiken-like.html', 'tv2-like.html'])('%s: the same article as extractArticle in-process', async (name) => {
    const options = { url: 'https://nyheder.example/artikel', inputName: name };
    const html = page(name);
    expect(await pool.extract(html, options, never)).toStrictEqual(extractArticle(html, options));
  });

  it('a page without an article: the same NoArticleError', async () => {
    const html = page('front-page.html');
    const inProcess = (() => {
      try {
        extractArticle(html, { inputName: 'forside' });
      } catch (err) {
        return err;
      }
    })();
    const inWorker = await pool.extract(html, { inputName: 'forside' }, never).catch((err: unknown) => err);
    expect(inProcess).toBeInstanceOf(NoArticleError);
    expect(inWorker).toBeInstanceOf(NoArticleError);
    expect((inWorker as NoArticleError).message).toBe((inProcess as NoArticleError).message);
  });

  it('an extraction whose signal fires is ended: its worker terminated, the reason passed on; the next page gets a new worker', async () => {
    await pool.extract(page('dr-like.html'), {}, never); // a worker started and idle
    expect(pool.workers).toBe(1);
    const controller = new AbortController();
    const reason = new Error('the request is over');
    const pending = pool.extract(SLOW_PAGE, {}, controller.signal);
    // Well inside the seconds this page takes; the worker is busy with it.
    setTimeout(() => controller.abort(reason), 200);
    await expect(pending).rejects.toBe(reason);
    expect(pool.workers).toBe(0);
    expect((await pool.extract(page('dr-like.html'), {}, never)).title).toBe(extractArticle(page('dr-like.html')).title);
    expect(pool.workers).toBe(1);
  });

  it('a job still waiting for a worker is dropped when its signal fires', async () => {
    const busy = new AbortController();
    const first = pool.extract(SLOW_PAGE, {}, busy.signal).catch((err: unknown) => err);
    const waiting = new AbortController();
    const second = pool.extract(page('dr-like.html'), {}, waiting.signal);
    waiting.abort(new Error('gone'));
    await expect(second).rejects.toThrow('gone');
    busy.abort(new Error('done'));
    expect(await first).toEqual(new Error('done'));
  });
});

describe('da2en serve: a page over the time limit', () => {
  let engine: ServerEngine;
  let srv: RunningServer;

  beforeAll(async () => {
    engine = await echoEngine();
    // Far below the seconds SLOW_PAGE takes to extract.
    srv = await listen(engine, { requestTimeoutMs: 300 });
  }, 180_000);
  afterAll(async () => {
    await srv?.close();
    await engine?.dispose();
  });

  it('is cancelled during its extraction: 503 in the {"error"} shape, and the server goes on', async () => {
    const r = await postJson(`${srv.url}/v1/articles`, { html: SLOW_PAGE });
    expect(r.status).toBe(503);
    expect(Object.keys(r.json)).toEqual(['error']);
    expect(r.json.error).toMatch(/took longer than the server's limit/);
    const health = await fetch(`${srv.url}/health`);
    expect(((await health.json()) as { queue: { requests: number } }).queue.requests).toBe(0);
  });

  it('is cancelled at its limit even when full garbage collections run meanwhile', async () => {
    // AbortSignal.any holds what it combines weakly: a time limit nothing else held was collected by
    // a full GC and never fired, and the request ran until its page was done.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const collecting = setInterval(gc, 20);
    try {
      const r = await postJson(`${srv.url}/v1/articles`, { html: SLOW_PAGE });
      expect(r.status, JSON.stringify(r.json).slice(0, 300)).toBe(503);
      expect(r.json.error).toMatch(/took longer than the server's limit/);
    } finally {
      clearInterval(collecting);
    }
  });
});
