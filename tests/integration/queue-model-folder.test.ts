/**
 * A local model folder in the queue: `queue add --model models/tiny` in one working folder records
 * its absolute path, and a worker started in another folder (another machine, another checkout)
 * keeps its copy of the model elsewhere. The worker takes the job when its copy has the same files
 * (as rsync -a or cp -p copy them), and says in one line what to do when it has not.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueue } from '../../src/queue/index.js';
import { waitForQueue, workerReady, workerSummary } from '../../tools/queue-run.js';
import { useQueueBed } from '../helpers/queue-bed.js';
import { FAST_STALL } from '../helpers/queue-scenarios.js';
import { spawnCli } from '../helpers/spawn-cli.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bed = useQueueBed('da2en-queue-model-folder-');
let folders = '';
beforeAll(() => {
  // Inside the package (git-ignored .cache/), so that the CLI run from source finds tsx from there.
  mkdirSync(path.join(root, '.cache'), { recursive: true });
  folders = mkdtempSync(path.join(root, '.cache', 'queue-model-folder-'));
});
afterAll(() => {
  if (folders) rmSync(folders, { recursive: true, force: true });
});

/** A working folder with its own copy of the tiny model at models/tiny. */
function workingFolder(name: string, keepTimes: boolean): string {
  const dir = path.join(folders, name);
  mkdirSync(dir, { recursive: true });
  cpSync(bed.model, path.join(dir, 'models', 'tiny'), { recursive: true, preserveTimestamps: keepTimes });
  return dir;
}

const worker = (cwd: string, queue: string) =>
  spawnCli(['worker', '--redis', bed.redis.url, '--queue', queue, '--model', 'models/tiny', '--offline', '--dtype', 'fp32', '--memory', 'none', ...FAST_STALL], {}, { cwd });

describe('a queued job\'s local --model, taken by a worker started in another folder', () => {
  it('a copy of the folder with the same files runs the job; one with other files fails it with one line saying what to do', async () => {
    const adder = workingFolder('adder', true);
    writeFileSync(path.join(adder, 'artikel.da.txt'), 'Kommunen bygger en ny skole.\n\nBørn og voksne fejrede sejren på torvet.\n');
    for (const queue of ['same', 'other']) {
      const added = await spawnCli(['queue', 'add', 'artikel.da.txt', '--redis', bed.redis.url, '--queue', queue, '--model', 'models/tiny', '--dtype', 'fp32', '--format', 'en', '--out-dir', `out-${queue}`], {}, { cwd: adder }).done;
      expect(added.code, added.stderr).toBe(0);
    }
    // rsync -a / cp -p: the files keep their times. A plain copy made now, with the times moved, is other files.
    const copied = workingFolder('copy', true);
    const rebuilt = workingFolder('rebuilt', false);
    const later = new Date(Date.now() + 60_000);
    for (const file of ['config.json', 'onnx/encoder_model.onnx']) utimesSync(path.join(rebuilt, 'models', 'tiny', file), later, later);

    const same = worker(copied, 'same');
    const other = worker(rebuilt, 'other');
    await Promise.all([workerReady(same), workerReady(other)]);
    await Promise.all([
      waitForQueue(bed.redis.url, 'same', (s) => s.completed + s.failed === 1, 600_000, [same]),
      waitForQueue(bed.redis.url, 'other', (s) => s.completed + s.failed === 1, 600_000, [other]),
    ]);
    for (const w of [same, other]) w.child.kill('SIGTERM');
    const [sameEnd, otherEnd] = await Promise.all([same.done, other.done]);

    // Was: "the job asks for model …/adder/models/tiny … but this worker runs …/copy/models/tiny": failed.
    expect(sameEnd.code, sameEnd.stderr).toBe(0);
    expect(workerSummary(sameEnd.stderr)).toMatchObject({ done: 1, failed: 0 });
    expect(sameEnd.stderr).toContain(': 1 article done, 0 failed;');
    expect(readFileSync(path.join(adder, 'out-same', 'artikel.en.txt'), 'utf8').length).toBeGreaterThan(10);

    expect(otherEnd.code, otherEnd.stderr).toBe(0);
    expect(workerSummary(otherEnd.stderr)).toMatchObject({ done: 0, failed: 1 });
    const { queue, close } = openQueue(bed.redis.url, 'other');
    try {
      const [failed] = await queue.getJobs(['failed']);
      const reason = `the job asks for model ${path.join(adder, 'models', 'tiny')} (fp32, beams 1) but this worker runs ${path.join(rebuilt, 'models', 'tiny')} (fp32, beams 1); give the worker's --model a copy of that model folder with the same files (copied keeping their times: rsync -a, cp -p), or use one queue per model (--queue)`;
      expect(failed!.failedReason).toBe(reason);
      // Said once by the worker, and not retried: another try fails the same way.
      expect(otherEnd.stderr).toContain(`artikel.da.txt: ${reason}\n`);
      expect(failed!.attemptsMade).toBe(1);
    } finally {
      await close();
    }
  }, 900_000);
});
