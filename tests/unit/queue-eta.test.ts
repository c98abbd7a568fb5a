/** The ETA `queue status` shows and its `--json` carries as `etaSeconds`. */
import { describe, expect, it } from 'vitest';
import { etaSeconds } from '../../src/queue/queue-ops.js';

describe('queue status ETA', () => {
  it('is the articles left at the latest rate, in whole seconds rounded up', () => {
    expect(etaSeconds(30, 12)).toBe(150);
    expect(etaSeconds(1, 7)).toBe(9);
    // Never 0 while something is left: 0 means done.
    expect(etaSeconds(1, 1e6)).toBe(1);
  });

  it('is 0 with nothing left, whatever the rate, and unknown (null) without a rate', () => {
    expect(etaSeconds(0, null)).toBe(0);
    expect(etaSeconds(0, 3)).toBe(0);
    expect(etaSeconds(5, null)).toBe(null);
  });
});
