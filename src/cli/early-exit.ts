import { SIGNAL_OF_EXIT } from './exit-codes.js';

/**
 * Whether the `da2en` process may end now, once its command has finished everything it started
 * (CliContext.finished), rather than when its event loop has emptied. Ending through the empty loop
 * also tears down V8's heap page by page, which a translation has filled (the tokenizer): 0.03–0.1 s
 * after every run, more on a busy machine, that the caller waits for with nothing left to do. Only
 * when nothing can be lost: the standard streams hold no unwritten data (to a pipe they are written
 * asynchronously), and nothing waits for the loop to empty ('beforeExit', as pino's flush does).
 */
export interface ProcessEnd {
  stdout: { writableLength: number };
  stderr: { writableLength: number };
  listenerCount(event: 'beforeExit'): number;
}

/**
 * Whether `code` is that of a run stopped by a signal (129, 130, 143). Its clean stop is done when
 * main returns, and the process then ends at once (when mayEndNow allows) rather than through the
 * empty loop: while that tears down, Node has already given the signals back to their default
 * action, so a second one then (Ctrl-C, then the terminal closing) would end it with its own code.
 */
export function stoppedBySignal(code: number): boolean {
  return SIGNAL_OF_EXIT[code] !== undefined;
}

export function mayEndNow(commandFinished: boolean, p: ProcessEnd): boolean {
  return commandFinished && p.stdout.writableLength === 0 && p.stderr.writableLength === 0 && p.listenerCount('beforeExit') === 0;
}

/**
 * Stop signals once the command is over. Its exit code is settled then, and a signal while the
 * process winds down (one on the heels of the stop just handled, or a late one) ends it at once with
 * that code, instead of the signal's default action, which would put its own in place (143 after an
 * interrupted run's 130). Call just before `main`, which listens for them itself from its start:
 * until `settle()` these listeners do nothing, and the default action never comes back in between.
 */
export function endAtOnceOnSignalWhenSettled(p: Pick<NodeJS.Process, 'on' | 'exit'> = process): { settle(): void } {
  let settled = false;
  const onSignal = () => {
    if (settled) p.exit();
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) p.on(signal, onSignal);
  return {
    settle: () => {
      settled = true;
    },
  };
}
