/**
 * Issue 11, item 3: every option of every command, given twice or with 0, -1, 2.5, abc or a huge
 * number, ends either in exit 2 with one line naming the problem, or is accepted with exactly the
 * value given — never "unexpected error", a stack trace, an array where one value belongs, or a
 * number the run would quietly record differently.
 *
 * The commands come from the CLI's own list (src/cli/commands/index.ts) and the options from each
 * command's yargs definitions, so a new command or option is walked without touching this file.
 * The real parser runs (main, with its checks); only the command's work is left out (parseOnly).
 */
import { describe, expect, it } from 'vitest';
import yargs, { type Argv } from 'yargs';
import { COMMANDS } from '../../src/cli/commands/index.js';
import type { CliContext } from '../../src/cli/context.js';
import { parseCli, type ParseOutcome } from '../helpers/parse-cli.js';

interface Leaf {
  /** The words that name the command ("queue", "add"). */
  words: string[];
  /** Its positionals as written in its definition ("<action>", "[checkpoint]", "<inputs..>"). */
  positionals: string[];
  builder: (y: Argv) => unknown;
}

/** A stand-in for yargs that records `.command(…)` calls and otherwise just chains. */
function recordCommands(register: (y: Argv) => unknown): { command: string; builder: (y: Argv) => unknown }[] {
  const found: { command: string; builder: (y: Argv) => unknown }[] = [];
  const recorder: object = new Proxy(
    {},
    {
      get: (_target, prop) =>
        prop === 'command'
          ? (command: string | string[], _describe: string, builder: (y: Argv) => unknown) => {
              // translate is both the default command ($0) and "translate": walk it by name.
              const names = Array.isArray(command) ? command : [command];
              found.push({ command: names.find((n) => !n.startsWith('$0')) ?? names[0]!, builder });
              return recorder;
            }
          : () => recorder,
    },
  );
  register(recorder as Argv);
  return found;
}

function leaves(register: (y: Argv) => unknown, prefix: string[] = []): Leaf[] {
  return recordCommands(register).flatMap(({ command, builder }) => {
    const [name, ...positionals] = command.split(/\s+/);
    const words = [...prefix, name!];
    const sub = leaves(builder, words);
    return sub.length > 0 ? sub : [{ words, positionals, builder }];
  });
}

const ctx = {} as CliContext; // the registrations only pass it on to handlers, which never run here
const COMMAND_LEAVES = COMMANDS.flatMap((register) => leaves((y) => register(y, ctx)));

interface YargsOptions {
  key: Record<string, unknown>;
  alias: Record<string, string[]>;
  boolean: string[];
  choices: Record<string, readonly (string | number)[]>;
  default: Record<string, unknown>;
  demandedOptions: Record<string, unknown>;
}

function optionsOf(leaf: Leaf): YargsOptions {
  const y = yargs([]);
  leaf.builder(y);
  return (y as unknown as { getOptions(): YargsOptions }).getOptions();
}

/** A value each option accepts, for the base command line and for "given twice". */
function validValue(name: string, options: YargsOptions): string {
  const choices = options.choices[name];
  if (choices?.length) return String(choices[0]);
  const byDefault = options.default[name];
  return byDefault !== undefined && typeof byDefault !== 'boolean' ? String(byDefault) : 'x';
}

/** What each command needs beyond its positionals and demanded options to be accepted. */
const EXTRA_BASE: Record<string, string[]> = { eval: ['--hyp', 'h.txt'], 'queue add': ['a.txt'] };

function baseArgs(leaf: Leaf, options: YargsOptions): string[] {
  const args = [...leaf.words];
  for (const p of leaf.positionals) {
    if (!p.startsWith('<')) continue;
    const name = p.replace(/[<>.[\]]/g, '');
    args.push(name === 'inputs' ? 'a.txt' : validValue(name, options));
  }
  for (const name of Object.keys(options.demandedOptions)) args.push(`--${name}`, validValue(name, options));
  return [...args, ...(EXTRA_BASE[leaf.words.join(' ')] ?? [])];
}

/** The base without `--name value` (when the walk gives that option itself). */
function without(args: string[], name: string): string[] {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? args : [...args.slice(0, i), ...args.slice(i + 2)];
}

type Outcome = ParseOutcome;
const parse = parseCli;

const camel = (name: string) => name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

