/** The eval command's work (loaded only when the command runs: scoring, the pipeline and the engine). */
import { readFile } from 'node:fs/promises';
import { Da2enError } from '../../errors.js';
import { evalResultJson, evaluate, formatEvalTable, splitLines } from '../../eval/index.js';
import { firstBadUtf8Byte, sniffBinary } from '../../io/decode-text.js';
import { physicalInputPath, physicalPath } from '../../io/same-file.js';
import { checkWritable, writeFileAtomically } from '../../io/sinks.js';
import { translateDocument } from '../../pipeline/translate-document.js';
import { segmentLines } from '../../segmentation/for-translator.js';
import { flattenLineBreaks } from '../../segmentation/normalize.js';
import { checkCollisions, checkOutputsOnDisk, type InputPlan } from '../output-plan.js';
import { createProgress } from '../progress.js';
import type { EngineOptions } from '../../engine/load-translator.js';
import type { CliContext } from '../context.js';

/** One run of the eval command, independent of how its options were given. */
export interface EvalRunOptions {
  ref: string;
  hyp?: string | undefined;
  src?: string | undefined;
  saveHyp?: string | undefined;
  json: boolean;
  progress?: boolean | undefined;
  quiet: boolean;
  engine: EngineOptions;
}

/**
 * A file's lines, read as sacreBLEU reads them: UTF-8, strictly (a bad byte stops it, never becomes
 * U+FFFD), a byte order mark kept as text, nothing else changed. A binary file is refused outright.
 * `-` is standard input, as for translate's inputs (a file named - is `./-`).
 */
async function readLines(file: string, what: string, stdin: NodeJS.ReadableStream): Promise<string[]> {
  const name = file === '-' ? '(standard input)' : file;
  let bytes: Buffer;
  try {
    bytes = file === '-' ? await readAll(stdin) : await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Da2enError('input', `cannot read ${what} ${name}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`, { cause: err });
  }
  const binary = sniffBinary(bytes);
  if (binary !== null) throw new Da2enError('input', `${what} ${name} looks like ${binary}, not a UTF-8 text file`);
  const bad = firstBadUtf8Byte(bytes, true);
  if (bad >= 0) {
    throw new Da2enError('input', `${what} ${name} is not valid UTF-8 (first bad byte at offset ${bad}); eval reads UTF-8 only, as sacreBLEU does: convert it first (e.g. iconv -f cp1252 -t utf-8)`);
  }
  return splitLines(bytes.toString('utf8'));
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(typeof part === 'string' ? Buffer.from(part) : (part as Buffer));
  return Buffer.concat(parts);
}

/** An input as the output checks compare it: standard input is no file, and stays `-`. */
const inputOnDisk = (file: string): Promise<string> => (file === '-' ? Promise.resolve(file) : physicalInputPath(file));

/**
 * --save-hyp must not replace a file being read, under any name (a symbolic or hard link), nor be
 * unwritable: found before the model loads, by the checks translate's outputs get.
 */
async function checkSaveHyp(args: EvalRunOptions): Promise<void> {
  if (!args.saveHyp || !args.src) return; // without --src nothing is translated (eval.ts refuses --save-hyp with --hyp)
  // Compared as the system reads them (a `..` after a link), not as written.
  const plans: InputPlan[] = [
    { input: await inputOnDisk(args.src), targets: [{ format: 'txt', path: await physicalPath(args.saveHyp) }] },
    { input: await inputOnDisk(args.ref), targets: [] },
  ];
  checkCollisions(plans);
  await checkOutputsOnDisk(plans);
  await checkWritable(args.saveHyp);
}

export async function runEval(args: EvalRunOptions, ctx: CliContext): Promise<number> {
  await checkSaveHyp(args);
  const refs = await readLines(args.ref, 'reference', ctx.stdin);
  const hyps = args.hyp ? await readLines(args.hyp, 'hypothesis', ctx.stdin) : undefined;
  const src = args.src ? await readLines(args.src, 'source', ctx.stdin) : undefined;
  // Unusable input (line counts that differ, nothing to score) is an EvalInputError: kind 'input'.
  const result = await evaluate({
    refs,
    ...(hyps ? { hyps } : {}),
    ...(src ? { src } : {}),
    translate: async (lines) => {
      const out = await translateLines(lines, args, ctx);
      if (args.saveHyp) await writeFileAtomically(args.saveHyp, out.join('\n') + '\n', { signal: ctx.signal });
      return out;
    },
  });
  ctx.stdout.write(args.json ? evalResultJson(result) + '\n' : formatEvalTable(result) + '\n');
  return 0;
}

/**
 * Each line is one segment, translated whole when it fits the model (as published scores are
 * computed); only an over-long line is split. Empty lines stay empty. Each result is one line
 * whatever the model wrote, or a saved hypothesis would no longer match the reference line by line.
 */
async function translateLines(lines: string[], args: EvalRunOptions, ctx: CliContext): Promise<string[]> {
  const translator = await ctx.loadTranslator({ ...args.engine, signal: ctx.signal });
  try {
    const { document: doc, lineOf: lineOfParagraph } = segmentLines(lines, translator);
    const progress = createProgress(args.progress ?? (!args.quiet && Boolean(ctx.stderr.isTTY)), ctx.stderr);
    const { paragraphs } = await translateDocument(doc, translator, { signal: ctx.signal, onProgress: progress.translation('translating') });
    progress.stop();
    const out = lines.map(() => '');
    paragraphs.forEach((p, i) => {
      const line = lineOfParagraph[i]!;
      const target = flattenLineBreaks(p.target);
      out[line] = out[line] ? `${out[line]} ${target}` : target;
    });
    return out;
  } finally {
    await translator.dispose();
  }
}
