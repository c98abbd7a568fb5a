import type { Argv } from 'yargs';
import type { CliContext } from '../context.js';
import { addBuilder, resultsBuilder, statusBuilder } from './queue-options.js';

export function queueCommand(yargs: Argv, ctx: CliContext) {
  return yargs.command('queue <command>', 'Translate a collection through a job queue (BullMQ on Redis) with workers on several machines', (y) =>
    y
      .command('add [inputs..]', 'Queue one job per article (files, folders searched for .txt/.md files, or - for standard input)', addBuilder, (argv) =>
        ctx.run(argv, async () => {
          const { runQueueAdd } = await import('./queue-run.js');
          return runQueueAdd(argv, ctx);
        }),
      )
      .command('status', 'Waiting, active, completed and failed articles, throughput and ETA', statusBuilder, (argv) =>
        ctx.run(argv, async () => {
          const { runQueueStatus } = await import('./queue-run.js');
          return runQueueStatus(argv, ctx);
        }),
      )
      .command('results', 'Write the finished bilingual files kept in Redis (jobs added with --out-store redis)', resultsBuilder, (argv) =>
        ctx.run(argv, async () => {
          const { runQueueResults } = await import('./queue-run.js');
          return runQueueResults(argv, ctx);
        }),
      )
      .demandCommand(1, 'name a queue command: add, status or results'),
  );
}
