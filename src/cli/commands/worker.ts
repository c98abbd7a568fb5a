import type { Argv } from 'yargs';
import { withEngineOptions, type CommonArgs } from '../shared-options.js';
import type { CliContext } from '../context.js';
import { withQueueOptions, type QueueConnectionArgs } from './queue.js';

export interface WorkerArgs extends QueueConnectionArgs, CommonArgs {
  concurrency: number;
  memory: 'redis' | 'local' | 'none';
  memoryRedis?: string;
  cacheDir?: string;
  grace: number;
  lockDuration: number;
  stalledInterval: number;
  maxStalled: number;
}

export function workerCommand(yargs: Argv, ctx: CliContext) {
  return yargs.command(
    'worker',
    'Take article jobs from the queue (see "da2en queue add") until stopped; the model is loaded once',
    (y) =>
      withQueueOptions(withEngineOptions(y))
        .option('concurrency', { type: 'number', default: 1, describe: 'Articles in progress at once (model calls still run one at a time)' })
        .option('memory', { type: 'string', choices: ['redis', 'local', 'none'] as const, default: 'redis' as const, describe: 'Translation memory: redis (shared by every worker: a job taken over from a dead worker resumes), local (this machine\'s cache folder), none' })
        .option('memory-redis', { type: 'string', describe: 'Redis URL of the shared translation memory (default: the queue\'s --redis)' })
        .option('cache-dir', { type: 'string', describe: 'Folder of the local translation memory (with --memory local)' })
        .option('grace', { type: 'number', default: 20, describe: 'On SIGTERM/Ctrl-C: seconds to finish the articles in progress before handing them back to the queue' })
        .option('lock-duration', { type: 'number', default: 30_000, describe: 'Job lock in ms: a dead worker\'s article is taken over after about this long' })
        .option('stalled-interval', { type: 'number', default: 30_000, describe: 'How often (ms) to look for articles whose worker died' })
        .option('max-stalled', { type: 'number', default: 2, describe: 'Times an article may lose its worker before it fails' })
        .example('$0 worker --redis redis://queue-host:6379', 'translate queued articles until stopped (SIGTERM finishes the current article)'),
    async (argv) => {
      const { runWorker } = await import('./worker-run.js');
      ctx.exitCode = await runWorker(argv as unknown as WorkerArgs, ctx);
    },
  );
}
