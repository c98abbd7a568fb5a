#!/usr/bin/env node
import { createRequire } from 'node:module';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { Da2enError } from '../errors.js';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import { translateCommand } from './commands/translate.js';
import { modelCommand } from './commands/model.js';
import { evalCommand } from './commands/eval.js';
import { cacheCommand } from './commands/cache.js';
import { serveCommand } from './commands/serve.js';
import { queueCommand } from './commands/queue.js';
import { workerCommand } from './commands/worker.js';
import type { CliContext } from './context.js';
import { protectLoneDashes, restoreLoneDashes } from './lone-dash.js';
import { stopWithParent } from '../process/child-lifetime.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** Runs the CLI and returns the exit code (the process is left to the caller, for tests). */
export async function main(argv: string[], io: Partial<Pick<CliContext, 'stdout' | 'stderr' | 'stdin' | 'loadTranslator'>> = {}): Promise<number> {
  const controller = new AbortController();
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  const quiet = argv.includes('--quiet') || argv.includes('-q');
  const stderr = io.stderr ?? process.stderr;
  const ctx: CliContext = {
    stdout: io.stdout ?? process.stdout,
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
    // Imported when a command needs it: the engine (Transformers.js, ONNX Runtime, sharp) takes
    // ~0.4 s to import, which --help, --version and `cache` need not wait for.
    loadTranslator: io.loadTranslator ?? (async (options) => (await import('../engine/load-translator.js')).loadTranslator(options)),
  };

  // Ctrl-C / SIGTERM: stop the work in progress; finished translations are already in the cache.
  let signalExit: number | null = null;
  let signalledAt = 0;
  const onSignal = (code: number) => () => {
    if (signalExit !== null) {
      // The same signal again within a second is one event delivered twice (to the process group
      // and passed on by the `da2en` launcher, or by `timeout`); a later one is a person insisting.
      if (code === signalExit && performance.now() - signalledAt < 1000) return;
      process.exit(code); // a second Ctrl-C means now
    }
    signalExit = code;
    signalledAt = performance.now();
    controller.abort(new Da2enError('interrupted', code === ExitCode.Interrupted ? 'interrupted' : 'terminated'));
  };
  const sigint = onSignal(ExitCode.Interrupted);
  const sigterm = onSignal(ExitCode.Terminated);
  process.on('SIGINT', sigint);
  process.on('SIGTERM', sigterm);

  const cli = yargs(protectLoneDashes(argv))
    .middleware((parsed) => restoreLoneDashes(parsed), true)
    .scriptName('da2en')
    .usage('$0 [inputs..] [options]\n\nTranslate Danish articles into English with a local Opus-MT model and write side-by-side bilingual files.')
    .version(version)
    .strict()
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .epilogue('Exit codes: 0 ok, 1 unexpected error, 2 bad usage, 3 unreadable input, 4 model missing, 5 model corrupt, 6 network, 7 no article in the page, 20–30 fetching a URL (see README), 130 interrupted (Ctrl-C), 143 terminated.')
    .fail((msg, err) => {
      // yargs' own message for unknown options and bad values, as one line with a pointer to --help.
      throw err ?? new Da2enError('usage', `${msg}\nRun "da2en --help" for usage.`);
    });
  translateCommand(cli, ctx);
  modelCommand(cli, ctx);
  evalCommand(cli, ctx);
  cacheCommand(cli, ctx);
  serveCommand(cli, ctx);
  queueCommand(cli, ctx);
  workerCommand(cli, ctx);

  try {
    await cli.parseAsync();
    return ctx.exitCode;
  } catch (err) {
    if (signalExit !== null) {
      stderr.write(`da2en: ${signalExit === ExitCode.Interrupted ? 'interrupted' : 'terminated'}; translations finished so far are kept in the cache, run again to continue\n`);
      return signalExit;
    }
    // The reader of our standard output went away (`da2en … | head`): nothing is wrong, stop quietly.
    if ((err as NodeJS.ErrnoException | undefined)?.code === 'EPIPE') return ExitCode.Ok;
    if (err instanceof Da2enError) {
      stderr.write(`da2en: ${err.message}\n`);
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
  }
}

/** With --verbose: the stack, then each `cause` in turn (the original error a domain error wraps). */
function writeStack(stderr: NodeJS.WritableStream, err: unknown): void {
  for (let e: unknown = err, depth = 0; e !== undefined && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const text = e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
    stderr.write(depth === 0 ? `${text}\n` : `caused by: ${text}\n`);
  }
}

// Run when executed directly (bin or `tsx src/cli/main.ts`), not when imported by tests.
const invoked = process.argv[1] ? await import('node:fs').then((fs) => fs.realpathSync(process.argv[1]!)) : '';
if (invoked && import.meta.url === (await import('node:url')).pathToFileURL(invoked).href) {
  // Started by the `da2en` launcher (bin.ts): when it is gone, however it went, stop as on SIGTERM.
  stopWithParent(() => process.kill(process.pid, 'SIGTERM'));
  const code = await main(hideBin(process.argv));
  process.exitCode = code;
}
