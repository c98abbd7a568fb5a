/**
 * Corpus chrF2 as sacreBLEU 2.x computes it with its defaults:
 * character n-grams of order 1..6, no word n-grams, beta 2, mixed case, whitespace removed,
 * effective-order averaging (`eff:yes`, i.e. eps_smoothing off).
 *
 * - Each segment has all (Python) whitespace removed; n-grams are over Unicode code points.
 * - Per segment and order: [hypothesis n-grams, reference n-grams, clipped matches], where the
 *   hypothesis count is 0 when the reference has no n-gram of that order. Summed over the corpus.
 * - Corpus score: for each order where both hypothesis and reference counts are > 0, take
 *   precision and recall; average them over those orders ("effective order"); then
 *   F_beta = (1 + beta²)·P·R / (beta²·P + R), times 100. 0 when P + R is 0.
 */
import { pyRemoveWhitespace } from './pycompat.js';
import { CHRF_SIGNATURE } from './signature.js';

export const CHRF_CHAR_ORDER = 6;
export const CHRF_BETA = 2;

export interface ChrfResult {
  /** 0..100, full precision (sacreBLEU prints one decimal). */
  score: number;
  signature: string;
  /** Per order 1..6: [hyp n-grams, ref n-grams, matches], summed over the corpus. */
  stats: Array<[number, number, number]>;
}

function charNgrams(chars: readonly string[], n: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= chars.length; i++) {
    const key = chars.slice(i, i + n).join('');
    m.set(key, (m.get(key) ?? 0) + 1);
  }
  return m;
}

/** Per-order [hyp, ref, match] statistics for one segment pair. */
export function chrfSegmentStats(hyp: string, ref: string): Array<[number, number, number]> {
  const h = Array.from(pyRemoveWhitespace(hyp));
  const r = Array.from(pyRemoveWhitespace(ref));
  const out: Array<[number, number, number]> = [];
  for (let n = 1; n <= CHRF_CHAR_ORDER; n++) {
    const hg = charNgrams(h, n);
    const rg = charNgrams(r, n);
    let hypCount = 0;
    let match = 0;
    for (const [g, c] of hg) {
      hypCount += c;
      const rc = rg.get(g);
      if (rc !== undefined) match += Math.min(c, rc);
    }
    let refCount = 0;
    for (const c of rg.values()) refCount += c;
    out.push([rg.size > 0 ? hypCount : 0, refCount, match]);
  }
  return out;
}

/** chrF from summed statistics (effective-order averaging of precision and recall). */
export function chrfFromStats(stats: ReadonlyArray<readonly [number, number, number]>): number {
  const factor = CHRF_BETA ** 2;
  let avgPrec = 0;
  let avgRec = 0;
  let effOrder = 0;
  for (const [nHyp, nRef, nMatch] of stats) {
    if (nHyp > 0 && nRef > 0) {
      avgPrec += nMatch / nHyp;
      avgRec += nMatch / nRef;
      effOrder += 1;
    }
  }
  if (effOrder === 0) return 0;
  avgPrec /= effOrder;
  avgRec /= effOrder;
  if (avgPrec + avgRec === 0) return 0;
  const score = ((1 + factor) * avgPrec * avgRec) / (factor * avgPrec + avgRec);
  return 100 * score;
}

/** Corpus chrF2 of `hyps` against one reference per line (sacreBLEU 2.x defaults). */
export function corpusChrf(hyps: readonly string[], refs: readonly string[]): ChrfResult {
  if (hyps.length !== refs.length) {
    throw new Error(
      `corpusChrf: hypotheses and references have different line counts (${hyps.length} vs ${refs.length})`,
    );
  }
  const stats: Array<[number, number, number]> = [];
  for (let n = 0; n < CHRF_CHAR_ORDER; n++) stats.push([0, 0, 0]);
  for (let i = 0; i < hyps.length; i++) {
    const seg = chrfSegmentStats(hyps[i]!, refs[i]!);
    for (let n = 0; n < CHRF_CHAR_ORDER; n++) {
      const acc = stats[n]!;
      const s = seg[n]!;
      acc[0] += s[0];
      acc[1] += s[1];
      acc[2] += s[2];
    }
  }
  return { score: chrfFromStats(stats), signature: CHRF_SIGNATURE, stats };
}
