/**
 * The full-size queue run of issue 16: 3 `da2en worker` processes on 300 generated articles, with no
 * fault, with one worker SIGKILLed a third of the way, and with Redis restarted a third of the way.
 * (The default suite runs the same scenarios on 60 articles: tests/integration/queue-workers.test.ts.)
 * It needs nothing from ../shared; it is here because it takes minutes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectComplete as expectCompleteOf } from '../helpers/queue-checks.js';
import { compareWithReference, queueFixture, runScenario, survivorCounts, type QueueFixture, type ScenarioResult } from '../helpers/queue-scenarios.js';

const ARTICLES = 300;

let f: QueueFixture;
const expectComplete = (r: ScenarioResult) => expectCompleteOf(r, f, ARTICLES);
beforeAll(async () => {
  f = await queueFixture(ARTICLES);
}, 600_000);
afterAll(async () => {
  await f?.dispose();
});

describe(`queue: 3 workers on ${ARTICLES} articles`, () => {
  it('every article translated exactly once, outputs identical to one translate process', async () => {
    const r = await runScenario(f, 'plain', 1, []);
    expectComplete(r);
    const summaries = r.summaries.map((s) => s!);
    expect(summaries.reduce((n, s) => n + s.done, 0)).toBe(ARTICLES);
    expect(summaries.reduce((n, s) => n + s.translated, 0)).toBe(f.referenceTranslated);
    expect(r.restartedJobs).toBe(0);
    process.stderr.write(`[queue-300] no fault: ${r.ms} ms, done per worker ${summaries.map((s) => s.done).join('/')}, ${f.referenceTranslated} segments translated once\n`);
  }, 3_600_000);

  it('one worker SIGKILLed a third of the way: completes, nothing lost or duplicated', async () => {
    const r = await runScenario(f, 'kill', 2, ['kill-worker']);
    expectComplete(r);
    expect(r.stalledJobs).toBeGreaterThanOrEqual(1);
    const byKilled = [...r.results.values()].filter((x) => x.worker.endsWith(`:${r.killedPid}`)).length;
    const bySurvivors = r.summaries.slice(1).reduce((n, s) => n + s!.done, 0);
    expect(byKilled + bySurvivors).toBe(ARTICLES);
    process.stderr.write(`[queue-300] SIGKILL after ${r.faultsAt[0]} completed: ${r.stalledJobs} stalled and retried, ${byKilled} done by the killed worker, ${bySurvivors} by the others, ${r.ms} ms; resumed from memory: ${compareWithReference(r, f).resumed.length / 2} article(s); temp files left by the kill: ${r.leftovers.length}\n`);
  }, 3_600_000);

  it('Redis restarted a third of the way (append-only file): workers reconnect and finish', async () => {
    const r = await runScenario(f, 'restart', 3, ['restart-redis']);
    expectComplete(r);
    const done = r.summaries.reduce((n, s) => n + s!.done, 0);
    // As Redis recorded them, every article once; each worker's own count at most one short (a
    // completion whose reply the restart swallowed: see survivorCounts).
    const counts = survivorCounts(r);
    expect(counts.reduce((n, s) => n + s.recorded, 0)).toBe(ARTICLES);
    for (const s of counts) {
      expect(s.reported, `worker ${s.pid}`).toBeLessThanOrEqual(s.recorded);
      expect(s.reported, `worker ${s.pid}`).toBeGreaterThanOrEqual(s.recorded - 1);
    }
    process.stderr.write(`[queue-300] Redis restarted after ${r.faultsAt[0]} completed: ${done} completions reported by the workers themselves, ${r.restartedJobs} restarted, ${r.ms} ms; resumed from memory: ${compareWithReference(r, f).resumed.length / 2} article(s); temp files left by the kill: ${r.leftovers.length}\n`);
  }, 3_600_000);
});
