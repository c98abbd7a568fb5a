/** The CLI's opening of the local translation memory, shared by translate, serve and worker. */
import type { TranslationMemoryStore } from '../cache/translation-memory.js';
import { isDa2enError } from '../errors.js';
import type { CliContext } from './context.js';
import { cliMessage } from './setting-words.js';

/**
 * The local memory in `dir`, or null, said once on one line, when it cannot be opened (a read-only
 * folder, a file in the folder's place, a damaged data file): the run goes on without it.
 */
export async function openMemoryOrSay(dir: string | undefined, ctx: Pick<CliContext, 'log' | 'verbose'>, who = '', off = '--no-cache'): Promise<TranslationMemoryStore | null> {
  const { openTranslationMemory } = await import('../cache/translation-memory.js');
  try {
    return openTranslationMemory(dir);
  } catch (error) {
    if (!isDa2enError(error, 'storage')) throw error;
    ctx.log(`${who}${cliMessage(error)}; going on without it (${off} says nothing of it, --cache-dir picks another folder)`);
    if (error.cause instanceof Error) ctx.verbose(`the translation memory's error: ${error.cause.message}`);
    return null;
  }
}

