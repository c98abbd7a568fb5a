/**
 * The model work guessed from the command line's words before yargs loads (src/cli/work-ahead.ts):
 * its reading of the words agrees with yargs' own (the CLI's real parser, main with parseOnly), and
 * the guess is made only where the words settle it, with a model really on disk.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import yargs, { type Options } from 'yargs';
import { translateBuilder, TRANSLATE_OPTIONS } from '../../src/cli/commands/translate.js';
import { parseCli } from '../helpers/parse-cli.js';
import { optionTableOf } from '../../src/cli/option-words.js';
import { CACHE_DIR_OPTIONS, ENGINE_OPTIONS, VERBOSITY_OPTIONS } from '../../src/cli/shared-options.js';
import { readWords, workAhead } from '../../src/cli/work-ahead.js';
import { TWO_PROCESSES_FROM_CHARACTERS } from '../../src/engine/generation/thread-plan.js';
import { DEFAULT_MODEL_ID, QUALITY_MODELS, requiredFiles } from '../../src/engine/model-store/model-files.js';
import { builtModel } from '../../tools/builder-models.js';

/** The translate command's options as its builder declares them. */
const TABLE: Record<string, Options> = { ...ENGINE_OPTIONS, ...VERBOSITY_OPTIONS, ...TRANSLATE_OPTIONS, ...CACHE_DIR_OPTIONS };

const yargsParse = parseCli;

describe('readWords reads a translate command line as yargs does', () => {
  // Long and short aliases, = forms, camelCase, --no-x, a flag with true/false after it, - for stdin, the command word.
  const lines: string[][] = [
    ['input.txt', '--model', 'models/tiny', '--dtype', 'q8', '--offline', '--no-cache', '--quiet', '-o', 'out.html'],
    ['-m', 'some/dir', '--dtype=fp32', '--engine=js', 'a.txt', 'b.txt', '--out-dir', 'out'],
    ['translate', 'a.txt', '--modelProcesses', '2', '--threads', '3', '--verbose'],
    ['-', '--quiet', 'false', '--format', 'md,json', '-o', '-'],
    ['--output=-', '--cache', 'false', 'a.txt', '--progress', '--keep-source', '-v'],
    ['--quality', 'best', '--models-dir=m', 'a.txt', '--offline=true', '--beams', '4'],
    ['--m', 'dir', 'a.txt', '-f', 'html', '-q', '--cacheDir', 'c', '--max-chunk-tokens=64'],
    ['a.txt', '--offline', 'b.txt', '--input-format', 'text', '--encoding', 'latin1', '--no-progress', '--pack-sentences', 'false'],
    ['translate', '-', '--model-processes=1', '--fetch-timeout', '5', '--batch-tokens', '999', '--max-batch-size', '3', '--concurrency', '2'],
    ['a.txt', '--offline', 'False'],
    ['--model=m', 'a.txt'],
    ['--models-dir', '-', 'a.txt'],
    // After --, every word is an input, whatever it looks like.
    ['--', 'a.txt'],
    ['a.txt', '--quiet', '--', '-', '-b.txt', '--model'],
    ['translate', 'a.txt', '--', 'b.txt'],
  ];

  for (const line of lines) {
    it(line.join(' '), async () => {
      const words = readWords(line);
      expect(words, 'readWords gave up on a line it reads').toBeDefined();
      const { code, stderr, parsed } = await yargsParse(line);
      expect(code, stderr).toBe(0);
      for (const [name, option] of Object.entries(TABLE)) {
        if (words!.options.has(name)) {
          // As typed: yargs' value is the option's coerce of the same word (numbers, formats), or the word itself.
          const value = words!.options.get(name);
          const coerce = option.coerce as ((raw: unknown) => unknown) | undefined;
          expect(parsed![name], `--${name}`).toEqual(coerce && typeof value === 'string' ? coerce(value) : value);
        } else {
          // Not read: yargs did not see it either (its default).
          expect(parsed![name], `--${name} (not read)`).toEqual(option.default);
        }
      }
      const command = parsed!['_'] as string[];
      expect(words!.positionals).toEqual([...command, ...(parsed!['inputs'] as string[])]);
    });
  }

  it('knows every option of the translate command (a new one would otherwise stop every guess)', () => {
    const table = optionTableOf(translateBuilder(yargs([])));
    const names = Object.keys(table.key).filter((k) => !/[A-Z]/.test(k) && k !== 'inputs');
    expect(names.length).toBeGreaterThan(20);
    for (const name of names) {
      const words = readWords(table.boolean.includes(name) ? [`--${name}`] : [`--${name}`, 'x']);
      expect(words, `--${name}`).toBeDefined();
      expect(words!.options.size, `--${name}`).toBe(1);
    }
  });

  it('gives up where it is unsure', () => {
    const unsure: string[][] = [
      ['a.txt', '--no-such-option'],
      ['a.txt', '--model', 'x', '-m', 'y'], // given twice
      ['a.txt', '--quiet', '-q'],
      ['a.txt', '--offline', '--no-offline'],
      ['a.txt', '-qv'], // a cluster
      ['a.txt', '-ofile.html'], // a value run into its letter
      ['a.txt', '-m=dir'],
      ['a.txt', '--no-model', 'x'], // --no- on an option with a value
      ['a.txt', '--no-cache=true'],
      ['a.txt', '--quiet=abc'],
      ['a.txt', '--model'], // no value
      ['a.txt', '--model', '--offline'], // an option word where the value belongs
      ['a.txt', '--threads', '-1'],
      ['a.txt', '-5'],
      ['--inputs', 'a.txt'],
      ['a.txt', '-h'],
      ['a.txt', '--model.x', 'y'],
    ];
    for (const line of unsure) expect(readWords(line), line.join(' ')).toBeUndefined();
  });

  it('what follows -- is input to the CLI too, and refused by a command without inputs', async () => {
    const { parsed } = await yargsParse(['a.txt', '--', 'b.txt', '--c.txt']);
    expect(parsed!['inputs']).toEqual(['a.txt', 'b.txt', '--c.txt']);
    const queued = await yargsParse(['queue', 'add', 'a.txt', '--', '-b.txt']);
    expect(queued.parsed!['inputs']).toEqual(['a.txt', '-b.txt']);
    const refused = await yargsParse(['cache', 'stats', '--', 'b.txt']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/takes no inputs after --; remove "b\.txt"/);
  });
});

