/**
 * A reader that goes away early (`da2en queue status | head -1`, a log pipe that closes): the next
 * write to the pipe fails with EPIPE, which Node emits as an 'error' event on the stream, and an
 * unheard 'error' ends the process with a stack trace. Heard here, it is nothing: what is left to
 * say is dropped and the command ends as it would have (the README's "`da2en … | head` stops
 * quietly"). Any other stream error is thrown on, as unheard.
 */
const heard = new WeakSet<NodeJS.WritableStream>();

function onStreamError(err: NodeJS.ErrnoException): void {
  if (err.code !== 'EPIPE') throw err;
}

/**
 * Once per stream, for the life of the process: the failed write's 'error' comes after the write,
 * possibly after the command has returned.
 */
export function quietWhenReaderLeaves(...streams: NodeJS.WritableStream[]): void {
  for (const stream of streams) {
    if (heard.has(stream)) continue;
    heard.add(stream);
    stream.on('error', onStreamError);
  }
}
