import type { Argv } from 'yargs';
import type { Translator } from '../../engine/translator.js';
import { openParagraphStream } from '../../io/paragraph-stream.js';
import { scanInput, type InputScan } from '../../io/scan-input.js';
import { writeBilingualStream } from '../../io/stream-output.js';
import { translateParagraphStream } from '../../pipeline/translate-stream.js';
import type { InputEncoding } from '../../io/decode-text.js';
import { looksDanish } from '../../segmentation/language.js';
import { openTranslationMemory } from '../../cache/index.js';
import { parseFormats, planOutputs, type InputPlan } from '../output-plan.js';
import { createProgress } from '../progress.js';
import { engineOptionsFrom, withEngineOptions, type CommonArgs } from '../shared-options.js';
import type { CliContext } from '../context.js';

export interface TranslateArgs extends CommonArgs {
  inputs: string[];
  format?: string;
  output?: string;
  outDir?: string;
  encoding: InputEncoding;
  maxChunkTokens: number;
  packSentences: boolean;
  batchTokens: number;
  maxBatchSize: number;
  concurrency: number;
  cache: boolean;
  cacheDir?: string;
  progress?: boolean;
}

export function translateCommand(yargs: Argv, ctx: CliContext) {
  return yargs.command(
    ['$0 [inputs..]', 'translate [inputs..]'],
    'Translate Danish articles into side-by-side bilingual files',
    (y) =>
      withEngineOptions(y)
        .positional('inputs', { describe: 'Danish text files, or - for standard input', type: 'string', array: true, default: [] as string[] })
        .option('format', { alias: 'f', type: 'string', describe: 'Comma-separated: html, md, txt, json, en (English only). Default: from -o, txt to a pipe, html next to the input' })
        .option('output', { alias: 'o', type: 'string', describe: 'Write to this file (format from its extension; - for stdout)' })
        .option('out-dir', { type: 'string', describe: 'Write <name>.da-en.<format> files into this directory' })
        .option('encoding', { type: 'string', choices: ['auto', 'utf8', 'latin1', 'utf16le', 'utf16be'] as const, default: 'auto' as const, describe: 'Input encoding (auto: UTF-8, or UTF-16 with a BOM)' })
        .option('max-chunk-tokens', { type: 'number', default: 256, describe: 'Largest piece of text sent to the model at once, in tokens' })
        .option('pack-sentences', { type: 'boolean', default: false, describe: 'Send several sentences per model input (faster, but Opus-MT may drop sentences)' })
        .option('batch-tokens', { type: 'number', default: 4096, describe: 'Padded tokens per model call (batch size × longest input)' })
        .option('max-batch-size', { type: 'number', default: 32, describe: 'Most inputs per model call' })
        .option('concurrency', { type: 'number', default: 1, describe: 'Batches in flight at once (model calls still run one at a time: ONNX Runtime blocks the JavaScript thread)' })
        .option('cache', { type: 'boolean', default: true, describe: 'Reuse translations of unchanged segments (--no-cache: translate everything, store nothing)' })
        .option('progress', { type: 'boolean', describe: 'Progress on stderr (default: when stderr is a terminal and not --quiet; to a log file, a line every 2 s)' })
        .option('cache-dir', { type: 'string', describe: 'Translation memory folder (default: $DA2EN_CACHE_DIR, else $XDG_CACHE_HOME/da2en, else ~/.cache/da2en)' })
        .example('$0 article.da.txt', 'write article.da-en.html next to the input (or text to stdout when piped)')
        .example('$0 article.da.txt -o article.html', 'format from the extension')
        .example('$0 article.da.txt --format html,md,json --out-dir out/', 'several formats at once')
        .example('cat article.da.txt | $0 - --format md > article.md', 'read stdin, write stdout')
        .example('$0 a.txt b.txt c.txt --out-dir out/', 'several articles, one model load')
        .example('$0 article.da.txt --format en', 'the English text alone'),
    async (argv) => {
      ctx.exitCode = await runTranslate(argv as unknown as TranslateArgs, ctx);
    },
  );
}

