/**
 * Corpus BLEU as sacreBLEU 2.x computes it with its defaults:
 * one reference, mixed case, 13a tokenisation, n-grams up to 4, `exp` smoothing,
 * effective order off.
 *
 * - Each segment is right-stripped (Python whitespace) and 13a-tokenised; tokens are the
 *   whitespace-separated pieces.
 * - Per segment: clipped n-gram matches (`counts`) and hypothesis n-gram totals (`totals`)
 *   for n = 1..4, hypothesis length and reference length; all summed over the corpus.
 * - Brevity penalty: exp(1 - refLen/sysLen) when sysLen < refLen (0 when sysLen is 0), else 1.
 * - No match at all: score 0. Otherwise precision_n = 100·counts/totals; a zero count is
 *   replaced by 100 / (2^k · totals) for the k-th zero order (`exp` smoothing, as mteval);
 *   an order with no hypothesis n-grams stops the loop and leaves precision 0 (log 0 taken
 *   as -9999999999, so the score is 0).
 * - score = bp · exp(mean of log precisions), on the 0..100 scale.
 */
import { pyFormatFixed, pyRstrip, pySplit, sacreLog } from './pycompat.js';
import { BLEU_SIGNATURE } from './signature.js';
import { tokenize13a } from './tokenizer-13a.js';

export const BLEU_MAX_ORDER = 4;

export interface BleuResult {
  /** 0..100, full precision (sacreBLEU prints it with one decimal). */
  score: number;
  signature: string;
  /** Clipped matching n-grams for n = 1..4. */
  counts: number[];
  /** Hypothesis n-grams for n = 1..4. */
  totals: number[];
  /** Percentages for n = 1..4, after smoothing. */
  precisions: number[];
  bp: number;
  sysLen: number;
  refLen: number;
}

/** n-gram counts of a token list, orders 1..maxOrder; keys are tokens joined by one space. */
function ngramCounts(tokens: readonly string[], maxOrder: number): Map<string, number>[] {
  const byOrder: Map<string, number>[] = [];
  for (let n = 1; n <= maxOrder; n++) {
    const m = new Map<string, number>();
    for (let i = 0; i + n <= tokens.length; i++) {
      const key = tokens.slice(i, i + n).join(' ');
      m.set(key, (m.get(key) ?? 0) + 1);
    }
    byOrder.push(m);
  }
  return byOrder;
}

/** The tokens sacreBLEU's BLEU sees for one segment. */
export function bleuTokens(segment: string): string[] {
  return pySplit(tokenize13a(pyRstrip(segment)));
}

/** Per-segment statistics: [sysLen, refLen, counts[0..3], totals[0..3]]. */
export interface BleuSegmentStats {
  sysLen: number;
  refLen: number;
  counts: number[];
  totals: number[];
}

export function bleuSegmentStats(hyp: string, ref: string): BleuSegmentStats {
  const hypTokens = bleuTokens(hyp);
  const refTokens = bleuTokens(ref);
  const hypNgrams = ngramCounts(hypTokens, BLEU_MAX_ORDER);
  const refNgrams = ngramCounts(refTokens, BLEU_MAX_ORDER);
  const counts = new Array<number>(BLEU_MAX_ORDER).fill(0);
  const totals = new Array<number>(BLEU_MAX_ORDER).fill(0);
  for (let n = 0; n < BLEU_MAX_ORDER; n++) {
    const ref = refNgrams[n]!;
    for (const [gram, c] of hypNgrams[n]!) {
      totals[n]! += c;
      const r = ref.get(gram);
      if (r !== undefined) counts[n]! += Math.min(c, r);
    }
  }
  return { sysLen: hypTokens.length, refLen: refTokens.length, counts, totals };
}

/** BLEU from summed statistics (sacreBLEU `compute_bleu`, smooth `exp`, effective order off). */
export function bleuFromStats(
  countsIn: readonly number[],
  totals: readonly number[],
  sysLen: number,
  refLen: number,
): BleuResult {
  const counts = [...countsIn];
  let bp: number;
  if (sysLen < refLen) bp = sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0.0;
  else bp = 1.0;
  const precisions = new Array<number>(BLEU_MAX_ORDER).fill(0);
  const base = { signature: BLEU_SIGNATURE, counts, totals: [...totals], precisions, bp, sysLen, refLen };
  if (!counts.some((c) => c !== 0)) return { score: 0, ...base };

  let smoothMteval = 1;
  for (let n = 1; n <= BLEU_MAX_ORDER; n++) {
    const total = totals[n - 1]!;
    const correct = counts[n - 1]!;
    if (total === 0) break;
    if (correct === 0) {
      smoothMteval *= 2;
      precisions[n - 1] = 100 / (smoothMteval * total);
    } else {
      precisions[n - 1] = (100 * correct) / total;
    }
  }
  let logSum = 0;
  for (const p of precisions) logSum += sacreLog(p);
  const score = bp * Math.exp(logSum / BLEU_MAX_ORDER);
  return { score, ...base };
}

function checkLengths(hyps: readonly string[], refs: readonly string[], what: string): void {
  if (hyps.length !== refs.length) {
    throw new Error(
      `${what}: hypotheses and references have different line counts (${hyps.length} vs ${refs.length})`,
    );
  }
}

/** Corpus BLEU of `hyps` against one reference per line (sacreBLEU 2.x defaults). */
export function corpusBleu(hyps: readonly string[], refs: readonly string[]): BleuResult {
  checkLengths(hyps, refs, 'corpusBleu');
  let sysLen = 0;
  let refLen = 0;
  const counts = new Array<number>(BLEU_MAX_ORDER).fill(0);
  const totals = new Array<number>(BLEU_MAX_ORDER).fill(0);
  for (let i = 0; i < hyps.length; i++) {
    const st = bleuSegmentStats(hyps[i]!, refs[i]!);
    sysLen += st.sysLen;
    refLen += st.refLen;
    for (let n = 0; n < BLEU_MAX_ORDER; n++) {
      counts[n]! += st.counts[n]!;
      totals[n]! += st.totals[n]!;
    }
  }
  return bleuFromStats(counts, totals, sysLen, refLen);
}

/** sacreBLEU's one-line verbose form, e.g. `BLEU = 45.10 78.3/53.1/38.9/28.9 (BP = 1.000 ratio = 1.001 hyp_len = … ref_len = …)`. */
export function formatBleuVerbose(r: BleuResult): string {
  const f = pyFormatFixed;
  const ratio = r.refLen > 0 ? r.sysLen / r.refLen : 0;
  return (
    `BLEU = ${f(r.score, 2)} ${r.precisions.map((p) => f(p, 1)).join('/')} ` +
    `(BP = ${f(r.bp, 3)} ratio = ${f(ratio, 3)} hyp_len = ${r.sysLen} ref_len = ${r.refLen})`
  );
}
