/** Standard output on a full disk: every byte written or an error, never a chunk cut short in silence. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Da2enError } from '../../src/errors.js';
import { createStreamSink } from '../../src/io/sinks.js';
import { wholeWritesTo, writeWholeSync } from '../../src/cli/standard-output.js';

const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

/** write(2) on a disk with `room` bytes left: a short count, then ENOSPC. */
function diskWithRoom(room: number) {
  const kept: number[] = [];
  const write = (_fd: number, data: Uint8Array, offset: number, length: number) => {
    if (room === 0) throw enospc();
    const n = Math.min(room, length);
    kept.push(...data.subarray(offset, offset + n));
    room -= n;
    return n;
  };
  return { write, kept };
}

describe('standard output written to a file', () => {
  it('a short write is followed by another for the rest', () => {
    let calls = 0;
    const kept: number[] = [];
    writeWholeSync(1, Buffer.from('abcdef'), (_fd, data, offset, length) => {
      calls++;
      const n = Math.min(2, length);
      kept.push(...data.subarray(offset, offset + n));
      return n;
    });
    expect(Buffer.from(kept).toString()).toBe('abcdef');
    expect(calls).toBe(3);
  });

  it('a disk that fills up during a chunk (the last one) is an error, not a cut output', async () => {
    const disk = diskWithRoom(4);
    const stream = wholeWritesTo(1, disk.write);
    stream.on('error', () => {}); // heard as main hears it (closed-pipe.ts)
    const sink = createStreamSink(stream);
    const failure = await sink
      .write('abcdefgh')
      .then(() => sink.commit())
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(Da2enError);
    expect((failure as Da2enError).kind).toBe('output');
    expect((failure as Error).message).toBe('cannot write standard output: no space left on the device; free some space, or send it to a file on another disk');
    expect(Buffer.from(disk.kept).toString()).toBe('abcd');
  });
});

describe('the standard-output sink', () => {
  it('a stream that fails while full (no drain ever comes) ends the write with the failure', async () => {
    const stream = new Writable({ highWaterMark: 1, write: (_chunk, _enc, done) => setImmediate(() => done(enospc())) });
    stream.on('error', () => {});
    const sink = createStreamSink(stream);
    await expect(sink.write('abc')).rejects.toThrow('cannot write standard output: no space left on the device; free some space, or send it to a file on another disk');
  });

  it('a reader gone away (EPIPE) is passed on as it is, to stop quietly', async () => {
    const epipe = Object.assign(new Error('EPIPE'), { code: 'EPIPE' });
    const stream = new Writable({ write: (_chunk, _enc, done) => done(epipe) });
    stream.on('error', () => {});
    const sink = createStreamSink(stream);
    await expect(sink.write('abc').then(() => sink.commit())).rejects.toBe(epipe);
  });
});
