import { describe, expect, it } from 'vitest';
import { endAtOnceOnSignalWhenSettled, mayEndNow, stoppedBySignal } from '../../src/cli/early-exit.js';

const streams = (stdout: number, stderr: number, beforeExit = 0) => ({
  stdout: { writableLength: stdout },
  stderr: { writableLength: stderr },
  listenerCount: () => beforeExit,
});

describe('ending the da2en process once its command has finished', () => {
  it('ends at once when the command finished and nothing is left to write', () => {
    expect(mayEndNow(true, streams(0, 0))).toBe(true);
  });

  it('waits for the event loop when the command did not say it finished (an error, another command)', () => {
    expect(mayEndNow(false, streams(0, 0))).toBe(false);
  });

  it('waits while standard output or error still holds data for a pipe, or something waits for beforeExit', () => {
    expect(mayEndNow(true, streams(65_536, 0))).toBe(false);
    expect(mayEndNow(true, streams(0, 12))).toBe(false);
    expect(mayEndNow(true, streams(0, 0, 1))).toBe(false);
  });
});

describe('stop signals once main has returned', () => {
  function fakeProcess() {
    const listeners = new Map<string, () => void>();
    const exits: (number | undefined)[] = [];
    return {
      p: { on: (signal: string, listener: () => void) => listeners.set(signal, listener), exit: (code?: number) => void exits.push(code) },
      send: (signal: string) => listeners.get(signal)!(),
      exits,
    };
  }

  it('do nothing while main runs (it stops the command itself), and end the process with its code after', () => {
    const { p, send, exits } = fakeProcess();
    const afterMain = endAtOnceOnSignalWhenSettled(p as unknown as Parameters<typeof endAtOnceOnSignalWhenSettled>[0]);
    send('SIGINT');
    send('SIGTERM');
    expect(exits).toEqual([]);
    afterMain.settle();
    send('SIGHUP');
    // process.exit() without a code: the one main returned, already in process.exitCode.
    expect(exits).toEqual([undefined]);
  });

  it('a run stopped by a signal ends at once (129, 130, 143), other codes as before', () => {
    expect([129, 130, 143].map(stoppedBySignal)).toEqual([true, true, true]);
    expect([0, 1, 2, 8, 137].map(stoppedBySignal)).toEqual([false, false, false, false, false]);
  });
});
