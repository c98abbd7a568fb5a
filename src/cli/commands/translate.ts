import type { Argv } from 'yargs';
import { withEngineOptions } from '../shared-options.js';
import type { CliContext } from '../context.js';
import type { TranslateArgs } from './translate-run.js';

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
      const { runTranslate } = await import('./translate-run.js');
      ctx.exitCode = await runTranslate(argv as unknown as TranslateArgs, ctx);
    },
  );
}
