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
import { DEFAULT_MAX_CHUNK_TOKENS } from '../../src/segmentation/for-translator.js';
import { parseNumberOption, rangeText } from '../../src/cli/number-options.js';
import { flagWithValue, optionOccurrences, repeatedOption, type OptionTable } from '../../src/cli/option-words.js';

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
      engine: { model: DEFAULT_MODEL_ID, modelTyped: false, keepSource: false, offline: false, dtype: DEFAULT_DTYPE, beams: 1, engine: 'auto' },
      // No batch sizes and no concurrency: the engine's own choice (OP_BATCH_LIMITS inside ONNX
      // Runtime, DEFAULT_BATCH_LIMITS for the loop; a batch in flight per model process).
      translation: {
        maxChunkTokens: DEFAULT_MAX_CHUNK_TOKENS,
        packSentences: false,
      },
      cache: { dir: undefined },
      quiet: false,
    });
  });

  it('maps every option into the run', async () => {
    const args = ['b.txt', '-f', 'md,json', '--out-dir', 'out', '--encoding', 'latin1', '--max-chunk-tokens', '100', '--pack-sentences', '--batch-tokens', '999'];
    args.push('--max-batch-size', '3', '--concurrency', '2', '--no-cache', '--progress', '-q', '--dtype', 'fp32', '--beams', '4', '--threads', '2', '--model-processes', '1', '--models-dir', 'm', '--offline', '-m', 'x/y', '--keep-source', '--engine', 'js');
    const run = translateRunOptions(await parse(args));
    expect(run).toEqual({
      inputs: ['b.txt'],
      inputFormat: 'auto',
      fetchTimeout: 30,
      formats: ['md', 'json'],
      outDir: 'out',
      encoding: 'latin1',
      engine: { model: 'x/y', modelTyped: true, keepSource: true, modelsDir: 'm', offline: true, dtype: 'fp32', beams: 4, threads: 2, modelProcesses: 1, engine: 'js' },
      translation: { maxChunkTokens: 100, packSentences: true, batchTokens: 999, maxBatchSize: 3, concurrency: 2 },
      cache: false,
      progress: true,
      quiet: true,
    });
    expect(translateRunOptions(await parse(['a.txt', '--cache-dir', 'c'])).cache).toEqual({ dir: 'c' });
    // --quality names a model; with --model as well it is a usage error.
    expect(translateRunOptions(await parse(['a.txt', '--quality', 'best'])).engine).toMatchObject({ model: 'Helsinki-NLP/opus-mt-tc-big-gmq-en', modelTyped: false });
    // Typed is typed, the default model's id too: only then may a model that cannot be had be said as a mistyped folder.
    for (const model of [['--model', DEFAULT_MODEL_ID], [`--model=${DEFAULT_MODEL_ID}`], ['-m', 'models/tinyy']]) {
      expect(translateRunOptions(await parse(['a.txt', ...model])).engine.modelTyped, model.join(' ')).toBe(true);
    }
    await expect(parse(['a.txt', '--quality', 'best', '-m', 'x/y'])).rejects.toThrow(/--quality and --model/);
    // The default model's id, given, is --model given too (was: taken for no --model, and --quality won).
    for (const model of [['--model', DEFAULT_MODEL_ID], [`--model=${DEFAULT_MODEL_ID}`], ['-m', DEFAULT_MODEL_ID]]) {
      await expect(parse(['a.txt', '--quality', 'fast', ...model])).rejects.toThrow(/--quality and --model/);
    }
  });

  it('shared options are defined once', () => {
    expect(Object.keys(CACHE_DIR_OPTIONS)).toEqual(['cache-dir']);
    expect(ENGINE_OPTIONS.dtype.default).toBe(DEFAULT_DTYPE);
  });
});

