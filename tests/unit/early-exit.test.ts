import { describe, expect, it } from 'vitest';
import { mayEndNow } from '../../src/cli/early-exit.js';

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
