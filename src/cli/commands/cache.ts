import type { Argv } from 'yargs';
import type { TranslationMemoryStats } from '../../cache/index.js';
import { Da2enError, isDa2enError } from '../../errors.js';
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
  const { isDamagedMemory } = await import('../../cache/index.js');
  try {
    return await cacheAction(args, ctx);
  } catch (error) {
    // A memory that cannot be used: a damaged data file is an unreadable input (exit 3); a read-only
    // folder, a file where the folder should be, a folder in a file's place cannot be written (exit 8).
    if (!isDa2enError(error, 'storage')) throw error;
    throw new Da2enError(isDamagedMemory(error) ? 'input' : 'output', error.message, { cause: error.cause, settings: error.settings });
  }
}

async function cacheAction(args: CacheArgs, ctx: CliContext): Promise<number> {
  const { deleteTranslationMemory, emptyMemoryStats, openTranslationMemory } = await import('../../cache/index.js');
  if (args.action === 'clear') {
    // No memory there (no folder even): nothing to delete, and nothing is created by clearing it
    // (opening an empty memory would make the folder and its files).
    const none = emptyMemoryStats(args.cacheDir);
    if (none) {
      ctx.stdout.write(`nothing to clear: there is no translation memory at ${none.path}\n`);
      return 0;
    }
    // Deleted unread: a data file damaged inside can fail or crash any read, so none is counted.
    const path = deleteTranslationMemory(args.cacheDir);
    await openTranslationMemory(args.cacheDir).close();
    ctx.stdout.write(`cleared the translation memory: ${path} is empty now\n`);
    return 0;
  }
  const write = (stats: TranslationMemoryStats) =>
    ctx.stdout.write(args.json ? JSON.stringify(stats) + '\n' : `${stats.entries} entries, ${(stats.bytes / 1e6).toFixed(1)} MB in ${stats.path}\n`);
  // No memory there (no folder even): an empty one, and nothing is created by looking.
  const empty = emptyMemoryStats(args.cacheDir);
  if (empty) {
    write(empty);
    return 0;
  }
  const memory = openTranslationMemory(args.cacheDir);
  try {
    write(memory.stats());
  } finally {
    await memory.close();
  }
  return 0;
}
