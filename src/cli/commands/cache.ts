import type { Argv } from 'yargs';
import type { CliContext } from '../context.js';
import { CACHE_DIR_OPTIONS } from '../shared-options.js';

export function cacheCommand(yargs: Argv, ctx: CliContext) {
  return yargs.command(
    'cache <action>',
    'Show or clear the translation memory (finished segments are reused on re-runs)',
    (y) =>
      y
        .positional('action', { choices: ['stats', 'clear'] as const, describe: 'stats: entries and size; clear: forget every stored translation' })
        .options(CACHE_DIR_OPTIONS)
        .option('json', { type: 'boolean', default: false, describe: 'stats as JSON' }),
    async (args) => {
      const { openTranslationMemory } = await import('../../cache/index.js');
      const memory = openTranslationMemory(args.cacheDir);
      try {
        if (args.action === 'clear') {
          const { entries } = memory.stats();
          memory.clear();
          ctx.stdout.write(`cleared ${entries} entries from ${memory.stats().path}\n`);
        } else {
          const stats = memory.stats();
          ctx.stdout.write(args.json ? JSON.stringify(stats) + '\n' : `${stats.entries} entries, ${(stats.bytes / 1e6).toFixed(1)} MB in ${stats.path}\n`);
        }
      } finally {
        await memory.close();
      }
    },
  );
}
