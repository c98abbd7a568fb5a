/** The line a worker prints when it stops, and the parser the queue tests and `npm run bench:queue` read it with. */
import { describe, expect, it } from 'vitest';
import { workerSummaryLine } from '../../src/cli/commands/worker-summary.js';
import { workerSummary } from '../../tools/queue-run.js';

describe('worker summary line', () => {
  it('says one in the singular ("1 article done", "1 segment translated in 1 model call") and reads back', () => {
    const one = { done: 1, failed: 1, translated: 1, calls: 1, cached: 1 };
    const line = workerSummaryLine('host:42', one);
    expect(line).toBe('worker host:42: 1 article done, 1 failed; 1 segment translated in 1 model call, 1 from the cache');
    expect(workerSummary(`taking jobs\n${line}\n`)).toEqual(one);
  });

  it('says other counts in the plural and reads back', () => {
    const none = { done: 0, failed: 0, translated: 0, calls: 0, cached: 0 };
    expect(workerSummaryLine('h:1', none)).toBe('worker h:1: 0 articles done, 0 failed; 0 segments translated in 0 model calls, 0 from the cache');
    expect(workerSummary(workerSummaryLine('h:1', none))).toEqual(none);
    const many = { done: 12, failed: 3, translated: 240, calls: 17, cached: 5 };
    expect(workerSummaryLine('h:1', many)).toBe('worker h:1: 12 articles done, 3 failed; 240 segments translated in 17 model calls, 5 from the cache');
    expect(workerSummary(workerSummaryLine('h:1', many))).toEqual(many);
  });
});
