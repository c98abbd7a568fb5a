import type { Argv } from 'yargs';
import type { CliContext } from '../context.js';
import { workerBuilder } from './worker-options.js';

export function workerCommand(yargs: Argv, ctx: CliContext) {
  return yargs.command(
    'worker',
    'Take article jobs from the queue (see "da2en queue add") until stopped; the model is loaded once',
    workerBuilder,
    (argv) =>
      ctx.run(argv, async () => {
        const { runWorker } = await import('./worker-run.js');
        return runWorker(argv, ctx);
      }),
  );
}
