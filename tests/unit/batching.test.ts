import { describe, expect, it } from 'vitest';
import { planBatches } from '../../src/pipeline/batching.js';
import { prng } from '../helpers/prng.js';

describe('planBatches', () => {
  it('keeps every item exactly once and respects both limits', () => {
    const rand = prng(7);
    for (let round = 0; round < 200; round++) {
      const items = Array.from({ length: Math.floor(rand() * 80) }, (_, id) => ({ id, tokens: 1 + Math.floor(rand() * 120) }));
      const limits = { batchTokens: 100 + Math.floor(rand() * 900), maxBatchSize: 1 + Math.floor(rand() * 16) };
      const batches = planBatches(items, limits);
      expect(batches.flat().map((i) => i.id).sort((a, b) => a - b)).toEqual(items.map((i) => i.id));
      for (const batch of batches) {
        expect(batch.length).toBeLessThanOrEqual(limits.maxBatchSize);
        const width = Math.max(...batch.map((i) => i.tokens));
        // A single item longer than the budget still gets its own batch rather than being dropped.
        if (batch.length > 1) expect(batch.length * width).toBeLessThanOrEqual(limits.batchTokens);
      }
    }
  });

  it('groups similar lengths together (sorted longest first)', () => {
    const items = [5, 50, 6, 49, 4, 51].map((tokens, id) => ({ id, tokens }));
    const batches = planBatches(items, { batchTokens: 160, maxBatchSize: 3 });
    expect(batches.map((b) => b.map((i) => i.tokens))).toEqual([[51, 50, 49], [6, 5, 4]]);
  });
});
