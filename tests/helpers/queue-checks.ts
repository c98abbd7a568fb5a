/** Assertions shared by the queue scenario tests (60 articles in the default suite, 300 in the data suite). */
import { expect } from 'vitest';
import { compareWithReference, type QueueFixture, type ScenarioResult } from './queue-scenarios.js';

/** Every article done, none failed; exactly the reference's files, byte for byte; the surviving workers stopped cleanly. */
export function expectComplete(r: ScenarioResult, f: QueueFixture, articles: number): void {
  expect(r.failed).toBe(0);
  expect(r.completed).toBe(articles);
  // Nothing lost, nothing extra (JSON less its timings; an article resumed from the memory less
  // segment provenance, see compareWithReference).
  expect([...r.outputs.keys()]).toEqual([...f.reference.keys()]);
  expect(compareWithReference(r, f).mismatches).toEqual([]);
  // The surviving workers stopped cleanly on SIGTERM.
  for (const code of r.exitCodes.filter((_, i) => r.killedPid === null || i > 0)) expect(code).toBe(0);
}
