/** The --verbose line after each article (translate and queue workers alike), and the parser the tests and benchmarks read it with. */
import { describe, expect, it } from 'vitest';
import { articleCountsLine } from '../../src/cli/commands/article-counts.js';
import { emptyPipelineStats } from '../../src/pipeline/translate-document.js';
import { verboseCounts } from '../../tools/spawn-cli.js';

describe('the per-article --verbose line', () => {
  it('says one in the singular ("1 paragraph, 1 chunk", "in 1 model call") and reads back', () => {
    const stats = { ...emptyPipelineStats(), chunks: 1, modelChunks: 1, modelCalls: 1 };
    const line = articleCountsLine(1, stats, 420);
    expect(line).toBe('1 paragraph, 1 chunk (1 translated in 1 model call, 0 from the cache, 0 kept as is), 0.42 s');
    expect(verboseCounts(`a.txt: ${line}\n`)).toEqual([{ translated: 1, cached: 0 }]);
  });

  it('says other counts in the plural and reads back', () => {
    const none = articleCountsLine(0, emptyPipelineStats(), 0);
    expect(none).toBe('0 paragraphs, 0 chunks (0 translated in 0 model calls, 0 from the cache, 0 kept as is), 0.00 s');
    const stats = { ...emptyPipelineStats(), chunks: 9, modelChunks: 5, cachedChunks: 3, passthroughChunks: 1, modelCalls: 2 };
    const many = articleCountsLine(4, stats, 1234);
    expect(many).toBe('4 paragraphs, 9 chunks (5 translated in 2 model calls, 3 from the cache, 1 kept as is), 1.23 s');
    expect(verboseCounts(`a.txt: ${none}\nb.txt: ${many}\n`)).toEqual([
      { translated: 0, cached: 0 },
      { translated: 5, cached: 3 },
    ]);
  });
});
