import type { Argv } from 'yargs';
import type { CliContext } from '../context.js';
import { CACHE_DIR_OPTIONS, type ArgsOf } from '../shared-options.js';

function builder(y: Argv) {
  return y
    .positional('action', { choices: ['stats', 'clear'] as const, demandOption: true, describe: 'stats: entries and size; clear: forget every stored translation' })
    .options(CACHE_DIR_OPTIONS)
    .option('json', { type: 'boolean', default: false, describe: 'stats as JSON' });
}

type CacheArgs = ArgsOf<typeof builder>;

export function cacheCommand(yargs: Argv, ctx: CliContext) {
  return yargs.command('cache <action>', 'Show or clear the translation memory (finished segments are reused on re-runs)', builder, (args) => ctx.run(args, () => runCache(args, ctx)));
}

async function runCache(args: CacheArgs, ctx: CliContext): Promise<number> {
  const { discardDamagedMemory, openTranslationMemory } = await import('../../cache/index.js');
  // A damaged data file cannot be opened, so clear deletes it instead (its entries are lost anyway).
  const discarded = args.action === 'clear' ? discardDamagedMemory(args.cacheDir) : null;
  const memory = openTranslationMemory(args.cacheDir);
  try {
    if (args.action === 'clear') {
      const { entries } = memory.stats();
      memory.clear();
      ctx.stdout.write(discarded ? `deleted the damaged ${discarded}; the translation memory is empty now\n` : `cleared ${entries} entries from ${memory.stats().path}\n`);
    } else {
      const stats = memory.stats();
      ctx.stdout.write(args.json ? JSON.stringify(stats) + '\n' : `${stats.entries} entries, ${(stats.bytes / 1e6).toFixed(1)} MB in ${stats.path}\n`);
    }
  } finally {
    await memory.close();
  }
  return 0;
}
