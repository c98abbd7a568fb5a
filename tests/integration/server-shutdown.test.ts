/**
 * Graceful shutdown of the server object (`DaServer.shutdown`, what SIGTERM calls): a request in
 * flight in any stage, not only one whose sentences are in the model's queue, has the grace period
 * to be answered; what is still unanswered then gets 503. The stage held here is the URL fetch: the
 * page server answers only when the test says so.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerEngine } from '../../src/server/engine.js';
import { page } from '../helpers/news-server.js';
import { echoEngine, listen, postJson } from '../helpers/test-server.js';

/** A page server that holds each request until `release()`; `arrived` resolves when one came in. */
async function heldPageServer(html: string) {
  const held: http.ServerResponse[] = [];
  let arrive: () => void = () => {};
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  const server = http.createServer((_req, res) => {
    held.push(res);
    arrive();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/artikel`,
    arrived,
    release: () => {
      for (const res of held.splice(0)) if (!res.destroyed) res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('da2en serve: graceful shutdown', () => {
  let engine: ServerEngine;

  beforeAll(async () => {
    engine = await echoEngine();
  }, 180_000);
  afterAll(async () => {
    await engine?.dispose();
  });

  it('a request still fetching its URL when shutdown starts is answered within the grace period (200)', async () => {
    const pages = await heldPageServer(page('dr-like.html'));
    const srv = await listen(engine, { fetch: { enabled: true, allowPrivate: true } });
    try {
      const answer = postJson(`${srv.url}/v1/articles`, { url: pages.url });
      await pages.arrived;
      const shutdown = srv.server.shutdown(60_000);
      // Shutdown has begun and the scheduler is idle (nothing of this request has reached it yet).
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(srv.server.inFlight()).toBe(1);
      pages.release();
      const r = await answer;
      expect(r.status).toBe(200);
      // Its connection closes with it (keep-alive would hold the listener's close for 72 s).
      expect(r.headers.get('connection')).toBe('close');
      expect(r.json.metadata.url).toBe(pages.url);
      expect(r.json.paragraphs.length).toBeGreaterThan(0);
      await shutdown;
      expect(srv.server.inFlight()).toBe(0);
    } finally {
      await srv.close();
      await pages.close();
    }
  });

  it('a request still unanswered when the grace period ends is cancelled: 503 in the {"error"} shape', async () => {
    const pages = await heldPageServer(page('dr-like.html'));
    const srv = await listen(engine, { fetch: { enabled: true, allowPrivate: true } });
    try {
      const answer = postJson(`${srv.url}/v1/articles`, { url: pages.url });
      await pages.arrived;
      await srv.server.shutdown(200);
      const r = await answer;
      expect(r.status).toBe(503);
      expect(r.json).toEqual({ error: 'the server is shutting down' });
      expect(srv.server.inFlight()).toBe(0);
    } finally {
      pages.release();
      await srv.close();
      await pages.close();
    }
  });
});
