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
  const { deleteTranslationMemory, openTranslationMemory } = await import('../../cache/index.js');
  if (args.action === 'clear') {
    // Deleted unread: a data file damaged inside can fail or crash any read, so none is counted.
    const path = deleteTranslationMemory(args.cacheDir);
    await openTranslationMemory(args.cacheDir).close();
    ctx.stdout.write(`cleared the translation memory: ${path} is empty now\n`);
    return 0;
  }
  const memory = openTranslationMemory(args.cacheDir);
  try {
    const stats = memory.stats();
    ctx.stdout.write(args.json ? JSON.stringify(stats) + '\n' : `${stats.entries} entries, ${(stats.bytes / 1e6).toFixed(1)} MB in ${stats.path}\n`);
  } finally {
    await memory.close();
  }
  return 0;
}
