/**
 * The repetition guard and a source that repeats itself: a row of dots or a laugh in the Danish is
 * translated with it, not cut as a loop (through the echo model, whose output is its input), on
 * both engines and with beams; a real loop is still cut (tests/unit/guards.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTranslator, type Translator } from '../../src/index.js';
import { builtModel } from '../../tools/builder-models.js';

const REPEATING = [
  'Han ventede på Jai Shankar Choudhary............. og sangeren ledsagede ham. Det var sent.',
  'Hun lo: ha ha ha ha ha ha ha ha ha, og gik så hjem.',
];

describe.each([
  ['ort', 1],
  ['ort', 4],
  ['js', 1],
  ['js', 2],
] as const)('a source that repeats itself (%s engine, %i beams)', (engine, beams) => {
  let translator: Translator;
  beforeAll(async () => {
    translator = await loadTranslator({ model: await builtModel('echo'), offline: true, dtype: 'fp32', engine, beams });
  }, 600_000);
  afterAll(async () => {
    await translator?.dispose();
  });

  it('is translated whole, repetition and all, with no repetition flag', async () => {
    const results = await translator.translateBatch(REPEATING);
    expect(results.map((r) => r.text)).toEqual(REPEATING);
    expect(results.map((r) => r.flags)).toEqual([[], []]);
  });
});
