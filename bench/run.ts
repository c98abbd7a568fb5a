/**
 * Throughput benchmark: `npm run bench -- [--n 200] [--naive-n N] [--dtypes q8,fp32] [--model DIR] [--json]`.
 *
 * Inputs: the first N sentences of FLORES-200 dev (../shared, or $DA2EN_SHARED) and the seed article.
 * The model is the builder's `opus-da-en` preset (the real model's exact shapes and compute cost, random
 * weights). Random weights do not stop by themselves, so every output is forced to the token length of
 * the matching English reference line, for ours and for the naive baseline alike: both produce exactly
 * the same number of target tokens.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { env, pipeline } from '@huggingface/transformers';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { builtModel } from '../tools/builder-models.js';
import { loadTranslator } from '../src/engine/load-translator.js';
import type { Dtype } from '../src/engine/marian-model.js';
import { translateDocument } from '../src/pipeline/translate-document.js';
import { segmentLines } from '../src/segmentation/for-translator.js';
import { flopsPerTargetToken, measureMatmul } from './matmul-limit.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env['DA2EN_SHARED'] ?? path.resolve(root, '../shared');

interface DtypeResult {
  tokensPerSecond: number;
  sentencesPerSecond: number;
  ratioVsNaive: number;
  ratioVsNaiveSameDtype: number;
  seedArticleSeconds: number;
  loadSeconds: number;
  peakRssMB: number;
  naiveTokensPerSecond: number;
  naiveSameDtypeTokensPerSecond: number;
}

function lines(file: string, n: number): string[] {
  return readFileSync(file, 'utf8').split('\n').slice(0, n);
}

/** The opus-da-en builder model, rebuilt whenever the builder's source changes (shared with the data suite). */
async function benchModel(dir: string | undefined): Promise<string> {
  if (dir) return path.resolve(dir);
  process.stderr.write('opus-da-en builder model (built into .cache/test-models on first use, ~40 s) …\n');
  return builtModel('opus-da-en', 1);
}

/** Ours: the product path (segmentation, length-sorted batches, own decoding loop). */
async function runOurs(dir: string, dtype: Dtype, sources: string[], lengths: Map<string, number>) {
  const loadStart = performance.now();
  const translator = await loadTranslator({ model: dir, dtype, offline: true, engine: "js" });
  const loadSeconds = (performance.now() - loadStart) / 1000;
  const doc = segmentLines(sources, translator).document;
  const start = performance.now();
  const { stats } = await translateDocument(doc, translator);
  const seconds = (performance.now() - start) / 1000;
  await translator.dispose();
  return { seconds, tokens: stats.targetTokens, loadSeconds, calls: stats.modelCalls };
}

/** Naive: what the Transformers.js docs show — one pipeline call per sentence, in sequence, default options. */
async function runNaive(dir: string, dtype: Dtype | undefined, sources: string[], lengths: Map<string, number>) {
  env.allowRemoteModels = false;
  const translate = await pipeline('translation', dir, dtype ? { dtype } : {});
  const start = performance.now();
  let tokens = 0;
  for (const s of sources) {
    const n = lengths.get(s)!;
    await translate(s, { max_new_tokens: n, min_new_tokens: n } as Record<string, unknown>);
    tokens += n;
  }
  const seconds = (performance.now() - start) / 1000;
  await translate.dispose();
  return { seconds, tokens };
}

