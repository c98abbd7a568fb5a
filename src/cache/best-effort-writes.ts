/**
 * The local memory for a translate run, whose writes may fail without failing the run: a full disk
 * under the cache folder (or any other storage failure of a write) is reported once, the rest of the
 * run stores nothing more, and the outputs, which may well be on another disk, are still written.
 * Reads go on as before: a memory that cannot be read still fails the run, with its one line.
 */
import { isDa2enError, type Da2enError } from '../errors.js';
import type { TranslationMemoryStore } from './translation-memory.js';

export type RunMemory = Pick<TranslationMemoryStore, 'lookup' | 'lookupWithFlags' | 'store' | 'hasFinished' | 'markFinished' | 'close'>;

export function withBestEffortWrites(memory: RunMemory, onFirstWriteFailure: (error: Da2enError) => void): RunMemory {
  let failed = false;
  const write = (work: () => void): void => {
    if (failed) return;
    try {
      work();
    } catch (error) {
      // Anything else (a closed memory) is a bug, not a disk to work around.
      if (!isDa2enError(error, 'storage')) throw error;
      failed = true;
      onFirstWriteFailure(error);
    }
  };
  return {
    lookup: (keys) => memory.lookup(keys),
    lookupWithFlags: (keys) => memory.lookupWithFlags(keys),
    hasFinished: (key) => memory.hasFinished(key),
    store: (entries) => write(() => memory.store(entries)),
    markFinished: (key) => write(() => memory.markFinished(key)),
    close: () => memory.close(),
  };
}
