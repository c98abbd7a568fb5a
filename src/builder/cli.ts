import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { buildModel, PRESETS, seedProblem, type PresetName } from './index.js';

// npm run build-model -- --preset tiny|echo|opus-da-en|tc-big-gmq-en|echo-opus-da-en --out DIR [--seed N]
const args = await yargs(hideBin(process.argv))
  .scriptName('build-model')
  .option('preset', { type: 'string', choices: Object.keys(PRESETS), demandOption: true, describe: 'tiny, echo (tests), opus-da-en (the real model\'s exact dimensions, random weights), tc-big-gmq-en (the "best" model\'s dimensions, random weights) or echo-opus-da-en (opus-da-en\'s dimensions, weights that copy the source: benchmarks)' })
  .option('out', { type: 'string', demandOption: true, describe: 'Output directory (replaced when it is empty or holds a model da2en wrote; anything else is refused)' })
  .option('seed', { type: 'number', default: 1, describe: 'Weight seed; the same seed gives byte-identical files' })
  .check((a) => {
    const problem = seedProblem(a.seed);
    if (problem) throw new Error(problem);
    return true;
  })
  .strict()
  .fail((msg, err) => {
    process.stderr.write(`build-model: ${(err?.message ?? msg).replace(/\s*\n\s*/g, ' ')}\n`);
    process.exit(2);
  })
  .parse();

try {
  const report = await buildModel({ preset: args.preset as PresetName, outDir: args.out, seed: args.seed });
  for (const f of report.files) process.stdout.write(`${f.file.padEnd(42)} ${f.bytes.toLocaleString('en-US').padStart(13)} bytes\n`);
  const lists = report.wordLists.length ? report.wordLists.join(', ') : 'project word lists only';
  for (const note of report.notes) process.stderr.write(`build-model: note: ${note}\n`);
  process.stdout.write(`built ${report.preset} (vocab ${report.vocabSize}, seed ${report.seed}; words: ${lists}) in ${report.dir} in ${report.seconds.toFixed(1)} s\n`);
} catch (err) {
  process.stderr.write(`build-model: ${(err as Error).message}\n`);
  process.exit(1);
}
