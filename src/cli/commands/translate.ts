import type { Argv } from 'yargs';
import { loadTranslator } from '../../engine/load-translator.js';
import type { Translator } from '../../engine/translator.js';
import { readInput } from '../../io/read-input.js';
import { writeOutputAtomically } from '../../io/write-output.js';
import type { InputEncoding } from '../../io/decode-text.js';
import { render } from '../../rendering/index.js';
import { translateArticleWithStats } from '../../translate-article.js';
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
        .option('concurrency', { type: 'number', default: 1, describe: 'Model calls in flight at once (each gets cores ÷ concurrency threads)' })
        .option('cache', { type: 'boolean', default: true, describe: 'Reuse translations of unchanged segments (--no-cache: translate everything, store nothing)' })
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
  // Read every input first: a bad third file should fail before minutes of translating the first two.
  const texts = await Promise.all(plans.map((p) => readInput(p.input, args.encoding, ctx.stdin)));
  texts.forEach((t, i) => t.notes.forEach((n) => ctx.log(`${plans[i]!.input}: ${n}`)));

  const progress = createProgress(!args.quiet && Boolean(ctx.stderr.isTTY), ctx.stderr);
  const download = progress.download();
  let translator: Translator | null = null;
  // Opened before the model so an unusable cache folder fails fast, with its own one-line error.
  const memory = args.cache ? openTranslationMemory(args.cacheDir) : null;
  try {
    const loadStart = performance.now();
    translator = await loadTranslator({ ...engineOptionsFrom(args), concurrency: args.concurrency, onDownloadStart: download.start, onDownloadProgress: download.progress, signal: ctx.signal });
    progress.stop();
    ctx.verbose(`model ${translator.modelId} (${translator.dtype}) loaded in ${((performance.now() - loadStart) / 1000).toFixed(2)} s`);
    for (const [i, plan] of plans.entries()) {
      const { document, stats } = await translateArticleWithStats(texts[i]!.text, {
        translator,
        source: plan.input,
        maxChunkTokens: args.maxChunkTokens,
        packSentences: args.packSentences,
        batchTokens: args.batchTokens,
        maxBatchSize: args.maxBatchSize,
        concurrency: args.concurrency,
        signal: ctx.signal,
        ...(memory ? { memory } : {}),
        onProgress: progress.translation(plans.length > 1 ? plan.input : 'translating'),
      });
      if (!looksDanish(document.metadata.detectedLanguage)) {
        ctx.log(`${plan.input}: the text looks like ${document.metadata.detectedLanguage}, not Danish; translated anyway (see detectedLanguage in the JSON output)`);
      }
      ctx.verbose(
        `${plan.input}: ${document.paragraphs.length} paragraphs, ${stats.chunks} chunks (${stats.modelChunks} translated in ${stats.modelCalls} model calls, ${stats.cachedChunks} from the cache, ${stats.passthroughChunks} kept as is), ${(document.timings.translateMs / 1000).toFixed(2)} s`,
      );
      for (const target of plan.targets) {
        const text = render(target.format, document);
        if (target.path === null) ctx.stdout.write(text);
        else {
          await writeOutputAtomically(target.path, text);
          if (!args.quiet) ctx.log(`wrote ${target.path}`);
        }
      }
    }
  } finally {
    progress.stop();
    await translator?.dispose();
    await memory?.close();
  }
  return 0;
}
