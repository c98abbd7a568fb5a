/**
 * The core of `da2en eval`: score hypotheses (given, or produced by `translate(src)`) against
 * references with corpus BLEU and chrF2 (sacreBLEU 2.x-compatible, see bleu.ts / chrf.ts).
 *
 * Scores in the result keep full precision. sacreBLEU prints them with one decimal
 * (`--width 1`, its default), rounding the exact value half-to-even, and its JSON output holds
 * that rounded number; `formatEvalTable` and `evalResultJson` do the same via `pyRound`.
 */
import { Da2enError } from '../errors.js';
import { corpusBleu } from './bleu.js';
import { corpusChrf } from './chrf.js';
import { pyFormatFixed, pyRound } from './pycompat.js';

export interface EvaluateInput {
  /** Source lines; needed only when `hyps` is absent (they are passed to `translate`). */
  src?: readonly string[];
  /** One reference translation per line. */
  refs: readonly string[];
  /** System output, one line per reference. When absent, `translate(src)` produces it. */
  hyps?: readonly string[];
  translate?: (lines: string[]) => Promise<string[]>;
}

export interface MetricScore {
  score: number;
  signature: string;
}

export interface EvalResult {
  bleu: MetricScore;
  chrf: MetricScore;
  /** Number of segments scored. */
  lines: number;
}

/** Thrown for unusable input (line-count mismatch, empty files, nothing to score with). */
export class EvalInputError extends Da2enError {
  override readonly name: string = 'EvalInputError';

  constructor(message: string) {
    super('input', message);
  }
}

function checkCounts(counts: ReadonlyArray<readonly [string, number]>): void {
  const distinct = new Set(counts.map(([, n]) => n));
  if (distinct.size > 1) {
    const detail = counts.map(([name, n]) => `${name} ${n}`).join(', ');
    throw new EvalInputError(
      `Line counts differ (${detail}): every file must have exactly one line per segment.`,
    );
  }
}

export async function evaluate(input: EvaluateInput): Promise<EvalResult> {
  const { src, refs, translate } = input;
  const counts: Array<[string, number]> = [];
  if (src !== undefined) counts.push(['source', src.length]);
  counts.push(['reference', refs.length]);
  if (input.hyps !== undefined) counts.push(['hypothesis', input.hyps.length]);
  checkCounts(counts);
  // sacreBLEU stops here too ("contains no sentence"): a score of 0 would read as a result.
  if (refs.length === 0) throw new EvalInputError('Nothing to score: the files are empty (no line to score).');

  let hyps: readonly string[];
  if (input.hyps !== undefined) {
    hyps = input.hyps;
  } else {
    if (src === undefined || translate === undefined) {
      throw new EvalInputError('Nothing to score: give hypotheses, or source lines and a translator.');
    }
    hyps = await translate([...src]);
    counts.push(['translation', hyps.length]);
    checkCounts(counts);
  }

  const bleu = corpusBleu(hyps, refs);
  const chrf = corpusChrf(hyps, refs);
  return {
    bleu: { score: bleu.score, signature: bleu.signature },
    chrf: { score: chrf.score, signature: chrf.signature },
    lines: refs.length,
  };
}

/** Scores as sacreBLEU prints them: one decimal, exact value rounded half-to-even. */
export function roundScore(score: number): number {
  return pyRound(score, 1);
}

/**
 * The `--json` payload: `{"bleu": {"score", "signature"}, "chrf": {"score", "signature"}, "lines"}`,
 * scores rounded to one decimal as in sacreBLEU's JSON output (pass `fullPrecision` to keep them).
 */
export function evalResultJson(result: EvalResult, opts: { fullPrecision?: boolean } = {}): string {
  const r = (x: number): number => (opts.fullPrecision ? x : roundScore(x));
  return JSON.stringify({
    bleu: { score: r(result.bleu.score), signature: result.bleu.signature },
    chrf: { score: r(result.chrf.score), signature: result.chrf.signature },
    lines: result.lines,
  });
}

/** Human-readable table, e.g.
 *
 *     metric  score  signature
 *     BLEU     45.1  nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0+da2en
 *     chrF2    69.2  nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0+da2en
 *     lines: 1012
 */
export function formatEvalTable(result: EvalResult): string {
  const rows: Array<[string, string, string]> = [
    ['metric', 'score', 'signature'],
    ['BLEU', pyFormatFixed(result.bleu.score, 1), result.bleu.signature],
    ['chrF2', pyFormatFixed(result.chrf.score, 1), result.chrf.signature],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const lines = rows.map(([a, b, c]) => `${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`);
  lines.push(`lines: ${result.lines}`);
  return lines.join('\n');
}
