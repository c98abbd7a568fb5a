/**
 * A reader that goes away early (`da2en queue status | head -1`, a log pipe that closes): the next
 * write to the pipe fails with EPIPE, which Node emits as an 'error' event on the stream, and an
 * unheard 'error' ends the process with a stack trace. Heard here, it is nothing: what is left to
 * say is dropped and the command ends as it would have (the README's "`da2en … | head` stops
 * quietly"). Any other failure (a full disk under `> out.txt`) is kept for `writesSettled`, which
 * main asks once the command is over: it is then said in one line, exit 8, never a stack trace.
 */
import type { Writable } from 'node:stream';

const failures = new WeakMap<NodeJS.WritableStream, Error | undefined>();

/**
 * Once per stream, for the life of the process: the failed write's 'error' comes after the write,
 * possibly after the command has returned.
 */
export function quietWhenReaderLeaves(...streams: NodeJS.WritableStream[]): void {
  for (const stream of streams) {
    if (failures.has(stream)) continue;
    failures.set(stream, undefined);
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && failures.get(stream) === undefined) failures.set(stream, err);
    });
  }
}

/**
 * Once every write to `stream` so far has been done: its first failure other than EPIPE, or undefined.
 * Nothing is written here: an empty write is a write(2) of its own to a file or device (process.stdout
 * there writes synchronously), which /dev/full refuses, and a command that wrote nothing to standard
 * output must not fail on it. Only writes still queued are waited for.
 */
export async function writesSettled(stream: NodeJS.WritableStream): Promise<Error | undefined> {
  const writable = stream as NodeJS.WritableStream & Partial<Pick<Writable, 'destroyed' | 'errored' | 'writableLength' | 'writableNeedDrain'>>;
  while ((writable.writableLength ?? 0) > 0 && !writable.destroyed && !writable.errored) await writesDone(writable);
  // `errored` is set as the write fails; its 'error' event (heard above) may still be to come.
  const failure = failures.get(stream) ?? writable.errored ?? undefined;
  return (failure as NodeJS.ErrnoException | undefined)?.code === 'EPIPE' ? undefined : failure;
}

/** The next sign of progress: 'drain' where a write was told to wait for it, otherwise the next turn of the event loop. */
function writesDone(stream: NodeJS.WritableStream & { writableNeedDrain?: boolean }): Promise<void> {
  return new Promise((resolve) => {
    if (!stream.writableNeedDrain) {
      setImmediate(resolve);
      return;
    }
    const done = () => {
      for (const event of ['drain', 'error', 'close']) stream.off(event, done);
      resolve();
    };
    for (const event of ['drain', 'error', 'close']) stream.once(event, done);
  });
}
