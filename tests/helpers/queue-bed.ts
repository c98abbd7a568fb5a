/**
 * What every queue command test starts from: its own Redis on a loopback port, the tiny builder model
 * and a scratch folder, set up before the file's tests and removed after them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { builtModel } from '../../tools/builder-models.js';
import { startTestRedis, type TestRedis } from '../../tools/redis-server.js';
import { spawnCli } from './spawn-cli.js';

export interface QueueBed {
  redis: TestRedis;
  model: string;
  work: string;
  /** The CLI's outcome for these arguments. */
  cli(args: string[]): ReturnType<typeof spawnCli>['done'];
  /** The model options every queue command and worker of a test takes. */
  engine(): string[];
}

/** Registers the set-up and clean-up hooks; the fields are filled once `beforeAll` has run. */
export function useQueueBed(prefix: string): QueueBed {
  const bed = {
    cli: (args: string[]) => spawnCli(args).done,
    engine: () => ['--model', bed.model, '--dtype', 'fp32'],
  } as QueueBed;
  beforeAll(async () => {
    [bed.redis, bed.model] = await Promise.all([startTestRedis(), builtModel('tiny')]);
    bed.work = mkdtempSync(path.join(os.tmpdir(), prefix));
  }, 600_000);
  afterAll(async () => {
    await bed.redis?.dispose();
    if (bed.work) rmSync(bed.work, { recursive: true, force: true });
  });
  return bed;
}
