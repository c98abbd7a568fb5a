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

export function mayEndNow(commandFinished: boolean, p: ProcessEnd): boolean {
  return commandFinished && p.stdout.writableLength === 0 && p.stderr.writableLength === 0 && p.listenerCount('beforeExit') === 0;
}
