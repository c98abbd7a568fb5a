/**
 * Load on loopback, bounded: 50 concurrent clients × 20 requests of mixed sizes against one server
 * (the echo builder model in a worker thread, so every right answer is known: it is the request's
 * own text, and every text is unique to its request). Then a share of the same requests one at a
 * time, for comparison. Figures go to stderr; the assertions are about correctness and batching,
 * never about speed (the machine is shared). `npm run bench:serve` runs a bigger load.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerEngine } from '../../src/server/engine.js';
import { loadRequests, percentile, type LoadRequest } from '../../tools/server-load.js';
import { echoEngine, listen, type JsonBody, type RunningServer } from '../helpers/test-server.js';
import { readFileSync } from 'node:fs';

interface Totals {
  modelCalls: number;
  modelRows: number;
  sharedCalls: number;
}

async function totals(url: string): Promise<Totals> {
  return ((await (await fetch(`${url}/health`)).json()) as JsonBody).totals as Totals;
}

async function send(url: string, r: LoadRequest): Promise<{ ms: number; text: unknown; status: number }> {
  const started = performance.now();
  const response = await fetch(`${url}/translate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ q: r.text, source: 'da', target: 'en' }),
  });
  const body = (await response.json()) as { translatedText?: unknown };
  return { ms: performance.now() - started, text: body.translatedText, status: response.status };
}

function summary(name: string, latencies: number[], wallMs: number, requests: number, before: Totals, after: Totals) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const calls = after.modelCalls - before.modelCalls;
  const rows = after.modelRows - before.modelRows;
  return {
    name,
    requests,
    wallS: +(wallMs / 1000).toFixed(2),
    requestsPerS: +((requests * 1000) / wallMs).toFixed(1),
    p50Ms: Math.round(percentile(sorted, 50)),
    p95Ms: Math.round(percentile(sorted, 95)),
    modelCalls: calls,
    modelCallsPerRequest: +(calls / requests).toFixed(3),
    rowsPerCall: +(rows / Math.max(1, calls)).toFixed(1),
    sharedCalls: after.sharedCalls - before.sharedCalls,
  };
}

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

describe('da2en serve under load (loopback)', () => {
  let engine: ServerEngine;
  let srv: RunningServer;
  const CLIENTS = 50;
  const PER_CLIENT = 20;
  const requests = loadRequests(CLIENTS, PER_CLIENT);

  beforeAll(async () => {
    engine = await echoEngine();
    srv = await listen(engine, { maxQueue: CLIENTS });
  });
  afterAll(async () => {
    await srv?.close();
    await engine?.dispose();
  });

  it('50 clients × 20 mixed requests: every answer right and paired, none lost or duplicated; batched across requests', async () => {
    const answers = new Map<string, { text: unknown; status: number }>();
    const latencies: number[] = [];
    const health: number[] = [];
    let running = true;
    const poll = (async () => {
      while (running) {
        const t = performance.now();
        await fetch(`${srv.url}/health`).then((r) => r.json());
        health.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    const before = await totals(srv.url);
    const load0 = loadavg();
    const started = performance.now();
    await Promise.all(
      requests.map(async (mine) => {
        for (const r of mine) {
          const a = await send(srv.url, r);
          const key = `${r.client}/${r.seq}`;
          expect(answers.has(key), `duplicate answer for ${key}`).toBe(false);
          answers.set(key, a);
          latencies.push(a.ms);
        }
      }),
    );
    const wall = performance.now() - started;
    running = false;
    await poll;
    const batched = summary('50 clients at once', latencies, wall, CLIENTS * PER_CLIENT, before, await totals(srv.url));

    // Every request answered once, with its own text (the echo model copies it).
    expect(answers.size).toBe(CLIENTS * PER_CLIENT);
    for (const r of requests.flat()) {
      const a = answers.get(`${r.client}/${r.seq}`)!;
      expect(a.status, `${r.client}/${r.seq}`).toBe(200);
      expect(a.text, `${r.client}/${r.seq}`).toBe(r.text);
    }

    // The same kind of work one request at a time (the first 2 clients' requests).
    const sample = requests.slice(0, 2).flat();
    const before1 = await totals(srv.url);
    const single: number[] = [];
    const started1 = performance.now();
    for (const r of sample) {
      const a = await send(srv.url, r);
      expect(a.text).toBe(r.text);
      single.push(a.ms);
    }
    const oneAtATime = summary('one at a time', single, performance.now() - started1, sample.length, before1, await totals(srv.url));

    const healthSorted = [...health].sort((a, b) => a - b);
    process.stderr.write(
      `\n[server-load] load average before ${load0}, after ${loadavg()}\n` +
        `[server-load] ${JSON.stringify(batched)}\n[server-load] ${JSON.stringify(oneAtATime)}\n` +
        `[server-load] /health during load: ${health.length} answers, p50 ${percentile(healthSorted, 50).toFixed(1)} ms, max ${healthSorted.at(-1)?.toFixed(1)} ms\n`,
    );

    // Batching across requests happened: many calls carried rows of several requests, and a
    // request cost far less than one model call on average (one at a time it costs at least one).
    expect(batched.sharedCalls).toBeGreaterThan(0);
    expect(batched.modelCallsPerRequest).toBeLessThan(0.5);
    expect(oneAtATime.modelCallsPerRequest).toBeGreaterThanOrEqual(1);
    expect(batched.rowsPerCall).toBeGreaterThan(oneAtATime.rowsPerCall);
    // /health kept answering while the load ran.
    expect(health.length).toBeGreaterThan(3);
  }, 240_000);
});
