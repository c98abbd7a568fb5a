/**
 * Standard output sent to a file or a device (`da2en a.txt > out.txt`, `> /dev/full`), written so
 * that no byte is lost without an error. Node writes such a standard output with one write(2) a
 * chunk and ignores a short count: on a disk that fills up, the end of a chunk is dropped, and when
 * that chunk is the last one nothing ever fails (the output cut short, exit 0). Here every chunk is
 * written to its end, so the next write(2) says what stopped it (ENOSPC). A terminal or a pipe is
 * left as it is: libuv writes those whole, and reports their failures.
 */
import { fstatSync, writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import { Writable } from 'node:stream';

type WriteSync = (fd: number, data: Uint8Array, offset: number, length: number) => number;

/** Writes all of `data` to `fd`, a short write followed by another for the rest (its error thrown). */
export function writeWholeSync(fd: number, data: Uint8Array, write: WriteSync = writeSync): void {
  let offset = 0;
  while (offset < data.length) offset += write(fd, data, offset, data.length - offset);
}

/** A stream on `fd` writing each chunk whole before the next (synchronously, as Node's own for a file). */
export function wholeWritesTo(fd: number, write: WriteSync = writeSync): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      try {
        writeWholeSync(fd, chunk, write);
      } catch (err) {
        done(err as Error);
        return;
      }
      done();
    },
  });
}

/** Whether Node writes `fd` as a file (libuv's "FILE": a regular file, or a device that is no terminal). */
function writtenAsFile(fd: number): boolean {
  if (isatty(fd)) return false;
  try {
    const info = fstatSync(fd);
    return info.isFile() || info.isCharacterDevice() || info.isBlockDevice();
  } catch {
    return false;
  }
}

/**
 * The process's standard output for the commands: `process.stdout` itself unless it is a file or a
 * device, then a stream on file descriptor 1 that writes every byte (see the top of this file).
 */
export function standardOutput(): NodeJS.WritableStream & { readonly isTTY?: boolean } {
  return writtenAsFile(1) ? wholeWritesTo(1) : process.stdout;
}
