/** Which jobs a worker takes: the model and settings it runs, a model folder known by its files wherever it lies. */
import { describe, expect, it } from 'vitest';
import { engineMismatch } from '../../src/queue/worker.js';

const here = { model: '/srv/da2en/models/tiny', dtype: 'q8', beams: 1, modelFiles: 'aaaa' };

describe('a worker matching a job\'s model', () => {
  it('takes a model folder at another path when its files are the same', () => {
    expect(engineMismatch({ ...here, model: '/home/ed/models/tiny' }, here)).toBeNull();
    expect(engineMismatch(here, here)).toBeNull();
  });

  it('matches a hub id, and a job of an older da2en (no fingerprint), by name as before', () => {
    const hub = { model: 'Xenova/opus-mt-da-en', dtype: 'q8', beams: 1 };
    expect(engineMismatch(hub, hub)).toBeNull();
    const { modelFiles: _, ...older } = here;
    expect(engineMismatch(older, here)).toBeNull();
    expect(engineMismatch({ ...older, model: '/home/ed/models/tiny' }, here)).toMatch(/; use one queue per model \(--queue\)$/);
  });

  it('refuses other files, another dtype or beams, saying what to do', () => {
    expect(engineMismatch({ ...here, model: '/home/ed/models/tiny', modelFiles: 'bbbb' }, here)).toBe(
      "the job asks for model /home/ed/models/tiny (q8, beams 1) but this worker runs /srv/da2en/models/tiny (q8, beams 1); give the worker's --model a copy of that model folder with the same files (copied keeping their times: rsync -a, cp -p), or use one queue per model (--queue)",
    );
    expect(engineMismatch({ ...here, beams: 4 }, here)).toMatch(/asks for model .* \(q8, beams 4\) .*; use one queue per model \(--queue\)$/);
    // Another dtype's files differ anyway: the copy hint would mislead.
    expect(engineMismatch({ ...here, model: '/home/ed/models/tiny', dtype: 'fp32', modelFiles: 'cccc' }, here)).toMatch(/\(fp32, beams 1\) but .*\(q8, beams 1\); use one queue per model \(--queue\)$/);
    const hubWorker = { model: 'Xenova/opus-mt-da-en', dtype: 'q8', beams: 1 };
    expect(engineMismatch(here, hubWorker)).toMatch(/runs Xenova\/opus-mt-da-en \(q8, beams 1\); give the worker's --model a copy of that model folder/);
  });
});
