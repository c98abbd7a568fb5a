/**
 * The CLI with the FakeTranslator, which sends the CLI process SIGINT as it is disposed: after every
 * output was put in place, before the command has finished (as a stop that comes while the last
 * renames are being done). Disposing waits until the signal has been delivered.
 */
import { main } from '../../src/cli/main.js';
import { FakeTranslator } from './fake-translator.js';

class SignalOnDispose extends FakeTranslator {
  override async dispose(): Promise<void> {
    // A timer keeps the event loop alive until the signal's listener has run (a signal does not).
    const waiting = setInterval(() => {}, 60_000);
    const delivered = new Promise((resolve) => process.once('SIGINT', resolve));
    process.kill(process.pid, 'SIGINT');
    await delivered;
    clearInterval(waiting);
  }
}

process.exitCode = await main(process.argv.slice(2), { loadTranslator: async () => new SignalOnDispose() });
