import { readFile } from 'node:fs/promises';
import type { Argv } from 'yargs';
import { Da2enError } from '../../errors.js';
import { evalResultJson, evaluate, formatEvalTable, splitLines } from '../../eval/index.js';
import { writeFileAtomically } from '../../io/sinks.js';
import { translateDocument } from '../../pipeline/translate-document.js';
import { segmentLines } from '../../segmentation/for-translator.js';
import { createProgress } from '../progress.js';
import { PROGRESS_OPTIONS, engineOptionsFrom, withEngineOptions, type ArgsOf } from '../shared-options.js';
import type { CliContext } from '../context.js';


async function readLines(file: string, what: string): Promise<string[]> {
  try {
    return splitLines(await readFile(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Da2enError('input', `cannot read ${what} ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`, { cause: err });
  }
}

function builder(y: Argv) {
  return withEngineOptions(y)
    .option('src', { type: 'string', describe: 'Danish source, one segment per line (translated unless --hyp is given)' })
    .option('ref', { type: 'string', demandOption: true, describe: 'English reference, one segment per line' })
    .option('hyp', { type: 'string', describe: 'Existing English output to score instead of translating' })
    .option('save-hyp', { type: 'string', describe: 'Also write the translations made from --src to this file' })
    .option('json', { type: 'boolean', default: false, describe: 'Print {"bleu": {"score", "signature"}, "chrf": {...}, "lines"}' })
    .options(PROGRESS_OPTIONS)
    .check((a) => {
      if (!a.src && !a.hyp) throw new Da2enError('usage', 'eval needs --src (to translate) or --hyp (to score existing output) besides --ref');
      return true;
    })
    .example('$0 eval --src flores.da --ref flores.en', 'translate and score')
    .example('$0 eval --ref flores.en --hyp system.en --json', 'score another system');
}

type EvalArgs = ArgsOf<typeof builder>;

export function evalCommand(yargs: Argv, ctx: CliContext) {
  return yargs.command('eval', 'Score translations with corpus BLEU and chrF2 (sacreBLEU 2.x conventions)', builder, (argv) => ctx.run(argv, () => runEval(argv, ctx)));
}

async function runEval(args: EvalArgs, ctx: CliContext): Promise<number> {
  const refs = await readLines(args.ref, 'reference');
  const hyps = args.hyp ? await readLines(args.hyp, 'hypothesis') : undefined;
  const src = args.src ? await readLines(args.src, 'source') : undefined;
  // Unusable input (line counts that differ, nothing to score) is an EvalInputError: kind 'input'.
  const result = await evaluate({
    refs,
    ...(hyps ? { hyps } : {}),
    ...(src ? { src } : {}),
    translate: async (lines) => {
      const out = await translateLines(lines, args, ctx);
      if (args.saveHyp) await writeFileAtomically(args.saveHyp, out.join('\n') + '\n');
      return out;
    },
  });
  ctx.stdout.write(args.json ? evalResultJson(result) + '\n' : formatEvalTable(result) + '\n');
  return 0;
}

/**
 * Each line is one segment, translated whole when it fits the model (as published scores are
 * computed); only an over-long line is split. Empty lines stay empty.
 */
async function translateLines(lines: string[], args: EvalArgs, ctx: CliContext): Promise<string[]> {
  const translator = await ctx.loadTranslator({ ...engineOptionsFrom(args), signal: ctx.signal });
  try {
    const { document: doc, lineOf: lineOfParagraph } = segmentLines(lines, translator);
    const progress = createProgress(args.progress ?? (!args.quiet && Boolean(ctx.stderr.isTTY)), ctx.stderr);
    const { paragraphs } = await translateDocument(doc, translator, { signal: ctx.signal, onProgress: progress.translation('translating') });
    progress.stop();
    const out = lines.map(() => '');
    paragraphs.forEach((p, i) => {
      const line = lineOfParagraph[i]!;
      out[line] = out[line] ? `${out[line]} ${p.target}` : p.target;
    });
    return out;
  } finally {
    await translator.dispose();
  }
}
