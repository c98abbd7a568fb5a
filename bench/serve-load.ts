/**
 * `npm run bench:serve -- [--clients 50] [--per-client 20] [--single 100] [--rounds 3] [--model DIR] [--threads N]`
 *
 * `da2en serve` under load on loopback: many concurrent clients against one server (one model, the
 * shared sentence queue), against the same kind of requests sent one at a time. The default model is
 * the builder's `echo-opus-da-en` preset (the real model's shapes and compute cost, weights that copy
 * the source and end by themselves, so outputs are as long as their sources with no length-forcing
 * hook). Rounds interleave the two runs; the figures are medians over rounds, with the load average
 * of each round.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { createServer } from '../src/server/app.js';
import { startWorkerEngine } from '../src/server/worker-engine.js';
import { builtModel } from '../tools/builder-models.js';
import { loadRequests, percentile, type LoadRequest } from '../tools/server-load.js';
import type { AddressInfo } from 'node:net';

const args = yargs(hideBin(process.argv))
  .option('clients', { type: 'number', default: 50 })
  .option('per-client', { type: 'number', default: 20 })
  .option('single', { type: 'number', default: 100, describe: 'requests in the one-at-a-time run' })
  .option('rounds', { type: 'number', default: 3 })
  .option('model', { type: 'string', describe: 'model directory (default: the echo-opus-da-en builder model)' })
  .option('threads', { type: 'number', describe: 'ONNX Runtime threads (default: all cores)' })
  .strict()
  .parseSync();

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const model = args.model ? path.resolve(args.model) : await builtModel('echo-opus-da-en', 1);
const engine = await startWorkerEngine({ model, dtype: 'q8', offline: true, ...(args.threads ? { threads: args.threads } : {}) });
const server = await createServer({ engine, maxQueue: args.clients + 1, charLimit: -1 });
await server.app.listen({ host: '127.0.0.1', port: 0 });
const url = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;

async function totals() {
  return ((await (await fetch(`${url}/health`)).json()) as { totals: { modelCalls: number; modelRows: number; sharedCalls: number } }).totals;
}

async function send(r: LoadRequest): Promise<number> {
  const t = performance.now();
  const response = await fetch(`${url}/translate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ q: r.text, source: 'da', target: 'en' }) });
  const body = (await response.json()) as { translatedText?: string };
  if (response.status !== 200 || typeof body.translatedText !== 'string') throw new Error(`request ${r.client}/${r.seq}: ${response.status} ${JSON.stringify(body)}`);
  return performance.now() - t;
}

async function measure(name: string, run: () => Promise<number[]>, count: number) {
  const before = await totals();
  const load = loadavg();
  const t = performance.now();
  const latencies = (await run()).sort((a, b) => a - b);
  const wall = performance.now() - t;
  const after = await totals();
  const calls = after.modelCalls - before.modelCalls;
  return {
    name,
    requestsPerS: (count * 1000) / wall,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    callsPerRequest: calls / count,
    rowsPerCall: (after.modelRows - before.modelRows) / Math.max(1, calls),
    loadavg: load,
  };
}

const results: Awaited<ReturnType<typeof measure>>[] = [];
for (let round = 0; round < args.rounds; round++) {
  const requests = loadRequests(args.clients, args.perClient, 100 + round);
  const sample = requests.flat().slice(0, args.single);
  const concurrent = () =>
    measure(`${args.clients} clients at once`, async () => (await Promise.all(requests.map(async (mine) => { const out: number[] = []; for (const r of mine) out.push(await send(r)); return out; }))).flat(), args.clients * args.perClient);
  const oneAtATime = () => measure('one at a time', async () => { const out: number[] = []; for (const r of sample) out.push(await send(r)); return out; }, sample.length);
  const order = round % 2 === 0 ? [concurrent, oneAtATime] : [oneAtATime, concurrent];
  for (const run of order) {
    const r = await run();
    results.push(r);
    process.stderr.write(`round ${round + 1}: ${r.name}: ${r.requestsPerS.toFixed(1)} req/s, p50 ${r.p50Ms.toFixed(0)} ms, p95 ${r.p95Ms.toFixed(0)} ms, ${r.callsPerRequest.toFixed(3)} model calls/request, ${r.rowsPerCall.toFixed(1)} rows/call (load ${r.loadavg})\n`);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const name of [...new Set(results.map((r) => r.name))]) {
  const rs = results.filter((r) => r.name === name);
  console.log(
    `${name.padEnd(22)} median of ${rs.length}: ${median(rs.map((r) => r.requestsPerS)).toFixed(1)} req/s, p50 ${median(rs.map((r) => r.p50Ms)).toFixed(0)} ms, p95 ${median(rs.map((r) => r.p95Ms)).toFixed(0)} ms, ` +
      `${median(rs.map((r) => r.callsPerRequest)).toFixed(3)} model calls/request, ${median(rs.map((r) => r.rowsPerCall)).toFixed(1)} rows/call; load averages ${rs.map((r) => r.loadavg.split(' ')[0]).join(', ')}`,
  );
}
await server.shutdown(1000);
await engine.dispose();
