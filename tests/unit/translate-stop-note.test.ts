import { describe, expect, it } from 'vitest';
import { stopNote } from '../../src/cli/commands/translate-run.js';

describe("translate's stop note says what the stop left behind", () => {
  it('with a memory that stores, without one, and with one that filled up during the run', () => {
    expect(stopNote('stored', 0, 2)).toBe('translations finished so far are kept in the cache, run again to continue');
    expect(stopNote(null, 0, 2)).toBe('nothing was kept (--no-cache): a new run starts over');
    // After a write failure, "finished so far are kept" would be untrue for everything after it.
    expect(stopNote('full', 1, 2)).toBe(
      'the outputs of the first input were written; only translations finished before the translation memory failed are kept in it, run again to continue',
    );
    // A memory that could not be opened is not --no-cache: the note does not blame an option not given.
    expect(stopNote('unusable', 0, 2)).toBe('nothing was kept (no translation memory): a new run starts over');
    expect(stopNote('unusable', 1, 2)).toBe('the outputs of the first input were written; nothing of the rest was kept (no translation memory)');
    expect(stopNote('full', 2, 2)).toBe('the stop came as the run was finishing: all of its outputs were written');
  });
});
