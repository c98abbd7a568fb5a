/**
 * The counts `--verbose` prints after each article, by `translate` and by a queue worker alike
 * (tools/spawn-cli.ts `verboseCounts` reads them back for the tests and benchmarks).
 */
import type { PipelineStats } from '../../pipeline/translate-document.js';

/** "1 chunk", "2 chunks". */
export const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "3 paragraphs, 1 chunk (1 translated in 1 model call, 0 from the cache, 0 kept as is), 0.42 s": one of anything in the singular. */
export function articleCountsLine(paragraphs: number, stats: PipelineStats, ms: number): string {
  return (
    `${count(paragraphs, 'paragraph')}, ${count(stats.chunks, 'chunk')} (${stats.modelChunks} translated in ${count(stats.modelCalls, 'model call')}, ` +
    `${stats.cachedChunks} from the cache, ${stats.passthroughChunks} kept as is), ${(ms / 1000).toFixed(2)} s`
  );
}