const HUGE = '99999999999999999999';
const VALUES = ['0', '-1', '2.5', 'abc', HUGE];

function expectOneLineUsageError(outcome: Outcome, what: string) {
  expect(outcome.code, `${what}: ${outcome.stderr}`).toBe(2);
  expect(outcome.stderr, what).toMatch(/^da2en: /);
  expect(outcome.stderr, what).not.toMatch(/unexpected error|is not a function/);
  // --verbose asks for the stack trace; without it there is one line and no stack.
  if (!/ (--verbose|-v)\b/.test(` ${what}`)) {
    expect(outcome.stderr.trim().split('\n'), what).toHaveLength(1);
    expect(outcome.stderr, what).not.toMatch(/\n\s+at /);
  }
}

describe('every option of every command: exit 2 with one line, or accepted as given', () => {
  it('finds the commands and their options from the definitions', () => {
    const names = COMMAND_LEAVES.map((l) => l.words.join(' '));
    expect(names).toEqual(expect.arrayContaining(['translate', 'model', 'eval', 'cache', 'serve', 'queue add', 'queue status', 'queue results', 'worker']));
    const translate = optionsOf(COMMAND_LEAVES.find((l) => l.words[0] === 'translate')!);
    expect(Object.keys(translate.key)).toEqual(expect.arrayContaining(['beams', 'threads', 'format', 'output', 'max-chunk-tokens', 'concurrency', 'progress']));
  });

  for (const leaf of COMMAND_LEAVES) {
    const command = leaf.words.join(' ');
    it(`${command}`, async () => {
      const options = optionsOf(leaf);
      const base = baseArgs(leaf, options);
      const ok = await parse(base);
      expect(ok.code, `the base command line "${base.join(' ')}" must be accepted: ${ok.stderr}`).toBe(0);

      const aliases = new Set(Object.values(options.alias).flat());
      const positionals = new Set(leaf.positionals.map((p) => p.replace(/[<>.[\]]/g, '')));
      const names = Object.keys(options.key).filter((k) => k !== 'help' && k !== 'version' && !aliases.has(k) && !positionals.has(k));
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) {
        const rest = without(base, name);
        const isFlag = options.boolean.includes(name);
        const given = isFlag ? [`--${name}`] : [`--${name}`, validValue(name, options)];
        // Given twice, also through an alias or the --no- form: one rule, exit 2 naming it.
        const forms = [[...given, ...given]];
        for (const alias of options.alias[name] ?? []) if (alias.length === 1) forms.push([...given, `-${alias}`, ...given.slice(1)]);
        if (isFlag) forms.push([`--${name}`, `--no-${name}`]);
        for (const twice of forms) {
          const outcome = await parse([...rest, ...twice]);
          expectOneLineUsageError(outcome, `${command} ${twice.join(' ')}`);
          expect(outcome.stderr).toMatch(new RegExp(`option --${name} was given twice`));
        }
        if (!isFlag) {
          // No value: at the end of the line, or followed by another option. Never the default in its place.
          for (const words of [[`--${name}`], [`--${name}`, '--quiet']]) {
            const what = `${command} ${words.join(' ')}`;
            const outcome = await parse([...rest, ...words]);
            expectOneLineUsageError(outcome, what);
            expect(outcome.parsed, what).toBeUndefined();
          }
        }
        for (const value of VALUES) {
          // An on/off option's value can only come with "=" (else the word is a positional).
          for (const words of [isFlag ? [`--${name}=${value}`] : [`--${name}`, value]]) {
            const what = `${command} ${words.join(' ')}`;
            const outcome = await parse([...rest, ...words]);
            if (outcome.code !== 0) {
              expectOneLineUsageError(outcome, what);
              continue;
            }
            const got = outcome.parsed![camel(name)];
            expect(Array.isArray(got), what).toBe(false);
            if (isFlag) expect(typeof got, what).toBe('boolean');
            else if (typeof got === 'number') {
              // A number option checks its value: "abc" (NaN) and 20 digits never get through.
              expect(Number.isFinite(got) && value !== 'abc' && value !== HUGE, `${what} accepted as ${got}`).toBe(true);
              expect(got, `${what} recorded as ${got}`).toBe(Number(value));
            }
            const choices = options.choices[name];
            if (choices && !isFlag) expect(choices, what).toContain(got);
          }
        }
      }
    });
  }
});