describe('workAhead: the first model process’s work, from the words and the files', () => {
  let dir: string;
  let tmp: string;
  let input: string;
  let out: string;
  beforeAll(async () => {
    dir = await builtModel('tiny');
    tmp = mkdtempSync(path.join(os.tmpdir(), 'da2en-work-ahead-'));
    input = path.join(tmp, 'input.txt');
    writeFileSync(input, 'Det regner i København.\n\nKommunen bygger en ny skole.\n');
    out = path.join(tmp, 'out.html');
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const seed = () => [input, '--model', dir, '--dtype', 'q8', '--offline', '--no-cache', '--quiet', '-o', out];

  it('the seed article’s command line: one model process, the model and dtype given', () => {
    expect(workAhead(seed(), {})).toEqual({ dir, dtype: 'q8', engine: 'auto', replicas: 1 });
    expect(workAhead(['translate', ...seed()], {})).toEqual({ dir, dtype: 'q8', engine: 'auto', replicas: 1 });
    // A relative --model is the directory from here, as the model store resolves it.
    const relative = path.relative(process.cwd(), dir);
    expect(workAhead([input, '-m', relative, '--dtype=fp32'], {})).toEqual({ dir, dtype: 'fp32', engine: 'auto', replicas: 1 });
  });

  it('carries --threads, --engine and --model-processes', () => {
    expect(workAhead([...seed(), '--threads', '2'], {})).toEqual({ dir, dtype: 'q8', engine: 'auto', intraOpThreads: 2, replicas: 1 });
    expect(workAhead([...seed(), '--engine', 'js'], {})).toEqual({ dir, dtype: 'q8', engine: 'js', replicas: 1 });
    expect(workAhead([...seed(), '--model-processes', '2'], {})).toEqual({ dir, dtype: 'q8', engine: 'auto', replicas: 2 });
    expect(workAhead([...seed(), '--modelProcesses=2', '--threads=4', '--engine=ort'], {})).toEqual({ dir, dtype: 'q8', engine: 'ort', intraOpThreads: 4, replicas: 2 });
  });

  it('the default model and --quality, in the models directory $DA2EN_MODELS_DIR names', () => {
    const models = path.join(tmp, 'models');
    for (const id of new Set([DEFAULT_MODEL_ID, QUALITY_MODELS.best])) cpSync(dir, path.join(models, ...id.split('/')), { recursive: true });
    const env = { DA2EN_MODELS_DIR: models };
    expect(workAhead([input], env)).toEqual({ dir: path.join(models, ...DEFAULT_MODEL_ID.split('/')), dtype: 'q8', engine: 'auto', replicas: 1 });
    expect(workAhead([input, '--quality', 'best'], env)).toEqual({ dir: path.join(models, ...QUALITY_MODELS.best.split('/')), dtype: 'q8', engine: 'auto', replicas: 1 });
    expect(workAhead([input, '--models-dir', models], {})).toEqual({ dir: path.join(models, ...DEFAULT_MODEL_ID.split('/')), dtype: 'q8', engine: 'auto', replicas: 1 });
    // Not there: it is downloaded (or converted) first, and opened once it is.
    expect(workAhead([input], { DA2EN_MODELS_DIR: path.join(tmp, 'empty') })).toBeUndefined();
  });

  it('a leading ~ in --model and --models-dir is the home folder, as the parse reads it (path-options.ts)', () => {
    const home = path.join(tmp, 'home');
    cpSync(dir, path.join(home, 'm'), { recursive: true });
    cpSync(dir, path.join(home, 'models', ...DEFAULT_MODEL_ID.split('/')), { recursive: true });
    vi.stubEnv('HOME', home);
    try {
      expect(workAhead([input, '--model=~/m'], {})).toEqual({ dir: path.join(home, 'm'), dtype: 'q8', engine: 'auto', replicas: 1 });
      expect(workAhead([input, '--models-dir', '~/models'], {})).toEqual({ dir: path.join(home, 'models', ...DEFAULT_MODEL_ID.split('/')), dtype: 'q8', engine: 'auto', replicas: 1 });
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('standard input counts as one article when it is read as text', () => {
    expect(workAhead(['-', '--model', dir], {})).toEqual({ dir, dtype: 'q8', engine: 'auto', replicas: 1 });
    expect(workAhead(['-', '--model', dir, '--input-format', 'text'], {})).toEqual({ dir, dtype: 'q8', engine: 'auto', replicas: 1 });
    // A page or Markdown piped in counts as its text, unknown before it is read.
    expect(workAhead(['-', '--model', dir, '--input-format', 'html'], {})).toBeUndefined();
    expect(workAhead(['-', '--model', dir, '--input-format=md'], {})).toBeUndefined();
  });

  it('input just under the two-process threshold is one process; at it, the plan decides', () => {
    const under = path.join(tmp, 'under.txt');
    const at = path.join(tmp, 'at.txt');
    writeFileSync(under, 'a'.repeat(TWO_PROCESSES_FROM_CHARACTERS - 1));
    writeFileSync(at, 'a'.repeat(TWO_PROCESSES_FROM_CHARACTERS));
    expect(workAhead([under, '--model', dir], {})).toEqual({ dir, dtype: 'q8', engine: 'auto', replicas: 1 });
    expect(workAhead([at, '--model', dir], {})).toBeUndefined();
    // Several inputs count together.
    expect(workAhead([under, input, '--model', dir], {})).toBeUndefined();
    // A count given settles it whatever the length.
    expect(workAhead([at, '--model', dir, '--model-processes', '1'], {})).toEqual({ dir, dtype: 'q8', engine: 'auto', replicas: 1 });
  });

  it('no guess where the words or the files leave it open', () => {
    const incomplete = path.join(tmp, 'incomplete');
    cpSync(dir, incomplete, { recursive: true });
    rmSync(path.join(incomplete, requiredFiles('q8')[5]!));
    const none: [string, string[]][] = [
      ['no input (a usage error)', ['--model', dir]],
      ['no input after the command word', ['translate', '--model', dir]],
      ['a URL', ['https://www.dr.dk/nyheder/x', '--model', dir]],
      ['a file that is not there', [path.join(tmp, 'missing.txt'), '--model', dir]],
      ['a directory as input', [tmp, '--model', dir]],
      ['a model missing a file', [input, '--model', incomplete, '--dtype', 'q8']],
      ['the worker command', ['worker', '--model', dir]],
      ['the serve command', ['serve', '--model', dir]],
      ['--threads 0', [...seed(), '--threads', '0']],
      ['--threads abc', [...seed(), '--threads', 'abc']],
      ['--model-processes 0', [...seed(), '--model-processes', '0']],
      ['--dtype xx', [input, '--model', dir, '--dtype', 'xx']],
      ['--engine xx', [input, '--model', dir, '--engine', 'xx']],
      ['--quality xx', [input, '--quality', 'xx']],
      ['an unknown option', [...seed(), '--frobnicate']],
      ['--help', [...seed(), '--help']],
      ['--version', [...seed(), '--version']],
    ];
    for (const [what, line] of none) expect(workAhead(line, {}), what).toBeUndefined();
    // The same model with fp32 files present is guessed (the missing file was q8's).
    expect(workAhead([input, '--model', incomplete, '--dtype', 'fp32'], {})).toEqual({ dir: incomplete, dtype: 'fp32', engine: 'auto', replicas: 1 });
  });
});
