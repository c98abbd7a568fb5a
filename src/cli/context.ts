import type { EngineOptions } from '../engine/load-translator.js';
import type { Translator } from '../engine/translator.js';

/** What a command may touch: the streams, the abort signal, and the two kinds of messages. */
export interface CliContext {
  /** Standard output: process.stdout, or a stream on its descriptor that writes every byte (standard-output.ts). */
  stdout: NodeJS.WritableStream & { readonly isTTY?: boolean };
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadableStream;
  signal: AbortSignal;
  /** A message for the person running the command (stderr; dropped with --quiet). */
  log(message: string): void;
  /** Details shown only with --verbose (stderr). */
  verbose(message: string): void;
  exitCode: number;
  /**
   * What a stop by Ctrl-C or SIGTERM leaves behind, said after "interrupted; " (a command keeps it
   * true as its work goes on); undefined says nothing more.
   */
  stopNote: string | undefined;
  /**
   * Runs a command's work with its parsed arguments and keeps its exit code. Every command's
   * handler goes through this, so a test of the command line can stop here (main's parseOnly).
   */
  run(args: object, work: () => Promise<number>): Promise<void>;
  /** Makes the translator (the real engine; a test of the CLI's own work may hand in another). */
  loadTranslator(options: EngineOptions): Promise<Translator>;
  /**
   * Called by a command when everything it started has ended and been waited for (outputs written
   * and closed, the model process gone, the memory closed): the `da2en` process may then end as soon
   * as its standard streams are flushed (bin.ts), without the event loop having to empty first.
   */
  finished(): void;
}