describe('two options that say opposite things: exit 2 with one line, in every command that takes them', () => {
  const pairs: [string[], RegExp][] = [
    [['--quiet', '--verbose'], /^da2en: --quiet and --verbose say opposite things .*; give one of them\n$/],
    [['-q', '-v'], /^da2en: --quiet and --verbose say opposite things/],
    [['-qv'], /^da2en: --quiet and --verbose say opposite things/],
    [['--verbose', '--quiet=true'], /^da2en: --quiet and --verbose say opposite things/],
    [['--progress', '--quiet'], /^da2en: --quiet and --progress say opposite things .*; give one of them\n$/],
    [['-q', '--progress=true'], /^da2en: --quiet and --progress say opposite things/],
  ];
  for (const leaf of COMMAND_LEAVES) {
    const command = leaf.words.join(' ');
    it(command, async () => {
      const options = optionsOf(leaf);
      const base = baseArgs(leaf, options);
      if (!('quiet' in options.key)) return; // `cache` prints one line and takes neither
      const takesProgress = 'progress' in options.key;
      let checked = 0;
      for (const [words, message] of pairs) {
        if (words.some((w) => w.startsWith('--progress')) && !takesProgress) continue;
        const outcome = await parse([...base, ...words]);
        expectOneLineUsageError(outcome, `${command} ${words.join(' ')}`);
        expect(outcome.stderr).toMatch(message);
        checked++;
      }
      expect(checked).toBeGreaterThanOrEqual(4);
      // Said one way, with the other turned off, they agree.
      for (const agree of [['--quiet', '--no-verbose'], ['--verbose', '--no-quiet'], ...(takesProgress ? [['--quiet', '--no-progress'], ['--progress', '--quiet=false']] : [])]) {
        const outcome = await parse([...base, ...agree]);
        expect(outcome.code, `${command} ${agree.join(' ')}: ${outcome.stderr}`).toBe(0);
      }
    });
  }
});

describe('--no-cache with --cache-dir: exit 2 with one line, in every command that takes both', () => {
  for (const leaf of COMMAND_LEAVES) {
    const command = leaf.words.join(' ');
    it(command, async () => {
      const options = optionsOf(leaf);
      if (!('cache' in options.key) || !('cache-dir' in options.key)) return;
      const base = baseArgs(leaf, options);
      const outcome = await parse([...base, '--no-cache', '--cache-dir', 'mem']);
      expectOneLineUsageError(outcome, `${command} --no-cache --cache-dir mem`);
      expect(outcome.stderr).toMatch(/^da2en: --no-cache and --cache-dir say opposite things \(.*\); give one of them/);
      for (const agree of [['--cache', '--cache-dir', 'mem'], ['--no-cache']]) {
        const ok = await parse([...base, ...agree]);
        expect(ok.code, `${command} ${agree.join(' ')}: ${ok.stderr}`).toBe(0);
      }
    });
  }
});

