#!/usr/bin/env node
import { existsSync, writeSync } from 'node:fs';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { Da2enError } from '../errors.js';
import { streamOutputError } from '../io/sinks.js';
import { removeTempFilesNow } from '../io/temp-registry.js';
import { packageVersion } from '../package-root.js';
import { endAtOnceOnSignalWhenSettled, mayEndNow, stoppedBySignal } from './early-exit.js';
import { ExitCode, exitCodeFor, SIGNAL_OF_EXIT, STOP_WORD_OF_EXIT } from './exit-codes.js';
import { quietWhenReaderLeaves, writesSettled } from './closed-pipe.js';
import { COMMANDS } from './commands/index.js';
import type { CliContext } from './context.js';
import { bindDashedPathValues, protectLoneDashes, restoreLoneDashes, takeWordsAfterDashDash } from './lone-dash.js';
import { contradiction, flagWithValue, optionTableOf, repeatedOption, unknownOptionsLine } from './option-words.js';
import { cliMessage } from './setting-words.js';
import { standardOutput } from './standard-output.js';

export interface MainIo extends Partial<Pick<CliContext, 'stdout' | 'stderr' | 'stdin' | 'loadTranslator' | 'finished'>> {
  /**
   * For tests of the command line itself: called with the parsed and validated arguments in place
   * of the command, which then does not run (main returns 0).
   */
  parseOnly?: (args: Record<string, unknown>) => void;
}

/** A message from yargs (or a check) as one line, with the pointer to --help. */
function usageLine(msg: string): string {
  return `${msg.trim().replace(/\s*\n\s*/g, ' ')} (run "da2en --help" for usage)`;
}

