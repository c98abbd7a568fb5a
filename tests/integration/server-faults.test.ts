/**
 * Faults against a running server with the real engine (echo builder model in a worker thread):
 * a client that goes away mid-request, a full queue, a request over the time limit, the event loop
 * staying free during a long translation, and SIGTERM during load on the `da2en serve` process.
 * (Oversized bodies, bad JSON and unknown fields: server-api.test.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open as openLmdb } from 'lmdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_FILE } from '../../src/cache/index.js';
import { SEGMENTS_DB_OPTIONS } from '../../src/cache/translation-memory.js';
import type { ServerEngine } from '../../src/server/engine.js';
import { builtModel } from '../../tools/builder-models.js';
import { percentile } from '../../tools/server-load.js';
import { spawnCli } from '../helpers/spawn-cli.js';
import { echoEngine, listen, postJson, type RunningServer } from '../helpers/test-server.js';
import { groupAlive } from '../helpers/process-group.js';

/** A long text of distinct sentences the echo model copies. */
function longText(tag: string, sentences: number): string {
  const words = ['kommunen', 'bygger', 'en', 'ny', 'skole', 'til', 'elever', 'færgen', 'sejler', 'igen'];
  return Array.from({ length: sentences }, (_, i) => `Det ${tag} ${i} ${words[i % words.length]} ${words[(i * 3 + 1) % words.length]} regner.`)
    .reduce((acc, s, i) => acc + (i === 0 ? '' : i % 5 === 0 ? '\n\n' : ' ') + s, '');
}

async function health(url: string) {
  return (await (await fetch(`${url}/health`)).json()) as {
    queue: { requests: number; waitingSentences: number; translating: number; modelBusy: boolean };
    totals: { modelCalls: number; modelRows: number };
  };
}

