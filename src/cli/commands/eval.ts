import type { Argv } from 'yargs';
import { Da2enError } from '../../errors.js';
import { PROGRESS_OPTIONS, engineOptionsFrom, withEngineOptions, type ArgsOf } from '../shared-options.js';
import type { CliContext } from '../context.js';
import { pathOption } from '../path-options.js';
import type { EvalRunOptions } from './eval-run.js';

function builder(y: Argv) {
  return withEngineOptions(y)
    .option('src', pathOption('--src', 'a file', { describe: 'Danish source, one segment per line (translated unless --hyp is given); - reads standard input' }))
    .option('ref', pathOption('--ref', 'a file', { demandOption: true, describe: 'English reference, one segment per line; - reads standard input' }))
    .option('hyp', pathOption('--hyp', 'a file', { describe: 'Existing English output to score instead of translating; - reads standard input' }))
    .option('save-hyp', pathOption('--save-hyp', 'a file', { describe: 'Also write the translations made from --src to this file' }))
    .option('json', { type: 'boolean', default: false, describe: 'Print {"bleu": {"score", "signature"}, "chrf": {...}, "lines"}' })
    .options(PROGRESS_OPTIONS)
    .check((a) => {
      if (!a.src && !a.hyp) throw new Da2enError('usage', 'eval needs --src (to translate) or --hyp (to score existing output) besides --ref');
      // - is standard input, as translate's inputs read it: for one of the files only.
      const fromStdin = (['src', 'ref', 'hyp'] as const).filter((k) => a[k] === '-');
      if (fromStdin.length > 1) {
        const names = fromStdin.map((k) => `--${k}`);
        const listed = `${names.slice(0, -1).join(', ')} and ${names.at(-1)!} are ${names.length === 2 ? 'both' : 'all'} -`;
        throw new Da2enError('usage', `standard input (-) can be read only once: ${listed}; give a file for ${names.length === 2 ? 'one of them' : 'all but one'} (./- for a file named -)`);
      }
      // --hyp scores a file as it is: nothing is translated, so there would be nothing to save.
      // Elsewhere - is standard output, but here that carries eval's own report: the two would mix.
      if (a.saveHyp === '-') throw new Da2enError('usage', "--save-hyp -: standard output carries eval's scores, which the translations would be mixed into; give a file (./- for one named -)");
      if (a.saveHyp && a.hyp) throw new Da2enError('usage', '--save-hyp saves the translations of --src, and --hyp scores an existing file without translating: give one of them');
      return true;
    })
    .example('$0 eval --src flores.da --ref flores.en', 'translate and score')
    .example('$0 eval --ref flores.en --hyp system.en --json', 'score another system');
}

type EvalArgs = ArgsOf<typeof builder>;

/** What the run needs, in the library's terms: nothing of yargs goes further than this. */
function evalRunOptions(args: EvalArgs): EvalRunOptions {
  return { ref: args.ref, hyp: args.hyp, src: args.src, saveHyp: args.saveHyp, json: args.json, progress: args.progress, quiet: args.quiet, engine: engineOptionsFrom(args) };
}

export function evalCommand(yargs: Argv, ctx: CliContext) {
  return yargs.command('eval', 'Score translations with corpus BLEU and chrF2 (sacreBLEU 2.x conventions)', builder, (argv) =>
    ctx.run(argv, async () => (await import('./eval-run.js')).runEval(evalRunOptions(argv), ctx)),
  );
}

