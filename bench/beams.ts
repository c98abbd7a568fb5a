/**
 * Beam search cost: `npm run bench:beams -- [--n 40] [--beams 1,2,4] [--dtype q8]` on the builder's
 * opus-da-en model (built into .cache/test-models when the builder changed), outputs forced to
 * the FLORES dev reference lengths so every setting produces the same number of tokens.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { builtModel } from '../tools/builder-models.js';
import { loadTranslator } from '../src/engine/load-translator.js';
import type { Dtype } from '../src/engine/marian-model.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env['DA2EN_SHARED'] ?? path.resolve(root, '../shared');
const args = await yargs(hideBin(process.argv)).option('n', { type: 'number', default: 40 }).option('beams', { type: 'string', default: '1,2,4' }).option('dtype', { type: 'string', default: 'q8' }).strict().parse();
const dir = await builtModel('opus-da-en', 1);
const da = readFileSync(path.join(shared, 'data/eval/flores200-dev.da'), 'utf8').split('\n').slice(0, args.n);
const en = readFileSync(path.join(shared, 'data/eval/flores200-dev.en'), 'utf8').split('\n').slice(0, args.n);
let base = 0;
for (const beams of args.beams.split(',').map(Number)) {
  const lengths = new Map<string, number>();
  const translator = await loadTranslator({ model: dir, dtype: args.dtype as Dtype, offline: true, beams, forcedLength: (s, n) => lengths.get(s) ?? n });
  da.forEach((s, i) => lengths.set(s, Math.max(1, translator.countTokens(en[i]!) - 1)));
  const start = performance.now();
  const out = await translator.translateBatch(da);
  const seconds = (performance.now() - start) / 1000;
  const tokens = out.reduce((n, o) => n + o.tokens, 0);
  base ||= tokens / seconds;
  process.stdout.write(`beams ${beams}: ${(tokens / seconds).toFixed(1)} target tokens/s (${((tokens / seconds / base) * 100).toFixed(0)}% of greedy), ${seconds.toFixed(2)} s for ${da.length} sentences\n`);
  await translator.dispose();
}