async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function translate(url: string, q: string, signal?: AbortSignal) {
  return fetch(`${url}/translate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ q, source: 'da', target: 'en' }),
    ...(signal ? { signal } : {}),
  });
}

describe('da2en serve: faults', () => {
  let engine: ServerEngine;
  let srv: RunningServer;
  let small: RunningServer;
  let slow: RunningServer;

  beforeAll(async () => {
    engine = await echoEngine();
    // Small model calls, so a long request spans many of them.
    srv = await listen(engine, { limits: { batchTokens: 4096, maxBatchSize: 4 } });
    small = await listen(engine, { maxQueue: 2, limits: { batchTokens: 4096, maxBatchSize: 4 } });
    // A limit far below the work (1,500 sentences, ≥375 model calls), so the test does not race the machine's speed.
    slow = await listen(engine, { requestTimeoutMs: 40, limits: { batchTokens: 4096, maxBatchSize: 4 } });
  });
  afterAll(async () => {
    await Promise.all([srv?.close(), small?.close(), slow?.close()]);
    await engine?.dispose();
  });

  it('a long translation leaves the event loop free (/health fast), and a client that goes away has its sentences dropped', async () => {
    // Long enough that a fast machine is still translating it after the 20 /health probes below.
    const sentences = 1500;
    const before = (await health(srv.url)).totals;
    const controller = new AbortController();
    const pending = translate(srv.url, longText('lang', sentences), controller.signal).catch((e: Error) => e);
    await until(async () => (await health(srv.url)).totals.modelCalls > before.modelCalls);

    // While it runs, /health answers at once: the model works in its own thread.
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      const h = await health(srv.url);
      latencies.push(performance.now() - t);
      expect(h.queue.requests).toBe(1);
      await new Promise((r) => setTimeout(r, 20));
    }
    const sorted = latencies.sort((a, b) => a - b);
    process.stderr.write(`\n[server-faults] /health during a long translation: p50 ${percentile(sorted, 50).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms\n`);
    expect(percentile(sorted, 50)).toBeLessThan(50);

    controller.abort();
    expect(await pending).toBeInstanceOf(Error);
    // The request leaves the queue: nothing waits, and once the call that was running ends, the
    // model does no more work for it.
    await until(async () => {
      const h = await health(srv.url);
      return h.queue.requests === 0 && h.queue.waitingSentences === 0 && h.queue.translating === 0 && !h.queue.modelBusy;
    });
    const atCancel = (await health(srv.url)).totals.modelRows;
    await new Promise((r) => setTimeout(r, 300));
    const after = (await health(srv.url)).totals;
    expect(after.modelRows).toBe(atCancel);
    expect(after.modelRows - before.modelRows).toBeLessThan(sentences);
    // And the server goes on serving.
    expect((await postJson(`${srv.url}/translate`, { q: 'Ja.', source: 'da', target: 'en' })).json).toEqual({ translatedText: 'Ja.' });
  });

  it('a full queue answers 429 with Retry-After, in LibreTranslate\'s shape', async () => {
    const controller = new AbortController();
    const busy = [translate(small.url, longText('a', 1500), controller.signal), translate(small.url, longText('b', 1500), controller.signal)].map((p) => p.catch((e: Error) => e));
    await until(async () => (await health(small.url)).queue.requests === 2);
    const r = await postJson(`${small.url}/translate`, { q: 'Ja.', source: 'da', target: 'en' });
    expect(r.status).toBe(429);
    expect(r.json.error).toMatch(/^Slowdown: the translation queue is full/);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    controller.abort();
    await Promise.all(busy);
    await until(async () => (await health(small.url)).queue.requests === 0);
    expect((await postJson(`${small.url}/translate`, { q: 'Ja.', source: 'da', target: 'en' })).status).toBe(200);
  });

  it('a request over the time limit is cancelled with 503 and a clear message', async () => {
    const r = await postJson(`${slow.url}/translate`, { q: longText('tid', 1500), source: 'da', target: 'en' });
    expect(r.status).toBe(503);
    expect(r.json.error).toMatch(/longer than the server's limit of 0.04 s/);
    await until(async () => (await health(slow.url)).queue.waitingSentences === 0);
  });

  it('SIGTERM during load: stops accepting, finishes or cancels in flight (503), exits 0, memory intact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'da2en-serve-term-'));
    try {
      const model = await builtModel('echo');
      // In its own process group, signalled as a whole (as systemd stops a service, or Ctrl-C in a
      // terminal): the model process must outlive the signal until the server has drained.
      const cli = spawnCli(['serve', '--model', model, '--port', '0', '--cache-dir', dir, '--shutdown-grace', '1', '--max-batch-size', '4', '--threads', '1', '--engine', 'js'], {}, { detached: true });
      let url = '';
      await until(async () => {
        url = /listening on (http:\/\/[^/\s]+)/.exec(cli.stderr())?.[1] ?? '';
        if (cli.child.exitCode !== null) throw new Error(`serve exited: ${cli.stderr()}`);
        return url !== '';
      }, 150_000);
      // No --host given: the server is reachable from this machine only.
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      const texts = [
        ...Array.from({ length: 20 }, (_, i) => `Det regner ${i} i dag.`),
        // Long enough (3 × 1,500 sentences, ≥1,100 model calls) that a fast machine cannot finish
        // them within the 1 s grace: some must be cancelled.
        ...Array.from({ length: 3 }, (_, i) => longText(`stor${i}`, 1500)),
      ];
      const results = texts.map((q) =>
        postJson(`${url}/translate`, { q, source: 'da', target: 'en' }).then(
          (r) => ({ q, ...r }),
          (e: Error) => ({ q, status: 0, json: { error: e.message }, headers: new Headers() }),
        ),
      );
      // Some answers are out; the long ones are still running.
      await until(async () => (await health(url)).totals.modelCalls >= 3);
      process.kill(-cli.child.pid!, 'SIGTERM');
      const settled = await Promise.all(results);
      const { code, stderr } = await cli.done;
      expect(code, stderr).toBe(0);
      expect(stderr).toMatch(/shutting down/);
      expect(stderr).toMatch(/stopped/);
      // No model process left behind.
      await until(async () => !groupAlive(cli.child.pid!), 10_000);

      // Every request got an answer: its translation, or 503 in LibreTranslate's shape.
      let ok = 0;
      for (const r of settled) {
        if (r.status === 200) {
          expect(r.json).toEqual({ translatedText: r.q });
          ok++;
        } else {
          expect(r.status, JSON.stringify(r.json)).toBe(503);
          expect(r.json).toEqual({ error: 'the server is shutting down' });
        }
      }
      expect(ok).toBeGreaterThan(0);
      expect(settled.filter((r) => r.status === 503).length).toBeGreaterThan(0);
      // New connections are refused once it is gone.
      await expect(fetch(`${url}/health`)).rejects.toThrow();

      // The translation memory holds only whole, right entries (the echo model's target = source).
      const root = openLmdb({ path: join(dir, DATA_FILE), noSubdir: true, maxDbs: 4, readOnly: true });
      const db = root.openDB<{ source: string; target: string }, string>(SEGMENTS_DB_OPTIONS);
      let entries = 0;
      for (const { value } of db.getRange()) {
        expect(value.target).toBe(value.source);
        entries++;
      }
      await root.close();
      expect(entries).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
