/**
 * Output names near the file system's 255-byte limit in the queue: `queue add` refuses one over it as
 * the translate command does (exit 8, one line, nothing queued), so that no worker fails on it at
 * every try.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueue } from '../../src/queue/index.js';
import { startTestRedis, type TestRedis } from '../../tools/redis-server.js';
import { runCli } from '../helpers/run-cli.js';

let redis: TestRedis;
const work = mkdtempSync(path.join(os.tmpdir(), 'da2en-queue-long-names-'));
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.dispose();
  rmSync(work, { recursive: true, force: true });
});

const TOO_LONG = /^da2en: cannot write \S*c{245}\.da-en\.html: its name is too long for the file system \(most allow 255 bytes a name, 4096 a path\); choose a shorter name\n$/;

async function jobCount(): Promise<number> {
  const { queue, close } = openQueue(redis.url);
  try {
    return Object.values(await queue.getJobCounts()).reduce((a, b) => a + b, 0);
  } finally {
    await close();
  }
}

describe('queue add: output names too long for the file system', () => {
  it('refuses an output name over 255 bytes in one line (exit 8), before anything is queued, for --out-dir and --out-store alike', async () => {
    const inputs = path.join(work, 'in');
    mkdirSync(inputs);
    const ok = path.join(inputs, 'ok.txt');
    const long = path.join(inputs, `${'c'.repeat(245)}.txt`);
    for (const file of [ok, long]) writeFileSync(file, 'Hunden løber.\n');
    const add = (...where: string[]) => runCli(['queue', 'add', ok, long, '--redis', redis.url, '--model', work, ...where]);

    for (const where of [['--out-dir', path.join(work, 'out')], ['--out-store', 'redis']]) {
      const refused = await add(...where);
      expect(refused.code, refused.stderr).toBe(8);
      expect(refused.stderr).toMatch(TOO_LONG);
      expect(await jobCount()).toBe(0);
    }
    // The same name as a folder holding the inputs is measured too.
    const walked = await runCli(['queue', 'add', inputs, '--redis', redis.url, '--model', work, '--out-dir', path.join(work, 'out')]);
    expect(walked.code, walked.stderr).toBe(8);
    expect(walked.stderr).toMatch(TOO_LONG);
    expect(await jobCount()).toBe(0);
  });
});