describe('numbers are checked as typed (number-options)', () => {
  const beams = { integer: true, min: 1, max: 16 } as const;
  const seconds = { integer: false, min: 0, minExclusive: true, max: 3600, unit: 'seconds' } as const;
  const limit = { integer: true, min: 1, max: 100, special: { value: -1, means: 'no limit' } } as const;

  it('says the range in words', () => {
    expect(rangeText(beams)).toBe('a whole number from 1 to 16');
    expect(rangeText(seconds)).toBe('a number of seconds above 0, at most 3600');
    expect(rangeText(limit)).toBe('-1 (no limit) or a whole number from 1 to 100');
  });

  it('accepts values in range, as numbers', () => {
    expect(parseNumberOption('beams', beams, '4')).toBe(4);
    expect(parseNumberOption('beams', beams, 16)).toBe(16); // a default arrives as a number
    expect(parseNumberOption('timeout', seconds, '0.5')).toBe(0.5);
    expect(parseNumberOption('char-limit', limit, '-1')).toBe(-1);
  });

  it.each([
    ['beams', beams, '0'], ['beams', beams, '-1'], ['beams', beams, '2.5'], ['beams', beams, 'abc'], ['beams', beams, '17'],
    ['beams', beams, '1e3'], ['beams', beams, '0x10'], ['beams', beams, '99999999999999999999'], ['timeout', seconds, '0'], ['timeout', seconds, 'NaN'],
    ['timeout', seconds, 'Infinity'], ['char-limit', limit, '0'], ['char-limit', limit, '-2'],
  ] as const)('--%s %s %s is a usage error naming the option and its range', (name, range, raw) => {
    expect(() => parseNumberOption(name, range, raw)).toThrow(new RegExp(`^--${name} must be ${rangeText(range).replace(/[()]/g, '\\$&')}; got ${raw}$`));
  });

  it('a missing value or an array is a usage error too', () => {
    expect(() => parseNumberOption('beams', beams, true)).toThrow(/--beams needs a value/);
    expect(() => parseNumberOption('beams', beams, '')).toThrow(/--beams needs a value/);
    expect(() => parseNumberOption('beams', beams, [1, 2])).toThrow(/given more than once/);
  });
});

describe('the command-line words (option-words)', () => {
  const table: OptionTable = {
    key: { format: true, f: true, output: true, o: true, quiet: true, q: true, cache: true, beams: true, 'max-chunk-tokens': true, inputs: true },
    alias: { format: ['f'], output: ['o'], quiet: ['q'] },
    array: ['inputs'],
    boolean: ['quiet', 'q', 'cache'],
  };

  it('reads options, not values: negative numbers, a lone -, and what follows -- are values', () => {
    expect(optionOccurrences(['a.txt', '--beams', '-1', '-', '-qf', 'md', '--format=html', '--', '--beams'])).toEqual(['beams', 'q', 'f', 'format']);
  });

  it('finds an option given twice under any spelling', () => {
    expect(repeatedOption(['--format', 'md', '--format', 'json'], table)).toBe('format');
    expect(repeatedOption(['-f', 'md', '--format=json'], table)).toBe('format');
    expect(repeatedOption(['-o', 'a', '--output', 'b'], table)).toBe('output');
    expect(repeatedOption(['-qq'], table)).toBe('quiet');
    expect(repeatedOption(['--cache', '--no-cache'], table)).toBe('cache');
    expect(repeatedOption(['--maxChunkTokens', '8', '--max-chunk-tokens', '9'], table)).toBe('max-chunk-tokens');
  });

  it('lets pass what is given once, array options, unknown options (strict mode names those) and words after --', () => {
    expect(repeatedOption(['a.txt', '--format', 'md', '-o', 'x.md', '--beams', '-1', '-q', '--no-cache'], table)).toBeUndefined();
    expect(repeatedOption(['--inputs', 'a', '--inputs', 'b', '--colour', '--colour'], table)).toBeUndefined();
    expect(repeatedOption(['--beams', '2', '--', '--beams', '3'], table)).toBeUndefined();
  });

  it('refuses a value given to an on/off option with =', () => {
    expect(flagWithValue(['--quiet=abc'], table)).toBe('--quiet=abc');
    expect(flagWithValue(['--no-cache=0'], table)).toBe('--no-cache=0');
    expect(flagWithValue(['--quiet=true', '--cache=false', '--format=md', '--', '--quiet=x'], table)).toBeUndefined();
  });
});