/** The seed article through the CLI, model load included, in a fresh process; also its peak RSS. */
async function runSeedCli(dir: string, dtype: Dtype): Promise<{ seconds: number; peakRssMB: number }> {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'da2en-bench-')), 'seed.html');
  // The `da2en` command as installed: the launcher, which on Linux runs the CLI in a child process.
  const cli = path.join(root, 'dist', 'cli', 'bin.js');
  if (!existsSync(cli)) throw new Error('run "npm run build" first (the benchmark times the built CLI)');
  const args = [cli, path.join(shared, 'seed', 'seed-article.da.txt'), '--model', dir, '--dtype', dtype, '--offline', '--no-cache', '--quiet', '-o', out];
  const start = performance.now();
  const stderr = await new Promise<string>((resolve, reject) => {
    // Without NODE_OPTIONS: the benchmark itself runs under tsx, whose loader must not ride along.
    const { NODE_OPTIONS: _loader, ...cleanEnv } = process.env;
    // Every process reports its own peak (NODE_OPTIONS reaches the CLI's process too); the largest is the CLI's.
    const child = spawn(process.execPath, args, { env: { ...cleanEnv, NODE_OPTIONS: `--import=${path.join(root, 'tools', 'report-rss.mjs')}`, DA2EN_BENCH_LENGTH_RATIO: '1.1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(err) : reject(new Error(`CLI exited ${code}: ${err}`))));
  });
  const seconds = (performance.now() - start) / 1000;
  const rss = Math.max(...[...stderr.matchAll(/peak-rss-kb=(\d+)/g)].map((m) => Number(m[1])));
  return { seconds, peakRssMB: rss / 1024 };
}

async function main() {
  const args = await yargs(hideBin(process.argv))
    .option('n', { type: 'number', default: 200, describe: 'FLORES dev sentences' })
    .option('seed-runs', { type: 'number', default: 5, describe: 'CLI runs on the seed article per dtype (median time, highest peak RSS)' })
    .option('naive-n', { type: 'number', describe: 'sentences for the naive baseline (default: n)' })
    .option('dtypes', { type: 'string', default: 'q8,fp32' })
    .option('model', { type: 'string', describe: 'model directory (default: build the opus-da-en preset)' })
    .option('json', { type: 'boolean', default: false })
    .strict()
    .parse();
  const dir = await benchModel(args.model);
  const sources = lines(path.join(shared, 'data/eval/flores200-dev.da'), args.n);
  const refs = lines(path.join(shared, 'data/eval/flores200-dev.en'), args.n);
  const naiveN = Math.min(args['naive-n'] ?? args.n, args.n);

  // Target lengths: the reference line's token count with the model's own tokenizer (no end token).
  const probe = await loadTranslator({ model: dir, dtype: 'q8', offline: true });
  const lengths = new Map(sources.map((s, i) => [s, Math.max(1, probe.countTokens(refs[i]!) - 1)]));
  await probe.dispose();
  const naiveSources = sources.slice(0, naiveN);

  const log = (m: string) => process.stderr.write(m + '\n');
  const dtypes = args.dtypes.split(',') as Dtype[];
  const results: Record<string, DtypeResult> = {};
  // The CLI runs first, while this process is idle: later it holds what the naive pipeline left
  // behind (Transformers.js streams both model files into memory) and collecting that competed
  // with the CLI for the 2 cores (1.8 s of CPU in this process during one 5.4 s CLI run).
  // The machine is shared and noisy: several fresh processes, the median time and the highest peak.
  const seeds = new Map<Dtype, { seconds: number; peakRssMB: number }>();
  for (const dtype of dtypes) {
    log(`seed article through the CLI, ${dtype} …`);
    const seedRuns: { seconds: number; peakRssMB: number }[] = [];
    for (let i = 0; i < args['seed-runs']; i++) seedRuns.push(await runSeedCli(dir, dtype));
    const seedSeconds = seedRuns.map((r) => r.seconds).sort((a, b) => a - b);
    seeds.set(dtype, { seconds: seedSeconds[(seedSeconds.length - 1) >> 1]!, peakRssMB: Math.max(...seedRuns.map((r) => r.peakRssMB)) });
    log(`  seed runs: ${seedRuns.map((r) => `${r.seconds.toFixed(2)} s / ${r.peakRssMB.toFixed(0)} MB`).join(', ')}`);
  }
  // The naive default is what Transformers.js picks with no dtype: fp32 on CPU.
  log(`naive baseline (default options) on ${naiveN} sentences …`);
  const naiveDefault = await runNaive(dir, undefined, naiveSources, lengths);
  const naiveDefaultRate = naiveDefault.tokens / naiveDefault.seconds;
  for (const dtype of dtypes) {
    log(`ours, ${dtype}, ${sources.length} sentences …`);
    const ours = await runOurs(dir, dtype, sources, lengths);
    const oursNaiveSet = naiveN === sources.length ? ours : await runOurs(dir, dtype, naiveSources, lengths);
    log(`naive, ${dtype} …`);
    const naiveSame = dtype === 'fp32' ? naiveDefault : await runNaive(dir, dtype, naiveSources, lengths);
    const seed = seeds.get(dtype)!;
    const oursRateOnNaiveSet = oursNaiveSet.tokens / oursNaiveSet.seconds;
    results[dtype] = {
      tokensPerSecond: ours.tokens / ours.seconds,
      sentencesPerSecond: sources.length / ours.seconds,
      ratioVsNaive: oursRateOnNaiveSet / naiveDefaultRate,
      ratioVsNaiveSameDtype: oursRateOnNaiveSet / (naiveSame.tokens / naiveSame.seconds),
      seedArticleSeconds: seed.seconds,
      loadSeconds: ours.loadSeconds,
      peakRssMB: seed.peakRssMB,
      naiveTokensPerSecond: naiveDefaultRate,
      naiveSameDtypeTokensPerSecond: naiveSame.tokens / naiveSame.seconds,
    };
  }
  const threads = os.availableParallelism();
  const matmul = await measureMatmul(threads);
  const flops = flopsPerTargetToken();
  const limitTokensPerSecond = (matmul.q8Gflops * 1e9) / flops;

  const fmt = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  const rows = [
    ['', ...dtypes],
    ['target tokens/s (ours)', ...dtypes.map((d) => fmt(results[d]!.tokensPerSecond))],
    ['sentences/s (ours)', ...dtypes.map((d) => fmt(results[d]!.sentencesPerSecond, 2))],
    ['naive same dtype tokens/s', ...dtypes.map((d) => fmt(results[d]!.naiveSameDtypeTokensPerSecond))],
    ['ours / naive (default = fp32)', ...dtypes.map((d) => fmt(results[d]!.ratioVsNaive, 2) + '×')],
    ['ours / naive (same dtype)', ...dtypes.map((d) => fmt(results[d]!.ratioVsNaiveSameDtype, 2) + '×')],
    ['seed article, CLI incl. load (s, median)', ...dtypes.map((d) => fmt(results[d]!.seedArticleSeconds, 2))],
    ['model load (s)', ...dtypes.map((d) => fmt(results[d]!.loadSeconds, 2))],
    ['peak RSS, seed via CLI (MB, highest)', ...dtypes.map((d) => fmt(results[d]!.peakRssMB, 0))],
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) process.stdout.write(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ') + '\n');
  process.stdout.write(
    `\ncompute limit (${threads} threads): int8 matmul ${fmt(matmul.q8Gflops)} GFLOP/s, fp32 ${fmt(matmul.fp32Gflops)} GFLOP/s; ` +
      `${fmt(flops / 1e6, 0)} MFLOP per target token → about ${fmt(limitTokensPerSecond, 0)} tokens/s (q8); ` +
      `ours at ${fmt((100 * (results['q8']?.tokensPerSecond ?? 0)) / limitTokensPerSecond, 0)}% of it\n`,
  );
  if (args.json) {
    const json: Record<string, unknown> = {};
    for (const d of dtypes) {
      const r = results[d]!;
      json[d] = { tokensPerSecond: r.tokensPerSecond, sentencesPerSecond: r.sentencesPerSecond, ratioVsNaive: r.ratioVsNaive, ratioVsNaiveSameDtype: r.ratioVsNaiveSameDtype, seedArticleSeconds: r.seedArticleSeconds, loadSeconds: r.loadSeconds, peakRssMB: r.peakRssMB };
    }
    json['limitTokensPerSecond'] = limitTokensPerSecond;
    process.stdout.write(JSON.stringify(json) + '\n');
  }
}

await main();
