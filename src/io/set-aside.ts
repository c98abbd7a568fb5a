/**
 * What is at a file before a new one is renamed over it, kept until the new one stands, so that the
 * rename can be taken back: several outputs of one input appear all together or not at all
 * (bilingual-writer.ts), even when the last rename fails.
 *
 * The old file is kept as a hard link under a hidden name, so the target is never missing, not even
 * for a moment. Where no hard link can be made (a file system without them, a file someone else owns
 * under protected_hardlinks), it is renamed aside instead: then it is missing until the new file's
 * rename, which follows at once. Tracked (temp-registry.ts) from before the link or rename until
 * `restore` or `keep`: an exit at once puts the old file back, so it never leaves a target missing
 * that was there, nor half of a set of outputs.
 */
import { renameSync, unlinkSync } from 'node:fs';
import { link, lstat, rename } from 'node:fs/promises';
import { trackTemp } from './temp-registry.js';

export interface SetAside {
  /** The new file was renamed over the target: from now on, `restore` removes it again. */
  placed(): void;
  /** Puts the target back as it was: the old file, or nothing where there was none (synchronous). */
  restore(): void;
  /** The new file stands: the kept old one goes (synchronous). */
  keep(): void;
}

/** Keeps what is at `file` (if anything) under the name `backup`, in the same folder. */
export async function setAside(file: string, backup: string): Promise<SetAside> {
  let kept: 'nothing' | 'link' | 'moved' = 'link';
  let placed = false;
  const putBack = () => {
    if (kept === 'nothing') {
      if (placed) unlinkSync(file);
    } else if (kept === 'link' && !placed) {
      // Both names are the same file: a rename between them would do nothing (POSIX) and keep both.
      unlinkSync(backup);
    } else {
      renameSync(backup, file);
    }
  };
  // Registered before the link or the rename, so that an exit at once while either runs finds it.
  const untrack = trackTemp(putBack);
  try {
    await link(file, backup);
  } catch (err) {
    // Only a file is kept: a folder (which cannot be linked) or anything else in the way is left
    // where it is, for the rename over it to fail and say so.
    const isFile = (err as NodeJS.ErrnoException).code !== 'ENOENT' && (await lstat(file).catch(() => undefined))?.isFile() === true;
    if (!isFile) {
      kept = 'nothing';
    } else {
      kept = 'moved';
      try {
        await rename(file, backup);
      } catch (moveErr) {
        untrack();
        throw moveErr;
      }
    }
  }
  return {
    placed() {
      placed = true;
    },
    restore() {
      untrack();
      putBack();
    },
    keep() {
      untrack();
      if (kept === 'nothing') return;
      try {
        unlinkSync(backup);
      } catch {
        // Gone already: nothing is left to remove.
      }
    },
  };
}
