/** The worker command's options (apart from its work, so the work module can take their types without a cycle). */
import type { Argv } from 'yargs';
import { CACHE_DIR_OPTIONS, withEngineOptions, type ArgsOf } from '../shared-options.js';
import { withQueueOptions } from './queue-options.js';
import { numberOption } from '../number-options.js';
import { textOption } from '../path-options.js';

/** Job lock and stall checks: at least a second (BullMQ renews locks at half the duration), at most an hour. */
const MS_RANGE = { integer: true, min: 1000, max: 3_600_000, unit: 'ms' } as const;

export function workerBuilder(y: Argv) {
  return withQueueOptions(withEngineOptions(y))
    .options(CACHE_DIR_OPTIONS)
    .option('concurrency', numberOption('concurrency', { integer: true, min: 1, max: 64 }, { default: 1, describe: 'Articles in progress at once (model calls still run one at a time)' }))
    .option('memory', { type: 'string', requiresArg: true, choices: ['redis', 'local', 'none'] as const, default: 'redis' as const, describe: "Translation memory: redis (shared by every worker: a job taken over from a dead worker resumes), local (this machine's cache folder, see --cache-dir), none" })
    .option('memory-redis', textOption('--memory-redis', 'a Redis URL', { describe: "Redis URL of the shared translation memory (default: the queue's --redis)" }))
    .option('grace', numberOption('grace', { integer: false, min: 0, max: 3600, unit: 'seconds' }, { default: 20, describe: 'On SIGTERM/Ctrl-C: seconds to finish the articles in progress before handing them back to the queue' }))
    .option('lock-duration', numberOption('lock-duration', MS_RANGE, { default: 30_000, describe: "Job lock in ms: a dead worker's article is taken over after about this long" }))
    .option('stalled-interval', numberOption('stalled-interval', MS_RANGE, { default: 30_000, describe: 'How often (ms) to look for articles whose worker died' }))
    .option('max-stalled', numberOption('max-stalled', { integer: true, min: 0, max: 100 }, { default: 2, describe: 'Times an article may lose its worker before it fails' }))
    .example('$0 worker --redis redis://queue-host:6379', 'translate queued articles until stopped (SIGTERM finishes the current article)');
}

export type WorkerArgs = ArgsOf<typeof workerBuilder>;

