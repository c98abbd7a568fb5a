/**
 * `da2en model verify` for the files da2en makes beside a model on first load: the wrapped model
 * (generation-model.ts) and its prepared copy (prepared-model.ts). A load checks only their sizes;
 * here their bytes are hashed against the sha256 recorded when they were made, and a damaged one is
 * removed (with its stamp), so that the next load makes it again instead of translating with it.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Da2enError } from '../../errors.js';
import { sha256File } from '../model-store/manifest.js';
import type { Dtype } from '../dtype.js';
import { generationModelHashes, generationModelPath, generationStampPath, generationWeightsPath, type CopyHashes } from './generation-model.js';
import { preparedModelHashes, preparedModelPath, preparedStampPath, preparedWeightsPath } from './prepared-model.js';

export interface CachedCopiesReport {
  /** Files hashed (relative to the model folder). */
  checked: string[];
  /** Files whose bytes are not those made; removed with their copy. */
  damaged: string[];
}

async function hashOrNull(file: string): Promise<string | null> {
  try {
    return await sha256File(file);
  } catch {
    return null;
  }
}

/** Hashes the made copies of `dtype` in `dir` (those whose stamp records hashes) and removes the damaged ones. */
export async function checkCachedCopies(dir: string, dtype: Dtype): Promise<CachedCopiesReport> {
  const report: CachedCopiesReport = { checked: [], damaged: [] };
  const copies: [CopyHashes | undefined, string, string, string][] = [
    [await generationModelHashes(dir, dtype), generationModelPath(dir, dtype), generationWeightsPath(dir, dtype), generationStampPath(dir, dtype)],
    [await preparedModelHashes(dir, dtype), preparedModelPath(dir, dtype), preparedWeightsPath(dir, dtype), preparedStampPath(dir, dtype)],
  ];
  for (const [hashes, model, weights, stamp] of copies) {
    if (!hashes) continue;
    const bad: string[] = [];
    for (const [file, want] of [
      [model, hashes.model],
      [weights, hashes.data],
    ] as const) {
      const rel = path.relative(dir, file);
      report.checked.push(rel);
      if ((await hashOrNull(file)) !== want) bad.push(rel);
    }
    if (bad.length === 0) continue;
    report.damaged.push(...bad);
    try {
      // The stamp first: without it the copy is not current, whatever else is left.
      for (const file of [stamp, model, weights]) await rm(file, { force: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new Da2enError('model-corrupt', `${bad.join(', ')} in ${dir} is damaged and cannot be removed (${code}); delete ${path.relative(dir, stamp)} and it is made again on the next run`, { cause: err });
    }
  }
  return report;
}
