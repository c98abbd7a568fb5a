/**
 * Throughput benchmark: `npm run bench -- [--n 96] [--naive-n 24] [--rounds 3] [--seed-runs 3] [--dtypes q8,fp32] [--batch-sizes 1,8,32] [--model DIR] [--json]`.
 *
 * Workload: the builder's `echo-opus-da-en` preset (opus-mt-da-en's exact shapes, so every token
 * costs what the real model's does, with weights that copy the source and end by themselves), the
 * first N FLORES-200 dev sentences (../shared or $DA2EN_SHARED) and the seed article. Every engine
 * does identical work; nothing in the product is told to force a length.
 *
 * Compared, interleaved round by round (medians of the rounds): generation inside ONNX Runtime (the
 * BeamSearch op) as it runs by default (two model processes where two cores are free) and in one
 * process, and the step-by-step JavaScript loop in one process (as it always ran), greedy and 4 beams,
 * q8 and fp32; and the naive
 * Transformers.js pipeline (one call per sentence, what its docs show). The load average is sampled
 * next to every figure: the machine is shared. `--batch-sizes` adds the op at those batch sizes to the
 * interleaved rounds (how the engine's own choice, OP_BATCH_LIMITS, was measured).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pipeline } from '@huggingface/transformers';
import { hideBin } from 'yargs/helpers';
import type { SourceDocument } from '../src/document/types.js';
import type { Dtype } from '../src/engine/dtype.js';
import { busyCoresBetween, readCpuTimes } from '../src/engine/generation/thread-plan.js';
import { loadTranslator } from '../src/engine/load-translator.js';
import type { TranslateOptions, TranslationResult, Translator } from '../src/engine/translator.js';
import { translateDocument } from '../src/pipeline/translate-document.js';
import { segmentForTranslator } from '../src/segmentation/for-translator.js';
import { builtModel } from '../tools/builder-models.js';
import { flopsPerTargetToken, measureMatmul } from './matmul-limit.js';
import { BenchUsageError, readBenchArgs, type BenchArgs } from './run-options.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env['DA2EN_SHARED'] ?? path.resolve(root, '../shared');
const log = (m: string) => process.stderr.write(m + '\n');
const loadAverage = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

type Engine = 'ort' | 'js';
type Decoding = 'greedy' | 'beams4';
const BEAMS: Record<Decoding, number> = { greedy: 1, beams4: 4 };
/**
 * A configuration; `batch` set = the op with that largest batch instead of the engine's choice;
 * `oneProcess` = one model process with every thread (`--model-processes 1`), as the engine ran
 * before it had two: "today's loop" of the issue is the loop in one process.
 */
interface Config {
  decoding: Decoding;
  engine: Engine;
  batch?: number;
  oneProcess?: boolean;
}

/** Records what each model call produced: useful row-steps of the op (it runs every row to the batch's longest). */
class Recording implements Translator {
  useful = 0;
  spent = 0;
  constructor(readonly inner: Translator) {}
  get modelId() { return this.inner.modelId; }
  get dtype() { return this.inner.dtype; }
  get decoding() { return this.inner.decoding; }
  get maxInputTokens() { return this.inner.maxInputTokens; }
  get batchLimits() { return this.inner.batchLimits; }
  get concurrency() { return this.inner.concurrency; }
  countTokens(text: string) { return this.inner.countTokens(text); }
  async translateBatch(texts: string[], options?: TranslateOptions): Promise<TranslationResult[]> {
    const out = await this.inner.translateBatch(texts, options);
    // Each row takes its tokens + the end token; the op steps every row until the longest is done.
    const steps = Math.max(...out.map((r) => r.tokens + 1));
    this.useful += out.reduce((n, r) => n + r.tokens + 1, 0);
    this.spent += out.length * steps;
    return out;
  }
  dispose() { return this.inner.dispose(); }
}