/** Runs the CLI and returns the exit code (the process is left to the caller, for tests). */
export async function main(argv: string[], io: MainIo = {}): Promise<number> {
  const controller = new AbortController();
  // As yargs reads them (`-qf html`, `--quiet=true`, `--no-quiet`; not `-q` after `--`, an input):
  // set by the first middleware, before any check can fail.
  let quiet = false;
  let verbose = false;
  const stderr = io.stderr ?? process.stderr;
  const ctx: CliContext = {
    stdout: io.stdout ?? standardOutput(),
    stderr,
    stdin: io.stdin ?? process.stdin,
    signal: controller.signal,
    log: (m) => {
      if (!quiet) stderr.write(`${m}\n`);
    },
    verbose: (m) => {
      if (verbose) stderr.write(`${m}\n`);
    },
    exitCode: 0,
    stopNote: undefined,
    run: async (args, work) => {
      if (io.parseOnly) io.parseOnly({ ...args });
      else ctx.exitCode = await work();
    },
    // Imported when a command needs it: the engine (Transformers.js, ONNX Runtime, sharp) takes
    // ~0.4 s to import, which --help, --version and `cache` need not wait for.
    loadTranslator: io.loadTranslator ?? (async (options) => (await import('../engine/load-translator.js')).loadTranslator(options)),
    finished: io.finished ?? (() => {}),
  };

  // A run reading standard input that its writer holds open would wait for the next bytes before it
  // could notice a stop: closing it (without an error, which nobody may be listening for) ends the read.
  controller.signal.addEventListener('abort', () => {
    const stdin = ctx.stdin as NodeJS.ReadableStream & { destroy?: () => void };
    stdin.destroy?.();
  }, { once: true });

  // Ctrl-C / SIGTERM: stop the work in progress; the command says what is kept (ctx.stopNote).
  let signalExit: number | null = null;
  let signalledAt = 0;
  const stopWord = () => STOP_WORD_OF_EXIT[signalExit ?? ExitCode.Terminated] ?? 'terminated';
  const onSignal = (code: number) => () => {
    if (signalExit !== null) {
      // Any stop signal within a second of the first is the same stop: one event delivered twice (to
      // the process group and passed on by a wrapper such as `timeout`), or another on its heels
      // (Ctrl-C, then the terminal closing or a supervisor's SIGTERM). The first one's exit code stays.
      if (performance.now() - signalledAt < 1000) return;
      // A later one is a person insisting: a second Ctrl-C means now. Still no temp file left behind,
      // and still the first signal's exit code.
      removeTempFilesNow();
      const line = `da2en: ${stopWord()} at once (a second signal)${ctx.stopNote ? `; ${ctx.stopNote}` : ''}\n`;
      // Written before the process ends: to a pipe, a stream's write would still be pending.
      if (stderr === process.stderr) writeSync(2, line);
      else stderr.write(line);
      endNow(signalExit);
    }
    signalExit = code;
    signalledAt = performance.now();
    controller.abort(new Da2enError('interrupted', stopWord()));
  };
  const sigint = onSignal(ExitCode.Interrupted);
  const sigterm = onSignal(ExitCode.Terminated);
  // A closed terminal: the same clean stop (its default would kill the process mid-write, leaving a temp file).
  const sighup = onSignal(ExitCode.HungUp);
  // Before yargs, which would act on the words first (`-o -.html` printed the help).
  let bound: string[];
  try {
    bound = bindDashedPathValues(argv);
  } catch (err) {
    if (!(err instanceof Da2enError)) throw err;
    stderr.write(`da2en: ${cliMessage(err)}\n`);
    return exitCodeFor(err.kind);
  }
  process.on('SIGINT', sigint);
  process.on('SIGTERM', sigterm);
  process.on('SIGHUP', sighup);

  const args = protectLoneDashes(bound);
  const cli = yargs(args)
    // Numbers are read by each option's own check (number-options.ts), exactly as typed: yargs
    // would otherwise read "0x10" as 16 and "1e3" as 1000 before the check could see them.
    // Words after `--` are kept apart, to be added to the inputs (takeWordsAfterDashDash).
    .parserConfiguration({ 'parse-numbers': false, 'populate--': true })
    .middleware((parsed) => {
      quiet = parsed['quiet'] === true;
      // With --quiet too the command line is refused as contradictory: in one line, without a stack.
      verbose = parsed['verbose'] === true && !quiet;
    }, true)
    .middleware((parsed) => restoreLoneDashes(parsed), true)
    .middleware((parsed) => takeWordsAfterDashDash(parsed), true)
    // Before any option's own check (they run in the order added): one rule for an option given twice,
    // and for two that say opposite things.
    .middleware(() => {
      // yargs' option table for the command being run (the instance is reset for each command).
      const table = optionTableOf(cli);
      const repeated = repeatedOption(args, table);
      if (repeated !== undefined) throw new Da2enError('usage', `option ${repeated.length === 1 ? '-' : '--'}${repeated} was given twice; give it once`);
      const flag = flagWithValue(args, table);
      if (flag !== undefined) throw new Da2enError('usage', `${flag}: ${flag.slice(0, flag.indexOf('='))} is an on/off option; give it alone (or --no-… to turn it off)`);
      const opposite = contradiction(args, table);
      if (opposite !== undefined) throw new Da2enError('usage', opposite);
    }, true)
    // yargs' own words (Options:, [required], …) in English like every line of da2en's help, whatever
    // LANG says; its locale files are not in the CLI's bundle either.
    .detectLocale(false)
    .scriptName('da2en')
    .usage('$0 [inputs..] [options]\n\nTranslate Danish articles into English with a local Opus-MT model and write side-by-side bilingual files.')
    .version(packageVersion())
    .strict()
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .epilogue('Exit codes: 0 ok, 1 unexpected error, 2 bad usage, 3 unreadable input, 4 model missing, 5 model corrupt, 6 network, 7 no article in the page, 8 cannot write an output, 20–30 fetching a URL (see README), 129 hung up (terminal closed), 130 interrupted (Ctrl-C), 143 terminated.')
    .fail((msg, err: unknown) => {
      // `da2en -notes.txt`: yargs reads the name as options (-n -o …) and fails on one of them
      // ("-o/--output needs a file"), which does not say why. A dashed word that is a file here is
      // most likely meant as one.
      const dashed = args.slice(0, args.includes('--') ? args.indexOf('--') : args.length).find((a) => /^-[^-]./.test(a) && existsSync(a));
      if (dashed !== undefined) throw new Da2enError('usage', `${dashed} is read as options, as it starts with a dash; to translate that file, write -- ${dashed} (or ./${dashed})`);
      if (err instanceof Da2enError) throw err;
      // yargs' own messages (unknown options, bad choices, a check's or an option's rejection —
      // yargs rethrows those as a YError carrying the message), as one line with a pointer to --help.
      if (err === undefined || err === null || typeof err === 'string' || (err instanceof Error && err.name === 'YError')) {
        const text = msg ?? String(err);
        throw new Da2enError('usage', usageLine(unknownOptionsLine(text, args) ?? text), err instanceof Error ? { cause: err } : undefined);
      }
      throw err; // a command's own failure, passed on by yargs
    });

  for (const register of COMMANDS) register(cli, ctx);
  // Every command's output may go to a reader that leaves early (`da2en … | head`), or fail (a full
  // disk): --help and --version too, which yargs hands over (below) to be written there.
  quietWhenReaderLeaves(ctx.stdout, ctx.stderr);

  try {
    // Given a callback, yargs keeps what it would print itself (--help, --version) and does not end
    // the process: written to the command's standard output, a failure there (`--help > /dev/full`)
    // is checked below as any command's output is, instead of lost inside console.log.
    let printed = '';
    let exitError: unknown;
    await cli.parseAsync(args, (err: unknown, _argv: unknown, output: string) => {
      exitError = err;
      printed = output;
    });
    if (exitError) throw exitError;
    if (printed !== '') ctx.stdout.write(`${printed}\n`);
    // A report written in one go (`model path`, `eval --json`) is not checked by its command.
    const failure = await writesSettled(ctx.stdout);
    if (failure) throw streamOutputError('standard output', failure);
    return ctx.exitCode;
  } catch (err) {
    if (signalExit !== null) {
      stderr.write(`da2en: ${stopWord()}${ctx.stopNote ? `; ${ctx.stopNote}` : ''}\n`);
      return signalExit;
    }
    // The reader of our standard output went away (`da2en … | head`): nothing is wrong, stop quietly.
    if ((err as NodeJS.ErrnoException | undefined)?.code === 'EPIPE') return ExitCode.Ok;
    if (err instanceof Da2enError) {
      stderr.write(`da2en: ${cliMessage(err)}\n`);
      if (verbose) writeStack(stderr, err);
      return exitCodeFor(err.kind);
    }
    const message = err instanceof Error ? err.message : String(err);
    stderr.write(`da2en: unexpected error: ${message.split('\n')[0]}${verbose ? '' : ' (run with --verbose for details)'}\n`);
    if (verbose) writeStack(stderr, err);
    return ExitCode.Failure;
  } finally {
    process.off('SIGINT', sigint);
    process.off('SIGTERM', sigterm);
    process.off('SIGHUP', sighup);
  }
}