describe('eval --save-hyp -', () => {
  it('is refused (standard output carries the scores), not written as a file named -; ./- is such a file', async () => {
    const outcome = await parse(['eval', '--ref', 'r.txt', '--src', 's.txt', '--save-hyp', '-']);
    expectOneLineUsageError(outcome, 'eval --save-hyp -');
    expect(outcome.stderr).toMatch(/^da2en: --save-hyp -: standard output carries eval's scores/);
    const named = await parse(['eval', '--ref', 'r.txt', '--src', 's.txt', '--save-hyp', './-']);
    expect(named.code, named.stderr).toBe(0);
  });
});

describe('an empty path (or address, Redis URL, queue name) is refused, never the default or the current folder', () => {
  const cases: [string[], string][] = [
    [['a.txt', '--cache-dir', ''], '--cache-dir needs a folder'],
    [['a.txt', '--cache-dir='], '--cache-dir needs a folder'],
    [['a.txt', '--out-dir', ''], '--out-dir needs a folder'],
    [['a.txt', '-o', ''], '-o/--output needs a file'],
    [['a.txt', '--output='], '-o/--output needs a file'],
    [['a.txt', '--models-dir', ''], '--models-dir needs a folder'],
    [['a.txt', '--model', ''], '--model needs a hub model id or a model folder'],
    [['cache', 'stats', '--cache-dir', ''], '--cache-dir needs a folder'],
    [['serve', '--api-keys', ''], '--api-keys needs a file'],
    [['serve', '--cache-dir', ''], '--cache-dir needs a folder'],
    [['eval', '--ref', '', '--hyp', 'h.txt'], '--ref needs a file'],
    [['eval', '--ref', 'r.txt', '--hyp', ''], '--hyp needs a file'],
    [['eval', '--ref', 'r.txt', '--src', ''], '--src needs a file'],
    [['eval', '--ref', 'r.txt', '--src', 's.txt', '--save-hyp', ''], '--save-hyp needs a file'],
    [['model', 'convert', 'ckpt', '--out', ''], '--out needs a folder'],
    [['model', 'download', '--models-dir', ''], '--models-dir needs a folder'],
    [['queue', 'add', 'a.txt', '--out-dir', ''], '--out-dir needs a folder'],
    [['queue', 'add', '-', '--name', ''], '--name needs a name'],
    [['queue', 'results', '--out-dir', ''], '--out-dir needs a folder'],
    [['worker', '--cache-dir', ''], '--cache-dir needs a folder'],
    // Not paths, but empty is as wrong: every interface, Redis on localhost, a queue BullMQ refuses.
    [['serve', '--host', ''], '--host needs an address to listen on'],
    [['serve', '--host='], '--host needs an address to listen on'],
    [['queue', 'add', 'a.txt', '--out-dir', 'o', '--queue', ''], '--queue needs a queue name'],
    [['queue', 'add', 'a.txt', '--out-dir', 'o', '--redis', ''], '--redis needs a Redis URL'],
    [['queue', 'status', '--queue', ''], '--queue needs a queue name'],
    [['queue', 'results', '--out-dir', 'o', '--redis='], '--redis needs a Redis URL'],
    [['worker', '--queue', ''], '--queue needs a queue name'],
    [['worker', '--redis', ''], '--redis needs a Redis URL'],
    [['worker', '--memory-redis', ''], '--memory-redis needs a Redis URL'],
  ];
  for (const [args, message] of cases) {
    it(args.map((a) => (a === '' ? '""' : a)).join(' '), async () => {
      const outcome = await parse(args);
      expectOneLineUsageError(outcome, args.join(' '));
      expect(outcome.stderr).toContain(`da2en: ${message}`);
      expect(outcome.stderr).toContain('got an empty value');
      expect(outcome.parsed).toBeUndefined();
    });
  }
});

describe('the cases issue 11 named', () => {
  const cases: [string[], RegExp][] = [
    [['a.txt', '--format', 'md', '--format', 'json'], /option --format was given twice/],
    [['a.txt', '--model', 'a', '--model', 'b'], /option --model was given twice/],
    [['a.txt', '-o', 'a.md', '-o', 'b.md'], /option --output was given twice/],
    [['a.txt', '--dtype', 'q8', '--dtype', 'fp32'], /option --dtype was given twice/],
    [['a.txt', '--beams', '0'], /--beams must be a whole number from 1 to 16; got 0/],
    [['a.txt', '--beams', '-1'], /--beams must be a whole number from 1 to 16; got -1/],
    [['a.txt', '--beams', '2.5'], /--beams must be a whole number from 1 to 16; got 2\.5/],
    [['a.txt', '--beams', 'abc'], /--beams must be a whole number from 1 to 16; got abc/],
    [['a.txt', '--threads', '-1'], /--threads must be a whole number from 1 to 256; got -1/],
    [['a.txt', '--threads', '0'], /--threads must be/],
    [['a.txt', '--threads', 'abc'], /--threads must be/],
    [['a.txt', '--threads', '1000'], /--threads must be a whole number from 1 to 256; got 1000/],
    [['a.txt', '--max-batch-size', '0'], /--max-batch-size must be a whole number from 1 to 1024; got 0/],
    [['a.txt', '--max-chunk-tokens', '0'], /--max-chunk-tokens must be a whole number from 8 to 510; got 0/],
    [['a.txt', '--max-chunk-tokens', '1'], /--max-chunk-tokens must be a whole number from 8 to 510; got 1/],
    // 511 and 512 fill the positions an Opus-MT output needs besides: its translation was cut short.
    [['a.txt', '--max-chunk-tokens', '511'], /--max-chunk-tokens must be a whole number from 8 to 510; got 511/],
    [['a.txt', '--concurrency', '0'], /--concurrency must be a whole number from 1 to 64; got 0/],
    [['a.txt', '--beams', '0x10'], /--beams must be .*got 0x10/],
    [['a.txt', '--beams'], /Not enough arguments following: beams/],
    // A choice given no value was its default in silence (the review's cases; the walk above covers every option).
    [['a.txt', '--verbose', '--dtype'], /Not enough arguments following: dtype/],
    [['a.txt', '--engine'], /Not enough arguments following: engine/],
    [['a.txt', '--input-format'], /Not enough arguments following: input-format/],
    [['a.txt', '--encoding'], /Not enough arguments following: encoding/],
    [['a.txt', '--dtype', '--verbose'], /Not enough arguments following: dtype/],
    [['a.txt', '--quiet=abc'], /--quiet is an on\/off option/],
    [['eval', '--ref', 'ref.en'], /eval needs --src \(to translate\) or --hyp/],
  ];
  for (const [args, message] of cases) {
    it(args.join(' '), async () => {
      const outcome = await parse(args);
      expectOneLineUsageError(outcome, args.join(' '));
      expect(outcome.stderr).toMatch(message);
    });
  }

  it('accepts what is in range, as given', async () => {
    const outcome = await parse(['a.txt', '--beams', '4', '--threads', '2', '--max-chunk-tokens', '8', '--concurrency', '3', '--fetch-timeout', '2.5']);
    expect(outcome.code).toBe(0);
    expect(outcome.parsed).toMatchObject({ beams: 4, threads: 2, maxChunkTokens: 8, concurrency: 3, fetchTimeout: 2.5 });
    const serve = await parse(['serve', '--port', '0', '--char-limit', '-1']);
    expect(serve.parsed).toMatchObject({ port: 0, charLimit: -1 });
  });

  it('model download takes --progress like translate and eval', async () => {
    for (const args of [['model', 'download', '--progress'], ['model', 'download', '--no-progress'], ['eval', '--ref', 'r', '--hyp', 'h', '--progress'], ['a.txt', '--progress']]) {
      const outcome = await parse(args);
      expect(outcome.code, `${args.join(' ')}: ${outcome.stderr}`).toBe(0);
      expect(typeof outcome.parsed!['progress']).toBe('boolean');
    }
  });
});

describe('words after -- are inputs, whatever they look like', () => {
  it('queue add takes its inputs from after -- alone, as translate does', async () => {
    const outcome = await parse(['queue', 'add', '--out-dir', 'o', '--', './-notes.txt', '-q']);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.parsed!['inputs']).toEqual(['./-notes.txt', '-q']);
    expect(outcome.parsed!['quiet']).toBe(false);
    const both = await parse(['queue', 'add', 'a.txt', '--out-dir', 'o', '--', '-b.txt']);
    expect(both.parsed!['inputs']).toEqual(['a.txt', '-b.txt']);
  });

  it('queue add with no input at all, before or after --, is still a usage error', async () => {
    for (const args of [['queue', 'add', '--out-dir', 'o'], ['queue', 'add', '--out-dir', 'o', '--']]) {
      const outcome = await parse(args);
      expectOneLineUsageError(outcome, args.join(' '));
      expect(outcome.stderr).toMatch(/^da2en: queue add needs an input: a file, a folder, or - for standard input/);
    }
  });

  it('-v after -- asks for no stack trace (it is an input, not --verbose)', async () => {
    for (const args of [['a.txt', '--beams', '0', '--', '-v'], ['a.txt', '--beams', '0', '--', '--verbose']]) {
      const outcome = await parse(args);
      expect(outcome.code).toBe(2);
      expect(outcome.stderr).toMatch(/^da2en: --beams must be/);
      expect(outcome.stderr.trim().split('\n'), outcome.stderr).toHaveLength(1);
    }
    // Before --, it still does, however yargs reads it (with a value, grouped with another short option).
    for (const args of [['a.txt', '--beams', '0', '-v'], ['a.txt', '--beams', '0', '--verbose=true'], ['a.txt', '--beams', '0', '-vf', 'html']]) {
      const verbose = await parse(args);
      expect(verbose.stderr, args.join(' ')).toMatch(/\n\s+at /);
    }
  });
});
