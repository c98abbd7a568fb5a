import type { Argv } from 'yargs';
import type { CliContext } from '../context.js';
import { workerBuilder } from './worker-options.js';

export function workerCommand(yargs: Argv, ctx: CliContext) {
  return yargs.command(
    'worker',
    'Take article jobs from the queue (see "da2en queue add") until stopped; the model is loaded once',
    workerBuilder,
    async (argv) => {
      const { runWorker } = await import('./worker-run.js');
      ctx.exitCode = await runWorker(argv, ctx);
    },
  );
}