/**
 * Ends the process now, as the shell sees it: 128 + the signal. process.exit() waits for the file
 * operations in progress on libuv's threads, and one can block for ever (a write to a device that
 * hangs; an -o FIFO no longer blocks a thread, see sinks.ts);
 * the signal's own default action does not wait. process.exit is the fallback.
 */
function endNow(code: number): void {
  const signal = SIGNAL_OF_EXIT[code];
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  }
  process.exit(code);
}

/** With --verbose: the stack, then each `cause` in turn (the original error a domain error wraps). */
function writeStack(stderr: NodeJS.WritableStream, err: unknown): void {
  for (let e: unknown = err, depth = 0; e !== undefined && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const text = e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
    stderr.write(depth === 0 ? `${text}\n` : `caused by: ${text}\n`);
  }
}

// Run when executed directly (`tsx src/cli/main.ts`), not when imported by tests or by bin.ts.
const invoked = process.argv[1] ? await import('node:fs').then((fs) => fs.realpathSync(process.argv[1]!)) : '';
if (invoked && import.meta.url === (await import('node:url')).pathToFileURL(invoked).href) {
  let finished = false;
  const afterMain = endAtOnceOnSignalWhenSettled();
  const code = await main(hideBin(process.argv), { finished: () => (finished = true) });
  process.exitCode = code;
  afterMain.settle();
  if (mayEndNow(finished || stoppedBySignal(code), process)) process.exit();
}