function documentOf(translator: Translator, lines: string[]): SourceDocument {
  const doc: SourceDocument = { title: '', metadata: {}, paragraphs: [] };
  for (const line of lines) {
    for (const p of segmentForTranslator(line, translator, { packSentences: true }).paragraphs) doc.paragraphs.push({ ...p, index: doc.paragraphs.length });
  }
  return doc;
}

/** Waits (up to 5 s) until the other processes on the machine use less than a quarter of a core. */
async function untilQuiet(): Promise<void> {
  const deadline = performance.now() + 5000;
  while (performance.now() < deadline) {
    const before = readCpuTimes([process.pid]);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const after = readCpuTimes([process.pid]);
    const busy = before && after ? busyCoresBetween(before, after, os.availableParallelism()) : null;
    if (busy === null || busy < 0.25) return;
  }
}

/** The seed article through the installed CLI, model load included; peak RSS of every process it starts. */
async function runSeedCli(dir: string, dtype: Dtype, engine: Engine, beams: number, oneProcess: boolean): Promise<{ seconds: number; peakRssMB: number; totalRssMB: number; load: number }> {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'da2en-bench-')), 'seed.html');
  // The bundle package.json's bin names: the CLI as installed.
  const cli = path.join(root, 'dist', 'bundle', 'bin.js');
  if (!existsSync(cli)) throw new Error('run "npm run build" first (the benchmark times the built CLI)');
  const args = [cli, path.join(shared, 'seed', 'seed-article.da.txt'), '--model', dir, '--dtype', dtype, '--engine', engine, '--beams', String(beams), '--offline', '--no-cache', '--quiet', '-o', out, ...(oneProcess ? ['--model-processes', '1'] : [])];
  const start = performance.now();
  const stderr = await new Promise<string>((resolve, reject) => {
    const { NODE_OPTIONS: _loader, ...cleanEnv } = process.env;
    // NODE_OPTIONS reaches every process of the run (the CLI and its model process): each reports its peak.
    const child = spawn(process.execPath, args, { env: { ...cleanEnv, NODE_OPTIONS: `--import=${path.join(root, 'tools', 'report-rss.mjs')}` }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(err) : reject(new Error(`CLI exited ${code}: ${err}`))));
  });
  const seconds = (performance.now() - start) / 1000;
  // Every process of the run lives until its end, so the sum of their peaks bounds the run's peak.
  const peaks = [...stderr.matchAll(/peak-rss-kb=(\d+)/g)].map((m) => Number(m[1]));
  return { seconds, peakRssMB: Math.max(...peaks) / 1024, totalRssMB: peaks.reduce((a, b) => a + b, 0) / 1024, load: loadAverage() };
}

interface Cell {
  tokensPerSecond: number[];
  load: number[];
  useful: number;
  spent: number;
  seedSeconds: number[];
  seedRss: number[];
  seedTotalRss: number[];
  seedLoad: number[];
}

