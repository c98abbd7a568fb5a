/**
 * Why fastify for `da2en serve`: the cost per request of the HTTP layer alone (no model), fastify
 * against bare node:http, on a JSON POST shaped like /translate. Interleaved A/B rounds on loopback,
 * medians reported with the load average. Run: npx tsx bench/http-framework.ts
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import formbody from '@fastify/formbody';

const BODY = JSON.stringify({ q: 'Det regner i dag. '.repeat(20), source: 'da', target: 'en' });
const REQUESTS = Number(process.env['REQUESTS'] ?? 2000);
const CONCURRENCY = 16;
const ROUNDS = Number(process.env['ROUNDS'] ?? 5);

async function bare(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { q: string };
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ translatedText: body.q }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

async function withFastify(): Promise<{ url: string; close: () => Promise<void> }> {
  const app = Fastify();
  await app.register(formbody);
  app.post('/translate', async (request) => ({ translatedText: (request.body as { q: string }).q }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
}

async function round(url: string): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < REQUESTS) {
        const r = await fetch(`${url}/translate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
        await r.json();
      }
    }),
  );
  return (REQUESTS * 1000) / (performance.now() - started);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const servers = { 'node:http': await bare(), fastify: await withFastify() };
const results: Record<string, number[]> = { 'node:http': [], fastify: [] };
for (let i = 0; i < ROUNDS; i++) {
  for (const [name, s] of i % 2 === 0 ? Object.entries(servers) : Object.entries(servers).reverse()) results[name]!.push(await round(s.url));
}
for (const [name, xs] of Object.entries(results)) console.log(`${name.padEnd(10)} median ${median(xs).toFixed(0)} req/s over ${ROUNDS} rounds (${xs.map((x) => x.toFixed(0)).join(', ')})`);
console.log(`load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
await Promise.all(Object.values(servers).map((s) => s.close()));
