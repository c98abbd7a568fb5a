/** Text similarity for the "untranslated" rule. */

/** Lower-cased, NFC, whitespace collapsed, trimmed. */
export function normaliseForCompare(s: string): string {
  return s.normalize('NFC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

/** Levenshtein distance over code points (two-row dynamic programme). */
export function levenshtein(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  if (x.length === 0) return y.length;
  if (y.length === 0) return x.length;
  let prev = new Array<number>(y.length + 1);
  let cur = new Array<number>(y.length + 1);
  for (let j = 0; j <= y.length; j++) prev[j] = j;
  for (let i = 1; i <= x.length; i++) {
    cur[0] = i;
    const xi = x[i - 1];
    for (let j = 1; j <= y.length; j++) {
      const cost = xi === y[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[y.length]!;
}

/** Dice coefficient over character bigrams (used for very long texts). */
export function bigramDice(a: string, b: string): number {
  const grams = (s: string): Map<string, number> => {
    const cps = Array.from(s);
    const m = new Map<string, number>();
    for (let i = 0; i + 1 < cps.length; i++) {
      const g = cps[i]! + cps[i + 1]!;
      m.set(g, (m.get(g) ?? 0) + 1);
    }
    return m;
  };
  const ga = grams(a);
  const gb = grams(b);
  let na = 0;
  let nb = 0;
  let both = 0;
  for (const c of ga.values()) na += c;
  for (const [g, c] of gb) {
    nb += c;
    both += Math.min(c, ga.get(g) ?? 0);
  }
  return na + nb === 0 ? (a === b ? 1 : 0) : (2 * both) / (na + nb);
}

const LEVENSHTEIN_MAX = 4000;

/**
 * Similarity in 0..1 of two normalised texts: 1 − edit distance / longer length, or the
 * bigram Dice coefficient when either text is longer than 4000 code points.
 */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  const la = Array.from(a).length;
  const lb = Array.from(b).length;
  const longer = Math.max(la, lb);
  if (longer === 0) return 1;
  if (longer > LEVENSHTEIN_MAX) return bigramDice(a, b);
  return 1 - levenshtein(a, b) / longer;
}
