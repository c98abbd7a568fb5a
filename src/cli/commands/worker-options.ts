/** The worker command's options (apart from its work, so the work module can take their types without a cycle). */
import type { Argv } from 'yargs';
import { CACHE_DIR_OPTIONS, withEngineOptions, type ArgsOf } from '../shared-options.js';
import { withQueueOptions } from './queue-options.js';

export function workerBuilder(y: Argv) {
  return withQueueOptions(withEngineOptions(y))
    .options(CACHE_DIR_OPTIONS)
    .option('concurrency', { type: 'number', default: 1, describe: 'Articles in progress at once (model calls still run one at a time)' })
    .option('memory', { type: 'string', choices: ['redis', 'local', 'none'] as const, default: 'redis' as const, describe: "Translation memory: redis (shared by every worker: a job taken over from a dead worker resumes), local (this machine's cache folder, see --cache-dir), none" })
    .option('memory-redis', { type: 'string', describe: "Redis URL of the shared translation memory (default: the queue's --redis)" })
    .option('grace', { type: 'number', default: 20, describe: 'On SIGTERM/Ctrl-C: seconds to finish the articles in progress before handing them back to the queue' })
    .option('lock-duration', { type: 'number', default: 30_000, describe: "Job lock in ms: a dead worker's article is taken over after about this long" })
    .option('stalled-interval', { type: 'number', default: 30_000, describe: 'How often (ms) to look for articles whose worker died' })
    .option('max-stalled', { type: 'number', default: 2, describe: 'Times an article may lose its worker before it fails' })
    .example('$0 worker --redis redis://queue-host:6379', 'translate queued articles until stopped (SIGTERM finishes the current article)');
}

export type WorkerArgs = ArgsOf<typeof workerBuilder>;

