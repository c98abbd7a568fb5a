/**
 * A reader that goes away early (`da2en queue status | head -1`, a log pipe that closes): the next
 * write to the pipe fails with EPIPE, which Node emits as an 'error' event on the stream, and an
 * unheard 'error' ends the process with a stack trace. Heard here, it is nothing: what is left to
 * say is dropped and the command ends as it would have (the README's "`da2en … | head` stops
 * quietly"). Any other failure (a full disk under `> out.txt`) is kept for `writesSettled`, which
 * main asks once the command is over: it is then said in one line, exit 8, never a stack trace.
 */
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
 */
export async function writesSettled(stream: NodeJS.WritableStream): Promise<Error | undefined> {
  const writable = stream as NodeJS.WritableStream & { destroyed?: boolean; writableEnded?: boolean; errored?: Error | null };
  if (!writable.destroyed && !writable.writableEnded) {
    // An empty write's callback comes after every earlier write's.
    await new Promise<void>((resolve) => stream.write('', () => resolve()));
  }
  // `errored` is set as the write fails; its 'error' event (heard above) may still be to come.
  const failure = failures.get(stream) ?? writable.errored ?? undefined;
  return (failure as NodeJS.ErrnoException | undefined)?.code === 'EPIPE' ? undefined : failure;
}
