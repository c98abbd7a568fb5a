/**
 * Running queue workers as separate processes for the queue tests and the throughput benchmark:
 * spawn `da2en worker`, wait for the queue to drain, stop workers and read their summaries.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { openQueue, queueStatus, type QueueStatus } from '../src/queue/index.js';
import { spawnCli, type SpawnedCli } from './spawn-cli.js';

export interface WorkerSummary {
  done: number;
  failed: number;
  translated: number;
  calls: number;
  cached: number;
}

/** The summary line a worker prints when it stops (src/cli/commands/worker-summary.ts): "1 article", "2 articles". */
export function workerSummary(stderr: string): WorkerSummary | null {
  const m = stderr.match(/: (\d+) articles? done, (\d+) failed; (\d+) segments? translated in (\d+) model calls?, (\d+) from the cache/);
  return m ? { done: Number(m[1]), failed: Number(m[2]), translated: Number(m[3]), calls: Number(m[4]), cached: Number(m[5]) } : null;
}

export interface WorkerSettings {
  redis: string;
  queue: string;
  model: string;
  /** Default fp32 (batching never changes an fp32 translation, so outputs compare exactly). */
  dtype?: string;
  extra?: string[];
}

export function spawnWorker(s: WorkerSettings): SpawnedCli {
  return spawnCli(['worker', '--redis', s.redis, '--queue', s.queue, '--model', s.model, '--offline', '--dtype', s.dtype ?? 'fp32', '--verbose', ...(s.extra ?? [])]);
}

/** Resolves once the worker says it is taking jobs (its model is loaded). */
export async function workerReady(w: SpawnedCli, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!/taking jobs from/.test(w.stderr())) {
    if (w.child.exitCode !== null) throw new Error(`worker exited early: ${w.stderr().slice(-800)}`);
    if (Date.now() > deadline) throw new Error(`worker not ready after ${timeoutMs} ms: ${w.stderr().slice(-800)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls the queue until `until(status)` holds. */
export async function waitForQueue(redis: string, queue: string, until: (s: QueueStatus) => boolean, timeoutMs = 600_000, workers: SpawnedCli[] = []): Promise<QueueStatus> {
  const { queue: q, connection: client, close } = openQueue(redis, queue);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await queueStatus(q, client);
      if (until(s)) return s;
      if (Date.now() > deadline) throw new Error(`queue not there after ${timeoutMs} ms: ${JSON.stringify(s)}; workers: ${workers.map((w) => w.stderr().slice(-400)).join(' | ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await close();
  }
}

/** SIGTERM every worker; their exit codes and summaries. */
export async function stopWorkers(workers: SpawnedCli[]): Promise<{ code: number | null; summary: WorkerSummary | null; stderr: string }[]> {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
  const ends = await Promise.all(workers.map((w) => w.done));
  return ends.map((e) => ({ code: e.code, summary: workerSummary(e.stderr), stderr: e.stderr }));
}

/**
 * Every output file of a folder, name → contents; JSON outputs without their timings (they differ
 * run to run). Temporary files that an atomic write killed half-way left behind (name.<hash>) are
 * not outputs: they are counted in `leftovers`.
 */
export function outputsOf(dir: string, leftovers: string[] = []): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of readdirSync(dir).sort()) {
    if (!/\.(json|txt)$/.test(name)) {
      leftovers.push(name);
      continue;
    }
    let text = readFileSync(path.join(dir, name), 'utf8');
    if (name.endsWith('.json')) {
      const doc = JSON.parse(text) as Record<string, unknown>;
      delete doc['timings'];
      text = JSON.stringify(doc);
    }
    files.set(name, text);
  }
  return files;
}

/**
 * A JSON output as far as it must match an uninterrupted run when some of its segments came from the
 * translation memory: every translation, title and metadata, but not where each segment came from
 * (`origin` is "cache" instead of "model" by design) nor the decoding-guard flags and the QA that
 * reads them (the memory stores translations only, so a segment from it has no flags).
 */
export function withoutProvenance(json: string): string {
  const doc = JSON.parse(json) as { paragraphs: { qa?: unknown; chunks: Record<string, unknown>[] }[]; qa?: unknown };
  delete doc.qa;
  for (const p of doc.paragraphs) {
    delete p.qa;
    for (const c of p.chunks) {
      delete c['origin'];
      delete c['flags'];
    }
  }
  return JSON.stringify(doc);
}
