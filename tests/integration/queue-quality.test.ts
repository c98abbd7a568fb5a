/** `--quality` names the model of the jobs `queue add` queues (was: the default model, whatever --quality said). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUALITY_MODELS } from '../../src/engine/model-store/model-files.js';
import { openQueue } from '../../src/queue/index.js';
import { startTestRedis, type TestRedis } from '../../tools/redis-server.js';
import { runCli } from '../helpers/run-cli.js';

let redis: TestRedis;
const work = mkdtempSync(path.join(os.tmpdir(), 'da2en-queue-quality-'));
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.dispose();
  rmSync(work, { recursive: true, force: true });
});

describe('queue add --quality', () => {
  it('queues jobs for the model --quality names', async () => {
    const input = path.join(work, 'a.txt');
    writeFileSync(input, 'Hunden løber.\n');
    const added = await runCli(['queue', 'add', input, '--redis', redis.url, '--quality', 'best', '--out-store', 'redis']);
    expect(added.code, added.stderr).toBe(0);
    const { queue, close } = openQueue(redis.url);
    try {
      const jobs = await queue.getJobs(['waiting']);
      expect(jobs.map((job) => job.data.engine.model)).toEqual([QUALITY_MODELS.best]);
    } finally {
      await close();
    }
  });
});
