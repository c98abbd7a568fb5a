/**
 * The CLI's own parse of a command line (main: its yargs, lone-dash handling and checks), the
 * command's work left out (parseOnly): the exit code, what was written, and the arguments parsed.
 */
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../src/cli/main.js';

export interface ParseOutcome {
  code: number;
  stdout: string;
  stderr: string;
  parsed: Record<string, unknown> | undefined;
}

export async function parseCli(args: string[]): Promise<ParseOutcome> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  let parsed: Record<string, unknown> | undefined;
  const code = await main(args, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    stdin: Readable.from([]),
    parseOnly: (a) => (parsed = a),
  });
  return { code, stdout: out, stderr: err, parsed };
}
