/**
 * Opens a model for generation in its own process (possibly as another user: a read-only folder for
 * root) and prints, as one JSON line, what it opened and the ids it gives for MIXED_LENGTH_SENTENCES.
 * Usage: prepared-child.ts <model dir> <dtype>
 */
import type { Dtype } from '../../src/engine/dtype.js';
import { openGenerator, opensWithoutMaking } from '../../src/engine/generation/open-generator.js';
import { loadTokenizer, readModelConfig } from '../../src/engine/model-directory.js';
import { MIXED_LENGTH_SENTENCES } from './mixed-length-sentences.js';

const [dir, dtype] = process.argv.slice(2) as [string, Dtype];
const model = await readModelConfig(dir);
const tokenizer = await loadTokenizer(dir);
const without = await opensWithoutMaking(dir, dtype);
const generator = await openGenerator(dir, dtype, { intraOpThreads: 1 });
const ids: number[][] = [];
for (const text of MIXED_LENGTH_SENTENCES) {
  const [out] = await generator.generate({ inputs: [tokenizer.encode(text) as number[]], beams: 2, maxNewTokens: [20], flagLengthCap: true, repetitionGuard: false, lengthPenalty: 1, earlyStopping: model.generation.earlyStopping, bannedIds: model.generation.badWordIds });
  ids.push(out!.ids);
}
await generator.dispose();
console.log(JSON.stringify({ kind: generator.kind, notice: generator.notice ?? null, opensWithoutMaking: without, ids }));
