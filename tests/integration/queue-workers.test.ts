/**
 * Archive scale through BullMQ on Redis: 3 `da2en worker` processes (tiny builder model) on
 * generated articles, against one `da2en translate` process. The default suite runs 60 articles
 * per scenario; the data suite (tests/data/queue-300.test.ts) runs the same scenarios on 300.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectComplete as expectCompleteOf } from '../helpers/queue-checks.js';
import { compareWithReference, queueFixture, runScenario, survivorCounts, type QueueFixture, type ScenarioResult } from '../helpers/queue-scenarios.js';

const ARTICLES = 60;

let f: QueueFixture;
const expectComplete = (r: ScenarioResult) => expectCompleteOf(r, f, ARTICLES);
beforeAll(async () => {
  f = await queueFixture(ARTICLES);
}, 900_000);
afterAll(async () => {
  await f?.dispose();
});

describe(`queue: 3 workers on ${ARTICLES} articles`, () => {
  it('translates every article exactly once, with outputs identical to one translate process', async () => {
    const r = await runScenario(f, 'plain', 1, []);
    expectComplete(r);
    const summaries = r.summaries.map((s) => s!);
    // Every article done once, by one worker; the model translated each segment once in all.
    expect(summaries.reduce((n, s) => n + s.done, 0)).toBe(ARTICLES);
    expect(summaries.reduce((n, s) => n + s.translated, 0)).toBe(f.referenceTranslated);
    expect(summaries.reduce((n, s) => n + s.cached, 0)).toBe(0);
    expect(r.restartedJobs).toBe(0);
    process.stderr.write(`[queue] ${ARTICLES} articles, 3 workers: ${r.ms} ms; done per worker ${summaries.map((s) => s.done).join('/')}\n`);
  }, 1_200_000);

  // Both faults in one run (the data suite runs them separately on 300 articles), to keep the suite short.
  it('a worker SIGKILLed at 1/3 and Redis restarted at 2/3: the run completes, nothing lost or duplicated', async () => {
    const r = await runScenario(f, 'faults', 2, ['kill-worker', 'restart-redis']);
    expectComplete(r);
    // The killed worker was mid-article: that job lost its worker and was started again by another.
    expect(r.stalledJobs).toBeGreaterThanOrEqual(1);
    expect(r.restartedJobs).toBeGreaterThanOrEqual(1);
    const byKilled = [...r.results.values()].filter((x) => x.worker.endsWith(`:${r.killedPid}`)).length;
    const survivors = survivorCounts(r);
    const bySurvivors = survivors.reduce((n, s) => n + s.recorded, 0);
    // Each article completed exactly once, by the killed worker or a survivor (as Redis recorded them).
    expect(byKilled + bySurvivors).toBe(ARTICLES);
    // Each survivor's own count: never one it did not finish; at most one short (a completion whose
    // reply the Redis restart swallowed).
    for (const s of survivors) {
      expect(s.reported, `worker ${s.pid}`).toBeLessThanOrEqual(s.recorded);
      expect(s.reported, `worker ${s.pid}`).toBeGreaterThanOrEqual(s.recorded - 1);
    }
    process.stderr.write(
      `[queue] SIGKILL after ${r.faultsAt[0]} completed, Redis restart after ${r.faultsAt[1]}: ${r.stalledJobs} job(s) stalled and retried, ${r.restartedJobs} started twice; ` +
        `${byKilled} done by the killed worker, ${bySurvivors} by the others; ${r.ms} ms; resumed from memory: ${compareWithReference(r, f).resumed.length / 2} article(s); temp files left by the kill: ${r.leftovers.length}\n`,
    );
  }, 1_200_000);
});
