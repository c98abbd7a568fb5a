import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { openTranslationMemory } from '../../src/cache/index.js';
import { builtModel } from '../../tools/builder-models.js';
import { prng } from '../helpers/prng.js';
import { spawnCli, verboseCounts } from '../helpers/spawn-cli.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shared = process.env['DA2EN_SHARED'] ?? path.resolve(root, '../shared');
const ARTICLES = 200;

/** 200 articles made at test time from the shared ones (never committed): shuffled paragraphs, a unique first line. */
function makeCorpus(dir: string): string[] {
  const articlesDir = path.join(shared, 'data/articles');
  if (!existsSync(articlesDir)) throw new Error(`shared articles not found at ${articlesDir}; set DA2EN_SHARED`);
  const sources = readdirSync(articlesDir).filter((f) => f.endsWith('.da.txt')).sort().map((f) => readFileSync(path.join(articlesDir, f), 'utf8').split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean));
  const files: string[] = [];
  for (let k = 0; k < ARTICLES; k++) {
    const rand = prng(k + 1);
    const paragraphs = [...sources[k % sources.length]!].sort(() => rand() - 0.5).slice(0, 12);
    const file = path.join(dir, `artikel-${String(k).padStart(3, '0')}.da.txt`);
    writeFileSync(file, [`Artikel nummer ${k + 1} i samlingen`, ...paragraphs].join('\n\n') + '\n');
    files.push(file);
  }
  return files;
}

let model: string;
let inputs: string[];
let work: string;
beforeAll(async () => {
  model = await builtModel('tiny');
  work = mkdtempSync(path.join(os.tmpdir(), 'da2en-load-'));
  mkdirSync(path.join(work, 'in'));
  inputs = makeCorpus(path.join(work, 'in'));
}, 300_000);

describe(`a batch of ${ARTICLES} articles in one run`, () => {
  it('is complete and paired, bounded in memory, and a kill plus re-run translates nothing twice', async () => {
    const rss = `--import=${path.join(root, 'tools/report-rss.mjs')}`;
    const run = (name: string, cacheDir: string) => spawnCli([...inputs, '--model', model, '--offline', '--verbose', '--format', 'json', '--out-dir', path.join(work, name), '--cache-dir', cacheDir], { NODE_OPTIONS: rss });

    // Reference: one uninterrupted run with an empty cache.
    const reference = await run('ref', path.join(work, 'cache-ref')).done;
    expect(reference.code).toBe(0);
    const referenceTranslated = verboseCounts(reference.stderr).reduce((n, c) => n + c.translated, 0);
    const peakKb = Number(reference.stderr.match(/peak-rss-kb=(\d+)/)![1]);
    process.stderr.write(`[load] ${ARTICLES} articles: ${referenceTranslated} segments translated by the model, peak RSS ${(peakKb / 1024).toFixed(0)} MB\n`);
    expect(peakKb / 1024).toBeLessThan(800);

    // Killed part-way, then run again with the same cache.
    const out = path.join(work, 'out');
    const cache = path.join(work, 'cache');
    const first = run('out', cache);
    while (!existsSync(out) || readdirSync(out).length < ARTICLES / 3) {
      if (first.child.exitCode !== null) throw new Error('the first run finished before it could be killed');
      await new Promise((r) => setTimeout(r, 20));
    }
    first.child.kill('SIGTERM');
    const killed = await first.done;
    expect(killed.code).toBe(143);
    const writtenBeforeKill = readdirSync(out).length;
    // What the killed run's model translated is what it stored: its summary lines leave out the
    // article it was in when the signal came, whose finished batches are stored all the same.
    const memory = openTranslationMemory(cache);
    const storedByKilled = memory.stats().entries;
    await memory.close();
    const second = await run('out', cache).done;
    expect(second.code).toBe(0);

    const translated = storedByKilled + verboseCounts(second.stderr).reduce((n, c) => n + c.translated, 0);
    process.stderr.write(`[load] killed after ${writtenBeforeKill} articles (${storedByKilled} segments stored); model segments: ${translated} over both runs vs ${referenceTranslated} uninterrupted\n`);
    expect(translated).toBe(referenceTranslated);
    // Articles finished before the kill came entirely from the cache the second time.
    expect(verboseCounts(second.stderr).slice(0, writtenBeforeKill).every((c) => c.translated === 0)).toBe(true);

    // Every output is there, and paragraph i pairs with the input's paragraph i.
    const outputs = readdirSync(out).sort();
    expect(outputs).toHaveLength(ARTICLES);
    for (const [i, file] of inputs.entries()) {
      const doc = JSON.parse(readFileSync(path.join(out, outputs[i]!), 'utf8')) as { paragraphs: { source: string; target: string }[] };
      const paragraphs = readFileSync(file, 'utf8').split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
      expect(doc.paragraphs.map((p) => p.source.replace(/\s+/g, ' '))).toEqual(paragraphs.map((p) => p.replace(/\s+/g, ' ').replace(/^\u00ad|\u00ad$/g, '')));
      expect(doc.paragraphs.every((p) => p.target.length > 0)).toBe(true);
    }
  }, 600_000);
});