async function main() {
  let args: BenchArgs;
  try {
    args = readBenchArgs(hideBin(process.argv));
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    process.stderr.write(`bench: ${error.message}\n`);
    process.exit(2);
  }
  const dir = args.model ? path.resolve(args.model) : (log('echo-opus-da-en builder model (built into .cache/test-models on first use, minutes) …'), await builtModel('echo-opus-da-en', 1));
  const sources = readFileSync(path.join(shared, 'data/eval/flores200-dev.da'), 'utf8').split('\n').slice(0, args.n);
  const dtypes = args.dtypes;
  const configs: Config[] = (['greedy', 'beams4'] as Decoding[]).flatMap((decoding) => [
    { decoding, engine: 'ort' as const },
    { decoding, engine: 'ort' as const, oneProcess: true },
    { decoding, engine: 'js' as const, oneProcess: true },
  ]);
  const sweep: Config[] = args['batch-sizes'].length > 0
    ? args['batch-sizes'].flatMap((batch) => (['greedy', 'beams4'] as Decoding[]).map((decoding) => ({ decoding, engine: 'ort' as const, batch })))
    : [];
  const timed = [...configs, ...sweep];
  const key = (d: Dtype, c: Config) => `${d}/${c.decoding}/${c.engine}${c.oneProcess ? '/1 process' : ''}${c.batch ? `/batch ${c.batch}` : ''}`;
  const cells = new Map<string, Cell>();
  const loads: number[] = [];

  for (const dtype of dtypes) {
    log(`${dtype}: loading ${configs.length} translators …`);
    const translators = new Map<string, Recording>();
    for (const c of configs) {
      const translator = await loadTranslator({ model: dir, dtype, offline: true, engine: c.engine, beams: BEAMS[c.decoding], ...(c.oneProcess ? { modelProcesses: 1 } : {}) });
      // The next one plans its threads on a quiet machine only once this one's processes are all up,
      // and have finished what they do on their own once up (warming their heap: heap-warmer.ts), as a
      // user's run would find it.
      log(`  ${key(dtype, c)}: ${await translator.modelProcesses()} model process(es)`);
      await untilQuiet();
      translators.set(key(dtype, c), new Recording(translator));
    }
    for (let round = 0; round < args.rounds; round++) {
      // Interleaved: every configuration once per round, the order rotated so none always goes first.
      const order = timed.map((_, i) => timed[(i + round) % timed.length]!);
      for (const c of order) {
        const t = translators.get(key(dtype, { decoding: c.decoding, engine: c.engine, ...(c.oneProcess ? { oneProcess: true } : {}) }))!;
        const doc = documentOf(t, sources);
        const [useful, spent] = [t.useful, t.spent];
        const start = performance.now();
        const { stats } = await translateDocument(doc, t, c.batch ? { maxBatchSize: c.batch } : {});
        const seconds = (performance.now() - start) / 1000;
        const cell = cells.get(key(dtype, c)) ?? { tokensPerSecond: [], load: [], useful: 0, spent: 0, seedSeconds: [], seedRss: [], seedTotalRss: [], seedLoad: [] };
        cell.useful += t.useful - useful;
        cell.spent += t.spent - spent;
        cell.tokensPerSecond.push(stats.targetTokens / seconds);
        cell.load.push(loadAverage());
        loads.push(loadAverage());
        cells.set(key(dtype, c), cell);
        log(`  round ${round + 1} ${key(dtype, c)}: ${(stats.targetTokens / seconds).toFixed(0)} tokens/s (load ${loadAverage()})`);
      }
    }
    for (const t of translators.values()) await t.dispose();
    for (let run = 0; run < args['seed-runs']; run++) {
      // Rotated as the rounds are: in a fixed order the default always ran first, right after the
      // loop's 4-beam run (the heaviest, ~1 GB), and came out slower than the same work run later
      // (2.27 s against 2.01 s for one model process, the same plan for a short job, 3 runs).
      for (const c of configs.map((_, i) => configs[(i + run) % configs.length]!)) {
        const r = await runSeedCli(dir, dtype, c.engine, BEAMS[c.decoding], c.oneProcess ?? false);
        const cell = cells.get(key(dtype, c))!;
        cell.seedSeconds.push(r.seconds);
        cell.seedRss.push(r.peakRssMB);
        cell.seedTotalRss.push(r.totalRssMB);
        cell.seedLoad.push(r.load);
        loads.push(r.load);
        log(`  seed via CLI ${key(dtype, c)}: ${r.seconds.toFixed(2)} s, ${r.totalRssMB.toFixed(0)} MB in all, ${r.peakRssMB.toFixed(0)} MB the largest process (load ${r.load})`);
      }
    }
  }

  // The naive pipeline (Transformers.js 4.3 decodes one hypothesis: num_beams is not searched), per dtype.
  const naive = new Map<Dtype, number>();
  for (const dtype of dtypes) {
    log(`naive Transformers.js pipeline, ${dtype}, ${args['naive-n']} sentences …`);
    const translate = await pipeline('translation', dir, { dtype });
    const tokenizer = translate.tokenizer;
    const start = performance.now();
    let tokens = 0;
    for (const s of sources.slice(0, args['naive-n'])) {
      const [out] = (await translate(s)) as { translation_text: string }[];
      tokens += (tokenizer.encode(out!.translation_text) as number[]).length - 1;
    }
    naive.set(dtype, tokens / ((performance.now() - start) / 1000));
    loads.push(loadAverage());
    await translate.dispose();
  }

  const threads = os.availableParallelism();
  const matmul = await measureMatmul(threads);
  const limitTokensPerSecond = (matmul.q8Gflops * 1e9) / flopsPerTargetToken();
  const loadAvg = loads.reduce((a, b) => a + b, 0) / loads.length;

  const fmt = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  const header = ['dtype', 'decoding', 'engine', 'tokens/s', 'load', 'seed s (CLI)', 'seed load', 'peak RSS MB (all processes)', 'largest process MB', 'useful row-steps', 'share of limit'];
  const rows = [header];
  for (const dtype of dtypes) {
    for (const c of timed) {
      const cell = cells.get(key(dtype, c))!;
      rows.push([
        dtype,
        c.decoding,
        `${c.engine}${c.oneProcess ? ', 1 process' : ''}${c.batch ? `, batch ≤ ${c.batch}` : ''}`,
        fmt(median(cell.tokensPerSecond)),
        fmt(median(cell.load), 1),
        fmt(median(cell.seedSeconds), 2),
        fmt(median(cell.seedLoad), 1),
        fmt(Math.max(...cell.seedTotalRss)),
        fmt(Math.max(...cell.seedRss)),
        c.engine === 'ort' ? `${fmt((100 * cell.useful) / cell.spent)}%` : 'n/a',
        `${fmt((100 * median(cell.tokensPerSecond)) / limitTokensPerSecond)}%`,
      ]);
    }
    rows.push([dtype, 'naive', 'Transformers.js', fmt(naive.get(dtype)!), '', '', '', '', '', '', `${fmt((100 * naive.get(dtype)!) / limitTokensPerSecond)}%`]);
  }
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) process.stdout.write(r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ') + '\n');
  process.stdout.write(
    `\ncompute limit (${threads} threads): int8 matmul ${fmt(matmul.q8Gflops, 1)} GFLOP/s → about ${fmt(limitTokensPerSecond)} target tokens/s; ` +
      `load average ${fmt(loadAvg, 1)} on ${os.cpus().length} cores (mean of the samples above)\n`,
  );
  if (args.json) {
    const json: Record<string, unknown> = {};
    for (const dtype of dtypes) {
      // ort: the engine as it runs by default; js: "today's loop", in one process as it always ran.
      const tps = (d: Decoding, e: Engine) => median(cells.get(key(dtype, { decoding: d, engine: e, ...(e === 'js' ? { oneProcess: true } : {}) }))!.tokensPerSecond);
      // The default decoding: greedy inside ONNX Runtime (see the README for why not beams).
      const def = cells.get(key(dtype, { decoding: 'greedy', engine: 'ort' }))!;
      json[dtype] = {
        tokensPerSecond: median(def.tokensPerSecond),
        ratioVsNaive: median(def.tokensPerSecond) / naive.get(dtype)!,
        seedArticleSeconds: median(def.seedSeconds),
        peakRssMB: Math.max(...def.seedTotalRss),
        greedy: { ort: tps('greedy', 'ort'), js: tps('greedy', 'js') },
        beams4: { ort: tps('beams4', 'ort'), js: tps('beams4', 'js') },
      };
    }
    json['limitTokensPerSecond'] = limitTokensPerSecond;
    json['loadAverage'] = loadAvg;
    process.stdout.write(JSON.stringify(json) + '\n');
  }
}

await main();
