/**
 * A child process for the translation-memory tests (tests/integration/cache-*.test.ts), run as
 * `node --import tsx tests/helpers/cache-worker.ts <mode> <dir> ...`.
 *
 * Modes:
 *   mixed <dir> <worker> <workers> <n> <batch>
 *       Prints `ready` once open, waits for a line on stdin, then stores its own n entries in batches; after each batch it
 *       looks up a sample of every worker's keys and checks each hit against the expected value.
 *       Then prints one JSON line: { worker, stored, lookups, hits, ownMisses, wrong, ms, startedAt, endedAt }.
 *   crash <dir> <run> <batch>
 *       Stores batches of run <run> (at most 2,000), printing `ok <b>` after store() of batch b
 *       returned. Meant to be killed with SIGKILL.
 *   open <dir>
 *       Opens and closes it; prints `opened`, or the error message.
 *   touch <dir> <key>
 *       Looks up <key>, stores one entry of its own, prints JSON { found, stored }.
 */
import { createInterface } from 'node:readline';
import { openTranslationMemory } from '../../src/cache/index.js';
import { cacheEntry } from './cache-entries.js';

async function mixed(dir: string, worker: number, workers: number, n: number, batch: number) {
  const memory = openTranslationMemory(dir);
  // Start together: say so once open, then wait for the parent's line (sent when all are ready).
  process.stdout.write('ready\n');
  const rl = createInterface({ input: process.stdin });
  await new Promise<void>((done) => rl.once('line', () => done()));
  rl.close();
  const startedAt = Date.now();
  const start = performance.now();
  let stored = 0;
  let lookups = 0;
  let hits = 0;
  let ownMisses = 0;
  let wrong = 0;
  for (let b = 0; b * batch < n; b++) {
    const entries = [];
    for (let i = b * batch; i < Math.min(n, (b + 1) * batch); i++) entries.push(cacheEntry(`w${worker}`, i));
    memory.store(entries);
    stored += entries.length;
    // Read back a sample from every writer: own entries must all be there, others' when present must be right.
    const wanted: { key: string; target: string; own: boolean }[] = [];
    for (let w = 0; w < workers; w++) {
      for (let k = 0; k < 20; k++) {
        const i = (b * 37 + k * 101) % n;
        const e = cacheEntry(`w${w}`, w === worker ? i % stored : i);
        wanted.push({ key: e.key, target: e.target, own: w === worker });
      }
    }
    const found = memory.lookup(wanted.map((x) => x.key));
    lookups += wanted.length;
    for (const x of wanted) {
      const got = found.get(x.key);
      if (got === undefined) {
        if (x.own) ownMisses++;
      } else {
        hits++;
        if (got !== x.target) wrong++;
      }
    }
    // Let the other processes in between batches.
    await new Promise((r) => setTimeout(r, b % 3));
  }
  const ms = performance.now() - start;
  const endedAt = Date.now();
  await memory.close();
  process.stdout.write(JSON.stringify({ worker, stored, lookups, hits, ownMisses, wrong, ms, startedAt, endedAt }) + '\n');
}

/**
 * Batches a crash writer stores at most: the test kills it after a few, but a writer whose test
 * timed out (or whose parent died) must not fill the disk (one unbounded writer once grew its
 * folder to 52 GB).
 */
const CRASH_MAX_BATCHES = 2000;

function crash(dir: string, run: string, batch: number) {
  const memory = openTranslationMemory(dir);
  for (let b = 0; b < CRASH_MAX_BATCHES; b++) {
    const entries = [];
    for (let i = b * batch; i < (b + 1) * batch; i++) entries.push(cacheEntry(run, i));
    memory.store(entries);
    // stdout to a pipe is synchronous on Linux: once the parent reads this, store() has returned.
    process.stdout.write(`ok ${b}\n`);
  }
}

async function touch(dir: string, key: string) {
  const memory = openTranslationMemory(dir);
  const found = memory.lookup([key]).get(key) ?? null;
  memory.store([{ key: `child-${process.pid}`, source: 'barn', target: 'child' }]);
  await memory.close();
  process.stdout.write(JSON.stringify({ found, stored: `child-${process.pid}` }) + '\n');
}

const [mode, dir, ...rest] = process.argv.slice(2);
if (mode === 'mixed') await mixed(dir!, Number(rest[0]), Number(rest[1]), Number(rest[2]), Number(rest[3]));
else if (mode === 'crash') crash(dir!, rest[0]!, Number(rest[1]));
else if (mode === 'open') {
  try {
    await openTranslationMemory(dir!).close();
    process.stdout.write('opened\n');
  } catch (error) {
    process.stdout.write(`${(error as Error).message}\n`);
  }
} else if (mode === 'touch') await touch(dir!, rest[0]!);
else if (mode !== undefined) {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exit(2);
}
