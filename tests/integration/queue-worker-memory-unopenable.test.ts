/**
 * A worker whose local translation memory cannot be opened (a file where its folder should be) does
 * its jobs without it, said once on one line at start, as `translate` and `serve` do; before, it
 * stopped with exit 1 and took no job.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useQueueBed } from '../helpers/queue-bed.js';
import { FAST_STALL } from '../helpers/queue-scenarios.js';
import { spawnWorker, stopWorkers, waitForQueue, workerReady } from '../../tools/queue-run.js';

const bed = useQueueBed('da2en-worker-memory-');

describe('worker --memory local that cannot be opened', () => {
  it('says so once, takes the job, writes its outputs and stops with exit 0', async () => {
    const url = `${bed.redis.url}/3`;
    const dir = path.join(bed.work, 'unopenable');
    mkdirSync(dir, { recursive: true });
    const cache = path.join(dir, 'cache');
    writeFileSync(cache, 'a file where the memory folder should be\n');
    const input = path.join(dir, 'skole.txt');
    writeFileSync(input, 'Kommunen bygger en ny skole.\n\nDen åbner i 2027.\n');
    const out = path.join(dir, 'out');
    const add = await bed.cli(['queue', 'add', input, '--out-dir', out, '--format', 'json', '--redis', url, ...bed.engine()]);
    expect(add.code, add.stderr).toBe(0);

    const worker = spawnWorker({ redis: url, queue: 'da2en', model: bed.model, extra: [...FAST_STALL, '--memory', 'local', '--cache-dir', cache] });
    await workerReady(worker);
    const done = await waitForQueue(url, 'da2en', (s) => s.completed + s.failed === 1 && s.active === 0, 600_000, [worker]);
    expect(done).toMatchObject({ completed: 1, failed: 0 });
    const [end] = await stopWorkers([worker]);
    expect(end!.code, end!.stderr).toBe(0);

    const notes = end!.stderr.split('\n').filter((l) => l.includes('cannot use the translation memory'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(`cannot use the translation memory in ${cache}: a file is in the way of the folder`);
    expect(notes[0]).toContain('going on without it (--memory none says nothing of it');
    expect(end!.stderr).toContain('memory: none)');
    const json = JSON.parse(readFileSync(path.join(out, 'skole.da-en.json'), 'utf8')) as { paragraphs: { source: string }[] };
    expect(json.paragraphs.map((p) => p.source)).toEqual(['Kommunen bygger en ny skole.', 'Den åbner i 2027.']);
    // The memory's place is as it was: nothing written over the file.
    expect(readFileSync(cache, 'utf8')).toBe('a file where the memory folder should be\n');
    expect(existsSync(`${cache}.lock`)).toBe(false);
  }, 900_000);
});
