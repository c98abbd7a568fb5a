import { readFile, stat } from 'node:fs/promises';
import { buffer as readAll } from 'node:stream/consumers';
import { ExitCode, UserError } from '../errors.js';
import { DecodeError, decodeText, type DecodedText, type InputEncoding } from './decode-text.js';

/** Reads an article from a path or "-" (stdin), with one clear error line for every way it can fail. */
export async function readInput(name: string, encoding: InputEncoding = 'auto', stdin: NodeJS.ReadableStream = process.stdin): Promise<DecodedText> {
  let bytes: Uint8Array;
  if (name === '-') {
    bytes = await readAll(stdin);
  } else {
    try {
      const info = await stat(name);
      if (info.isDirectory()) throw new UserError(`${name} is a directory; give the path of a text file`, ExitCode.InputError);
      bytes = await readFile(name);
    } catch (err) {
      if (err instanceof UserError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (err as Error).message;
      throw new UserError(`cannot read ${name}: ${why}`, ExitCode.InputError);
    }
  }
  let decoded: DecodedText;
  try {
    decoded = decodeText(bytes, encoding);
  } catch (err) {
    if (err instanceof DecodeError) throw new UserError(`${name === '-' ? 'standard input' : name} ${err.message}`, ExitCode.InputError);
    throw err;
  }
  if (decoded.text.trim() === '') {
    throw new UserError(`${name === '-' ? 'standard input' : name} is empty (nothing but whitespace); nothing to translate`, ExitCode.InputError);
  }
  return decoded;
}