export async function runTranslate(args: TranslateArgs, ctx: CliContext): Promise<number> {
  const plans: InputPlan[] = planOutputs({
    inputs: args.inputs,
    ...(args.format !== undefined ? { formats: parseFormats(args.format) } : {}),
    ...(args.output !== undefined ? { output: args.output } : {}),
    ...(args.outDir !== undefined ? { outDir: args.outDir } : {}),
    stdoutIsTTY: Boolean(ctx.stdout.isTTY),
  });
  // Every file is read through once before the model loads: a bad third file (or a bad byte deep
  // in a large one) fails before minutes of translating the first two. Standard input cannot be
  // read twice; its problems surface while it streams, and no output is left behind then either.
  const scans = new Map<string, InputScan>();
  for (const plan of plans) {
    if (plan.input === '-' || scans.has(plan.input)) continue;
    const scan = await scanInput(plan.input, { encoding: args.encoding });
    scans.set(plan.input, scan);
    scan.notes.forEach((n) => ctx.log(`${plan.input}: ${n}`));
  }

  const showProgress = args.progress ?? (!args.quiet && Boolean(ctx.stderr.isTTY));
  const progress = createProgress(showProgress, ctx.stderr);
  const download = progress.download();
  let translator: Translator | null = null;
  // Opened before the model so an unusable cache folder fails fast, with its own one-line error.
  const memory = args.cache ? openTranslationMemory(args.cacheDir) : null;
  try {
    const loadStart = performance.now();
    translator = await ctx.loadTranslator({ ...engineOptionsFrom(args), onDownloadStart: download.start, onDownloadProgress: download.progress, signal: ctx.signal });
    progress.stop();
    ctx.verbose(`model ${translator.modelId} (${translator.dtype}) loaded in ${((performance.now() - loadStart) / 1000).toFixed(2)} s`);
    for (const plan of plans) {
      // Read, translated and written a window of paragraphs at a time: memory stays bounded
      // whatever the size of the input, and every output is byte for byte the whole-document render.
      const source = await openParagraphStream(plan.input, { encoding: args.encoding, stdin: ctx.stdin });
      const translation = translateParagraphStream(source, translator, {
        input: source,
        source: plan.input,
        maxChunkTokens: args.maxChunkTokens,
        packSentences: args.packSentences,
        batchTokens: args.batchTokens,
        maxBatchSize: args.maxBatchSize,
        concurrency: args.concurrency,
        signal: ctx.signal,
        ...(memory ? { memory } : {}),
        onProgress: progress.translation(plans.length > 1 ? plan.input : 'translating', scans.get(plan.input)?.paragraphs),
      });
      await writeBilingualStream(translation, plan.targets, { stdout: ctx.stdout });
      progress.stop();
      const { frame, stats, paragraphs } = translation.result();
      if (plan.input === '-') source.notes.forEach((n) => ctx.log(`${plan.input}: ${n}`));
      if (!looksDanish(frame.metadata.detectedLanguage)) {
        ctx.log(`${plan.input}: the text looks like ${frame.metadata.detectedLanguage}, not Danish; translated anyway (see detectedLanguage in the JSON output)`);
      }
      ctx.verbose(
        `${plan.input}: ${paragraphs} paragraphs, ${stats.chunks} chunks (${stats.modelChunks} translated in ${stats.modelCalls} model calls, ${stats.cachedChunks} from the cache, ${stats.passthroughChunks} kept as is), ${(frame.timings.translateMs / 1000).toFixed(2)} s`,
      );
      if (!args.quiet) for (const target of plan.targets) if (target.path !== null) ctx.log(`wrote ${target.path}`);
    }
  } finally {
    progress.stop();
    await translator?.dispose();
    await memory?.close();
  }
  return 0;
}
