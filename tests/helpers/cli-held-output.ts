/**
 * The CLI with the FakeTranslator and a standard output that never accepts a byte (a reader that
 * stopped reading): whatever is written there waits for ever, so a Ctrl-C cannot finish its clean
 * stop and only a second one, "now", ends the run. Says `held: standard output` on stderr at the
 * first write, for the test to know the run has got there.
 */
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { FakeTranslator } from './fake-translator.js';

let told = false;
const held = new Writable({
  highWaterMark: 1,
  write(_chunk, _encoding, _callback) {
    if (!told) process.stderr.write('held: standard output\n');
    told = true;
  },
});

// What a real pipe's handle does: keeps the process waiting for it (the Writable alone would not).
const pipeHandle = setInterval(() => {}, 60_000);
process.exitCode = await main(process.argv.slice(2), { stdout: held as unknown as NodeJS.WriteStream, loadTranslator: async () => new FakeTranslator() });
clearInterval(pipeHandle);
