/**
 * The CLI boundary: argument types come from the option definitions, defaults from the library,
 * and the translate command hands its run a CLI-independent options object.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import yargs from 'yargs';
import { translateBuilder, translateRunOptions, type TranslateArgs } from '../../src/cli/commands/translate.js';
import type { TranslateRunOptions } from '../../src/cli/commands/translate-run.js';
import { CACHE_DIR_OPTIONS, ENGINE_OPTIONS } from '../../src/cli/shared-options.js';
import { DEFAULT_DTYPE } from '../../src/engine/defaults.js';
import { DEFAULT_MODEL_ID } from '../../src/engine/model-store/model-files.js';
import type { InputEncoding } from '../../src/io/decode-text.js';
import { DEFAULT_BATCH_LIMITS, DEFAULT_CONCURRENCY } from '../../src/pipeline/translate-document.js';
import { DEFAULT_MAX_CHUNK_TOKENS } from '../../src/segmentation/for-translator.js';

/** Parses as the CLI does (the same builder, strict), handing back what the handler gets. */
async function parse(argv: string[]): Promise<TranslateArgs> {
  let got: TranslateArgs | undefined;
  await yargs(argv)
    .command('$0 [inputs..]', 'translate', translateBuilder, (args) => {
      got = args;
    })
    .strict()
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new Error(msg);
    })
    .parseAsync();
  return got!;
}

describe('translate command options', () => {
  it('types are inferred from the definitions', () => {
    expectTypeOf<TranslateArgs['dtype']>().toEqualTypeOf<'q8' | 'fp32'>();
    expectTypeOf<TranslateArgs['encoding']>().toEqualTypeOf<InputEncoding>();
    expectTypeOf<TranslateArgs['maxChunkTokens']>().toEqualTypeOf<number>();
    expectTypeOf<TranslateArgs['cacheDir']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<TranslateArgs['inputs']>().toEqualTypeOf<string[]>();
    expectTypeOf(translateRunOptions).returns.toEqualTypeOf<TranslateRunOptions>();
  });

  it('defaults are the library’s', async () => {
    const run = translateRunOptions(await parse(['a.txt']));
    expect(run).toEqual({
      inputs: ['a.txt'],
      inputFormat: 'auto',
      fetchTimeout: 30,
      encoding: 'auto',
      engine: { model: DEFAULT_MODEL_ID, keepSource: false, offline: false, dtype: DEFAULT_DTYPE, beams: 1 },
      translation: {
        maxChunkTokens: DEFAULT_MAX_CHUNK_TOKENS,
        packSentences: false,
        batchTokens: DEFAULT_BATCH_LIMITS.batchTokens,
        maxBatchSize: DEFAULT_BATCH_LIMITS.maxBatchSize,
        concurrency: DEFAULT_CONCURRENCY,
      },
      cache: { dir: undefined },
      quiet: false,
    });
  });

  it('maps every option into the run', async () => {
    const args = ['b.txt', '-f', 'md,json', '--out-dir', 'out', '--encoding', 'latin1', '--max-chunk-tokens', '100', '--pack-sentences', '--batch-tokens', '999'];
    args.push('--max-batch-size', '3', '--concurrency', '2', '--no-cache', '--progress', '-q', '--dtype', 'fp32', '--beams', '4', '--threads', '2', '--models-dir', 'm', '--offline', '-m', 'x/y', '--keep-source');
    const run = translateRunOptions(await parse(args));
    expect(run).toEqual({
      inputs: ['b.txt'],
      inputFormat: 'auto',
      fetchTimeout: 30,
      formats: ['md', 'json'],
      outDir: 'out',
      encoding: 'latin1',
      engine: { model: 'x/y', keepSource: true, modelsDir: 'm', offline: true, dtype: 'fp32', beams: 4, threads: 2 },
      translation: { maxChunkTokens: 100, packSentences: true, batchTokens: 999, maxBatchSize: 3, concurrency: 2 },
      cache: false,
      progress: true,
      quiet: true,
    });
    expect(translateRunOptions(await parse(['a.txt', '--cache-dir', 'c'])).cache).toEqual({ dir: 'c' });
    // --quality names a model; with --model as well it is a usage error.
    expect(translateRunOptions(await parse(['a.txt', '--quality', 'best'])).engine.model).toBe('Helsinki-NLP/opus-mt-tc-big-gmq-en');
    await expect(parse(['a.txt', '--quality', 'best', '-m', 'x/y'])).rejects.toThrow(/--quality and --model/);
  });

  it('shared options are defined once', () => {
    expect(Object.keys(CACHE_DIR_OPTIONS)).toEqual(['cache-dir']);
    expect(ENGINE_OPTIONS.dtype.default).toBe(DEFAULT_DTYPE);
  });
});
