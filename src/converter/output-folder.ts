/**
 * Where a conversion may go. The model folder is replaced as a whole, so it must neither overlap the
 * checkpoint being read nor hold anything but da2en's own files (a conversion's, a download's, the
 * engine's): "holds a config.json" is not enough (a project folder, the checkpoint itself, a Hugging Face checkpoint all have one).
 */
import { lstatSync, readdirSync, realpathSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { foreignEntry } from '../model-folder-names.js';
import { Da2enError } from '../errors.js';
import { makeDirectories } from '../io/make-directories.js';
import { outputError } from '../io/sinks.js';
import { nameBeside } from '../io/name-beside.js';
import { isWithin } from '../io/same-file.js';
import { CheckpointError } from './errors.js';

/** The real path of `p`, also where its tail does not exist yet (resolved through its nearest existing folder). */
function realPath(p: string): string {
  const abs = path.resolve(p);
  const missing: string[] = [];
  for (let current = abs; ; current = path.dirname(current)) {
    try {
      return path.join(realpathSync(current), ...missing.reverse());
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || path.dirname(current) === current) return abs;
      missing.push(path.basename(current));
    }
  }
}

/**
 * Checks that a conversion of `checkpointDir` may be written to `outDir` (replacing it when
 * `replace`); returns whether `outDir` already exists. Throws a 'usage' error when the two folders
 * overlap or a replaced `outDir` is or holds the current folder, a CheckpointError when `outDir`
 * holds something else than da2en's own files.
 */
export function checkOutputFolder(checkpointDir: string, outDir: string, replace: boolean): boolean {
  const ckpt = realPath(checkpointDir);
  const out = realPath(outDir);
  const overlap = ckpt === out ? 'is the checkpoint folder itself' : isWithin(ckpt, out) ? `is inside the checkpoint folder ${checkpointDir}` : isWithin(out, ckpt) ? `holds the checkpoint folder ${checkpointDir}` : undefined;
  if (overlap) throw new Da2enError('usage', `refusing to write the model into ${outDir}: it ${overlap}; convert into a folder of its own`);

  let stat;
  try {
    // Resolved, which drops a trailing "/": lstat of "link/" would follow the link.
    stat = lstatSync(path.resolve(outDir));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    // The model folder is the command's output: a path that cannot be one (a file where a folder
    // should be, a name too long) is exit 8 as for any output, not a damaged checkpoint (was exit 3
    // with the system's "ENOTDIR: not a directory, lstat …").
    throw outputError(outDir, err);
  }
  if (!stat.isDirectory()) throw new CheckpointError(`refusing to replace ${outDir}: it is not a folder (a file or a link)`);
  if (!replace) return true;
  // Moving the current folder away would leave this process (and the user's shell) in a removed folder.
  const cwd = realPath(process.cwd());
  if (isWithin(out, cwd)) throw new Da2enError('usage', `refusing to replace ${outDir}: it ${out === cwd ? 'is' : 'holds'} the current folder; run the command from outside it`);
  if (readdirSync(outDir).length === 0) return true;
  const foreign = foreignEntry(outDir);
  if (foreign !== undefined) {
    throw new CheckpointError(`refusing to replace ${outDir}: it is not empty and is not a model da2en converted (it holds ${foreign}); choose another folder or empty it first`);
  }
  return true;
}

/**
 * Puts the finished model folder `tmp` at `outDir`. An existing `outDir` (checked by
 * checkOutputFolder) is first moved aside, then removed only once the new one is in place: at no
 * point is there neither model, and a failed swap puts the old one back.
 */
export async function swapIntoPlace(tmp: string, outDir: string, exists: boolean): Promise<void> {
  // Resolved, which drops a trailing "/" (rename of "link/" would act on the folder it points to).
  const target = path.resolve(outDir);
  if (!exists) {
    makeDirectories(path.dirname(target));
    await rename(tmp, target);
    return;
  }
  const aside = nameBeside(target, `.replaced-${process.pid}`);
  await rm(aside, { recursive: true, force: true });
  await rename(target, aside);
  try {
    await rename(tmp, target);
  } catch (err) {
    await rename(aside, target);
    throw err;
  }
  await rm(aside, { recursive: true, force: true });
}
